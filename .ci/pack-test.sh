#!/usr/bin/env bash
# Proves the npm package as its users get it: `npm pack` (which runs prepack, the build), installed from the
# tarball into an empty project (better-sqlite3 builds there), then
#   (a) the CLI: `npx mpc-mock --port N` answers /_mock/health and exits 0 on SIGTERM;
#   (b) the in-process API from an ES module: import { startMpcMock } from 'mpc-mock';
#   (c) the published types: a strict TypeScript file that imports them type-checks (nodenext resolution).
# Needs the repository's dev dependencies (npm ci) for the build. Only 127.0.0.1 is contacted.
# Usage: bash .ci/pack-test.sh
set -euo pipefail

repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
project=0123456789abcdef0123456789abcdef
task=22123973

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pack-test.XXXXXX")
cli_group=""
cleanup() {
  # npx runs in its own process group (setsid): whatever of it is left, the mock included, stops here.
  if [[ -n $cli_group ]] && pgrep -g "$cli_group" >/dev/null; then
    kill -TERM -- "-$cli_group" 2>/dev/null || true
    sleep 1
    kill -KILL -- "-$cli_group" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

say() { printf 'pack-test: %s\n' "$*"; }
fail() {
  printf 'FAIL pack-test: %s\n' "$*"
  exit 1
}
quiet() { # command...: its output only when it fails
  local log="$tmp/step.log"
  if ! "$@" </dev/null >"$log" 2>&1; then
    tail -n 40 "$log"
    fail "$*"
  fi
}

# ---------------------------------------------------------------- npm pack
[[ -x $repo/node_modules/.bin/tsc ]] || fail "the repository's dev dependencies are missing: run npm ci first"
mkdir -p "$tmp/pack" "$tmp/consumer"
say "npm pack (prepack builds dist/)"
(cd "$repo" && quiet npm pack --pack-destination "$tmp/pack" --loglevel=warn)
tarballs=("$tmp"/pack/*.tgz)
[[ ${#tarballs[@]} == 1 && -f ${tarballs[0]} ]] || fail "npm pack made no single tarball"
tarball=${tarballs[0]}
version=$(node -p 'require(process.argv[1]).version' "$repo/package.json")
contents=$(tar -tzf "$tarball")
for f in package/package.json package/dist/cli.js package/dist/index.js package/dist/index.d.ts \
  package/openapi/mpc-api.yaml package/fixtures/transcodings.json; do
  grep -qx "$f" <<<"$contents" || fail "the tarball lacks ${f#package/}"
done
if grep -q '^package/src/\|\.map$' <<<"$contents"; then fail "the tarball ships src/ or source maps"; fi
echo "PASS npm pack: $(basename "$tarball"), $(wc -l <<<"$contents") files, $(($(stat -c %s "$tarball") / 1024)) KiB"

# ---------------------------------------------------------------- install into an empty project
cd "$tmp/consumer"
quiet npm init -y
quiet npm pkg set type=module
say "npm install $(basename "$tarball") (builds better-sqlite3; about a minute)"
started=$SECONDS
quiet npm install --no-audit --no-fund "$tarball"
echo "PASS npm install of the tarball into an empty project ($((SECONDS - started)) s)"

# ---------------------------------------------------------------- (a) the CLI
[[ $(npx --no-install mpc-mock --version </dev/null 2>/dev/null) == "$version" ]] || fail "npx mpc-mock --version is not $version"
port=$(node -e '
  const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
health="http://127.0.0.1:$port/_mock/health"
say "npx mpc-mock --port $port"
setsid npx --no-install mpc-mock --port "$port" </dev/null >"$tmp/cli.log" 2>&1 &
cli_pid=$!
cli_group=$cli_pid
up=0
for ((try = 1; try <= 60; try++)); do
  kill -0 "$cli_pid" 2>/dev/null || {
    tail -n 30 "$tmp/cli.log"
    fail "npx mpc-mock exited before it answered"
  }
  if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$health" || true) == 200 ]]; then
    up=1
    break
  fi
  sleep 0.5
done
[[ $up == 1 ]] || {
  tail -n 30 "$tmp/cli.log"
  fail "GET $health did not answer 200 in 60 tries"
}
grep -q "^mpc-mock $version listening on http://127.0.0.1:$port\$" "$tmp/cli.log" ||
  fail "no 'mpc-mock $version listening on http://127.0.0.1:$port' line"
echo "PASS npx mpc-mock: GET /_mock/health answered 200 (try $try)"
# npx runs `sh -c mpc-mock`, and npm forwards a signal to that shell only, which dies without passing it
# on: so SIGTERM goes to the mock's own node process, as `docker stop` or a process manager would send it.
mock_pid=$(pgrep -g "$cli_pid" -f "node .*mpc-mock --port $port\$" || true)
[[ $mock_pid =~ ^[0-9]+$ ]] || fail "cannot find the mock's node process under npx (found: ${mock_pid:-none})"
kill -TERM "$mock_pid"
status=0
wait "$cli_pid" || status=$?
[[ $status == 0 ]] || {
  tail -n 30 "$tmp/cli.log"
  fail "mpc-mock exited $status on SIGTERM (expected 0; npx passes its code on)"
}
echo "PASS npx mpc-mock: SIGTERM to the mock, exit code 0 (through npx)"

# ---------------------------------------------------------------- (b) the in-process API from ESM
cat >check.mjs <<EOF
import assert from 'node:assert/strict';
import { startMpcMock } from 'mpc-mock';
import { mockControl } from 'mpc-mock/control';

const mock = await startMpcMock({ port: 0, logLevel: 'silent' });
try {
  const response = await fetch(\`\${mock.url}/v1/$project/transcodings?task_id=$task\`);
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.task_array[0].task_id, '$task');
  // The control client, from its own entry point, as a compose-stack test imports it.
  const control = mockControl(mock.url);
  assert.equal((await control.clock.freeze('2026-01-01T00:00:00Z')).now, '2026-01-01T00:00:00.000Z');
  assert.equal((await control.exportTasks({ kind: 'transcodings' })).transcodings.length > 0, true);
} finally {
  await mock.close();
}
console.log('ok: startMpcMock from', new URL(import.meta.resolve('mpc-mock')).pathname.replace(process.cwd() + '/', ''));
EOF
out=$(node check.mjs </dev/null 2>&1) || {
  echo "$out"
  fail "node check.mjs"
}
echo "$out"
echo "PASS import { startMpcMock } from 'mpc-mock': task_array[0].task_id is $task; mockControl from 'mpc-mock/control' steers it"

# ---------------------------------------------------------------- (c) the published types
cat >check.ts <<'EOF'
import { startMpcMock, type RunningMpcMock } from 'mpc-mock';
import { mockControl, type MockControl } from 'mpc-mock/control';

const mock: RunningMpcMock = await startMpcMock({ port: 0, logLevel: 'silent', generate: 2, seed: 7 });
const port: number = mock.port;
const url: string = mock.url;
console.log(port, url);
await mock.close();

// The types are real, not any: a wrong option type must not compile.
// @ts-expect-error port is a number
await startMpcMock({ port: '8080' });
const control: MockControl = mockControl('http://127.0.0.1:1');
// @ts-expect-error the lifecycle modes come from the control document
void control.lifecycle.set({ mode: 'sometimes' });
EOF
say "npm install typescript@~5.9 @types/node@20 (to type-check as a TypeScript user would)"
quiet npm install --no-audit --no-fund --save-dev typescript@~5.9 @types/node@20
tsc_out=$(npx --no-install tsc --noEmit --module nodenext --moduleResolution nodenext --strict check.ts </dev/null 2>&1) || {
  echo "$tsc_out"
  fail "tsc --noEmit --module nodenext --moduleResolution nodenext --strict check.ts"
}
echo "PASS tsc --strict (nodenext, TypeScript $(npx --no-install tsc --version </dev/null 2>/dev/null | sed 's/Version //')): the published types resolve"
echo "PASS pack-test: mpc-mock $version from its npm tarball works as a CLI, an ES module and TypeScript types"
