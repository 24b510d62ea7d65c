#!/usr/bin/env bash
# The test suite on another Node major than the machine's: the Docker image's (its FROM line), or the one given.
# Node itself comes from the npm registry (node-linux-<arch>@<major>, headers included, so better-sqlite3 builds
# against it); the suite runs in a clone of the committed tree with its own node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."
major=${1:-$(sed -nE 's/^FROM[[:space:]]+node:([0-9]+).*/\1/p' Dockerfile | head -n1)}
[[ -n $major ]] || { echo "test-on-node: no Node major given or found in the Dockerfile" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/test-on-node.XXXXXX")
trap 'rm -rf "$work"' EXIT
arch=$(node -p 'process.arch')
echo "test-on-node: installing node-linux-$arch@$major from the npm registry"
npm install --no-save --no-audit --no-fund --prefix "$work/node" "node-linux-$arch@$major" >"$work/node-install.log" 2>&1 || {
  cat "$work/node-install.log" >&2
  exit 1
}
node_home="$work/node/node_modules/node-linux-$arch"
export PATH="$node_home/bin:$PATH" npm_config_nodedir="$node_home"
echo "test-on-node: node $(node --version)"
# A clone, not an archive: the README test lists the clone's files with git, as a newcomer's clone would have them.
git clone -q "$PWD" "$work/tree"
cd "$work/tree"
npm ci --no-audit --no-fund
npm test
