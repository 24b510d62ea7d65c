#!/usr/bin/env bash
# Proves the Dockerfile's build and start steps without a Docker engine, by replaying them on this machine.
#
#  1. The build context is a clean export of the committed tree (git archive HEAD) with the .dockerignore
#     patterns applied, so a file that is not committed, or that .dockerignore drops, is missing here too.
#  2. The Dockerfile is parsed (nothing is hard-coded here): each stage gets a folder standing for its
#     WORKDIR; COPY (from the context or --from another stage) and RUN are replayed in order. A RUN apt-get
#     step is skipped when the packages it installs are already present, and says so.
#     A stage FROM an earlier stage starts from that stage's files and settings. Every stage is replayed once;
#     REPLAY_TARGETS names the images to start (stages, as docker build --target names them), else the last one.
#  3. For each target, its stage's ENV lines are exported, then MPC_MOCK_PORT is overridden (default 18080, or
#     REPLAY_PORT) to prove the HEALTHCHECK follows the configured port; its CMD starts in the background.
#  4. Readiness is the Dockerfile's own HEALTHCHECK command, retried (60 x 0.5 s); then a /v1 request must
#     answer a task_array; then SIGTERM must stop the CMD with exit code 0.
#
# What it cannot prove: the base image itself (the host's Debian and toolchain stand in for
# node:24-bookworm-slim's; Node is the image's major, from the npm registry), USER (not replayed: the CMD runs as the current user), --chown/--chmod.
# Usage: bash .ci/replay-dockerfile.sh        (from anywhere in the repository; needs git, node, npm, curl)
set -euo pipefail
shopt -s nullglob dotglob

repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
port=${REPLAY_PORT:-18080}
project=0123456789abcdef0123456789abcdef
health_tries=60
health_pause=0.5

work=$(mktemp -d "${TMPDIR:-/tmp}/replay-dockerfile.XXXXXX")
ctx="$work/context"
server_pid=""

cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    sleep 1
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

say() { printf 'replay-dockerfile: %s\n' "$*"; }
fail() {
  printf 'FAIL replay-dockerfile: %s\n' "$*"
  exit 1
}
show_log() { # file [lines]
  [[ -f $1 ]] || return 0
  echo "---- last ${2:-30} lines of $(basename "$1") ----"
  tail -n "${2:-30}" "$1"
  echo "----"
}

# ---------------------------------------------------------------- 1. the build context
mkdir -p "$ctx"
git -C "$repo" archive --format=tar HEAD | tar -x -C "$ctx"
say "build context: git archive HEAD ($(git -C "$repo" rev-parse --short HEAD))"
[[ -f $ctx/Dockerfile ]] || fail "Dockerfile is not committed"
cp "$ctx/Dockerfile" "$work/Dockerfile" # Docker reads it even when .dockerignore lists it

# A .dockerignore pattern (Go filepath.Match syntax plus **) as an anchored ERE that also matches
# everything under a matching folder.
dockerignore_regex() {
  local p=$1 out="" i c
  p=${p#/}
  while [[ $p == ./* ]]; do p=${p#./}; done
  p=${p%/}
  for ((i = 0; i < ${#p}; i++)); do
    c=${p:i:1}
    case $c in
      '*')
        if [[ ${p:i+1:1} == '*' ]]; then
          if [[ ${p:i+2:1} == / ]]; then
            out+='(.*/)?'
            i=$((i + 2))
          else
            out+='.*'
            i=$((i + 1))
          fi
        else
          out+='[^/]*'
        fi
        ;;
      '?') out+='[^/]' ;;
      \\)
        out+="\\${p:i+1:1}"
        i=$((i + 1))
        ;;
      '.' | '+' | '(' | ')' | '{' | '}' | '|' | '^' | '$') out+="\\$c" ;;
      *) out+=$c ;;
    esac
  done
  printf '^%s(/.*)?$' "$out"
}

if [[ -f $ctx/.dockerignore ]]; then
  regexes=() negated=()
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%$'\r'}
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line%"${line##*[![:space:]]}"}"
    [[ -z $line || $line == '#'* ]] && continue
    if [[ $line == '!'* ]]; then
      negated+=(1)
      line=${line#!}
    else
      negated+=(0)
    fi
    regexes+=("$(dockerignore_regex "$line")")
  done <"$ctx/.dockerignore"
  is_ignored() { # the last pattern that matches decides
    local i ignored=1
    for i in "${!regexes[@]}"; do
      [[ $1 =~ ${regexes[i]} ]] && ignored=${negated[i]}
    done
    return "$ignored"
  }
  dropped=0
  while IFS= read -r -d '' path; do
    rel=${path#./}
    if is_ignored "$rel"; then
      rm -f "$ctx/$rel"
      dropped=$((dropped + 1))
    fi
  done < <(cd "$ctx" && find . \( -type f -o -type l \) -print0)
  # An ignored folder is not in the context at all (unless a ! pattern kept something in it).
  while IFS= read -r -d '' path; do
    rel=${path#./}
    if is_ignored "$rel"; then rmdir "$ctx/$rel" 2>/dev/null || true; fi
  done < <(cd "$ctx" && find . -mindepth 1 -depth -type d -print0)
  say "applied .dockerignore (${#regexes[@]} patterns): dropped $dropped committed file(s) from the context"
fi

# ---------------------------------------------------------------- 1b. the base image's Node
# The image runs the Node major its FROM names (node:24-...). The npm registry carries Node itself as
# node-linux-<arch>@<major>, headers included, so the replay builds the native module and runs the CMD on
# that major rather than on the host's.
base_major=$(sed -nE 's/^FROM[[:space:]]+node:([0-9]+).*/\1/p' "$work/Dockerfile" | head -n1)
host_major=$(node -p 'process.versions.node.split(".")[0]')
if [[ -n $base_major && $base_major != "$host_major" ]]; then
  arch=$(node -p 'process.arch')
  say "the image's Node is $base_major, the host's is $host_major: installing node-linux-$arch@$base_major from the npm registry"
  if ! npm install --no-save --no-audit --no-fund --prefix "$work/node" "node-linux-$arch@$base_major" >"$work/node-install.log" 2>&1; then
    show_log "$work/node-install.log"
    fail "could not install node-linux-$arch@$base_major"
  fi
  node_home="$work/node/node_modules/node-linux-$arch"
  export PATH="$node_home/bin:$PATH" npm_config_nodedir="$node_home"
  say "node $(node --version) from $node_home/bin, with its headers for native modules"
fi
[[ -z $base_major || $(node -p 'process.versions.node.split(".")[0]') == "$base_major" ]] || fail "node is not the image's Node $base_major"

# ---------------------------------------------------------------- 2. parse the Dockerfile
# One entry per instruction: comment lines dropped, continuation lines joined (as Docker does).
instructions=()
current=""
first_line=1
while IFS= read -r line || [[ -n $line ]]; do
  line=${line%$'\r'}
  if [[ $first_line == 1 && $line =~ ^#[[:space:]]*escape[[:space:]]*= ]]; then
    [[ $line =~ =[[:space:]]*\\[[:space:]]*$ ]] || fail "parser directive '$line' is not supported"
  fi
  first_line=0
  [[ $line =~ ^[[:space:]]*# ]] && continue
  [[ $line =~ ^[[:space:]]*$ ]] && continue
  if [[ $line =~ ^(.*)\\[[:space:]]*$ ]]; then
    current+="${BASH_REMATCH[1]}"
    continue
  fi
  current+="$line"
  instructions+=("$current")
  current=""
done <"$work/Dockerfile"
[[ -z $current ]] || fail "the Dockerfile ends inside a continued line"
say "parsed ${#instructions[@]} instructions from the Dockerfile"

trim() {
  local s=$1
  s="${s#"${s%%[![:space:]]*}"}"
  printf '%s' "${s%"${s##*[![:space:]]}"}"
}

# Exec form (a JSON array of strings) into the array named $2; returns 1 when $1 is not exec form.
json_array() {
  local -n into=$2
  [[ $1 == '['* ]] || return 1
  node -e '
    let a; try { a = JSON.parse(process.argv[1]); } catch { process.exit(1); }
    if (!Array.isArray(a) || a.length === 0 || a.some((x) => typeof x !== "string")) process.exit(1);
    process.stdout.write(a.map((x) => x + "\0").join(""));
  ' "$1" >"$work/json.out" || return 1
  # shellcheck disable=SC2034 # into names the caller's array
  mapfile -d '' -t into <"$work/json.out"
}

# Go duration (10s, 1m30s, 500ms) to seconds for timeout(1).
go_seconds() {
  node -e '
    const s = process.argv[1]; let t = 0, m, re = /([0-9.]+)(ms|s|m|h)/g, seen = "";
    while ((m = re.exec(s))) { t += Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2]]; seen += m[0]; }
    if (seen !== s) process.exit(1);
    console.log(t);
  ' "$1"
}

# A path in a stage's filesystem to the host folder that replays it; the stage folder stands for WORKDIR.
stage_path() { # stage-folder workdir path
  local root=$1 workdir=$2 p=$3
  [[ $p == /* ]] || p="$workdir/$p"
  p=$(realpath -m -s "$p")
  if [[ $p == "$workdir" ]]; then
    printf '%s' "$root"
  elif [[ $p == "$workdir"/* ]]; then
    printf '%s/%s' "$root" "${p#"$workdir"/}"
  else
    return 1
  fi
}

declare -A stage_dir=() stage_workdir=() saved_env=() saved_cmd=() saved_entrypoint=() saved_user=() saved_health=() saved_root=() saved_workdir=()

stage=""
stage_count=0
final_env=()
final_cmd=""
final_entrypoint=""
final_user=""
final_health=""
final_workdir="/"
stage_env=()
workdir="/"
touched=0

run_step() { # the RUN's shell command
  local cmd=$1 log
  log="$work/run-$((++run_count)).log"
  if [[ $cmd =~ ^apt-get[[:space:]] ]]; then
    local pkgs=() missing=() word in_install=0 pkg
    read -r -a words <<<"${cmd//&&/ ; }"
    for word in "${words[@]}"; do
      case $word in
        install) in_install=1 ;;
        ';' | '&&' | '||' | '|') in_install=0 ;;
        -*) ;;
        *) [[ $in_install == 1 ]] && pkgs+=("$word") ;;
      esac
    done
    for pkg in "${pkgs[@]}"; do
      if ! command -v "$pkg" >/dev/null 2>&1 &&
        [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true) != *"ok installed"* ]]; then
        missing+=("$pkg")
      fi
    done
    if [[ ${#pkgs[@]} -gt 0 && ${#missing[@]} -eq 0 ]]; then
      say "SKIP RUN $cmd"
      skipped_count=$((skipped_count + 1))
      say "     (what it installs is already here: ${pkgs[*]})"
      return 0
    fi
    [[ $(id -u) == 0 ]] || fail "RUN $cmd: ${missing[*]:-its packages} missing and not root to install them"
    say "RUN $cmd   (missing here: ${missing[*]:-?})"
  else
    say "RUN $cmd"
  fi
  local started=$SECONDS
  # The build container's environment: the stage's ENV lines; a host NODE_ENV would change what npm installs.
  if ! (cd "$stage_root" && env -u NODE_ENV "${stage_env[@]}" /bin/sh -c "$cmd") </dev/null >"$log" 2>&1; then
    show_log "$log" 40
    fail "RUN $cmd"
  fi
  say "     ok in $((SECONDS - started)) s"
}

copy_step() { # the COPY's arguments
  local args=() from="" a
  read -r -a args <<<"$1"
  if json_array "$1" args; then :; fi
  while [[ ${#args[@]} -gt 0 && ${args[0]} == --* ]]; do
    a=${args[0]}
    args=("${args[@]:1}")
    case $a in
      --from=*) from=${a#--from=} ;;
      --chown=* | --chmod=*) say "     note: $a is not replayed" ;;
      --link | --link=*) ;;
      *) fail "COPY flag $a is not supported by this replay" ;;
    esac
  done
  [[ ${#args[@]} -ge 2 ]] || fail "COPY $1: needs a source and a destination"
  local dest=${args[-1]} srcs=("${args[@]:0:${#args[@]}-1}")
  local src_root src_workdir
  if [[ -n $from ]]; then
    [[ -n ${stage_dir[$from]:-} ]] || fail "COPY --from=$from: no earlier stage of that name (images are not replayed)"
    src_root=${stage_dir[$from]}
    src_workdir=${stage_workdir[$from]}
  else
    src_root=$ctx
    src_workdir=/
  fi
  local target matches=() s m host_src
  target=$(stage_path "$stage_root" "$workdir" "$dest") || fail "COPY destination $dest is outside WORKDIR $workdir"
  for s in "${srcs[@]}"; do
    if [[ -n $from ]]; then
      [[ $s == /* ]] || s="/$s"
      host_src=$(stage_path "$src_root" "$src_workdir" "$s") || fail "COPY --from=$from $s: outside that stage's WORKDIR"
    else
      s=$(realpath -m -s "/$s")
      host_src="$ctx$s"
    fi
    mapfile -t m < <(compgen -G "$host_src" || true) # the source may be a glob
    [[ ${#m[@]} -gt 0 && -e ${m[0]} ]] ||
      fail "COPY ${from:+--from=$from }$s: not found (not committed, or dropped by .dockerignore?)"
    matches+=("${m[@]}")
  done
  local into_dir=0
  [[ $dest == */ || $dest == . || ${#matches[@]} -gt 1 || -d $target ]] && into_dir=1
  for m in "${matches[@]}"; do
    if [[ -d $m ]]; then
      mkdir -p "$target"
      cp -a "$m/." "$target/"
    elif [[ $into_dir == 1 ]]; then
      mkdir -p "$target"
      cp -a "$m" "$target/"
    else
      mkdir -p "$(dirname "$target")"
      cp -a "$m" "$target"
    fi
  done
}

env_step() { # the ENV's arguments, into stage_env
  local rest=$1 k v
  if [[ ! $rest =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then # legacy form: ENV KEY value
    k=${rest%%[[:space:]]*}
    stage_env+=("$k=$(trim "${rest#"$k"}")")
    return
  fi
  while [[ -n $rest ]]; do
    [[ $rest =~ ^([A-Za-z_][A-Za-z0-9_]*)=(\"([^\"\\]|\\.)*\"|\'[^\']*\'|[^[:space:]]*)[[:space:]]*(.*)$ ]] ||
      fail "cannot read ENV $1"
    k=${BASH_REMATCH[1]} v=${BASH_REMATCH[2]} rest=${BASH_REMATCH[4]}
    [[ $v =~ [\$] ]] && fail "ENV $k: variable substitution is not replayed"
    if [[ $v == \"*\" ]]; then v=${v:1:-1}; elif [[ $v == \'*\' ]]; then v=${v:1:-1}; fi
    stage_env+=("$k=$v")
  done
}

run_count=0
skipped_count=0
for instruction in "${instructions[@]}"; do
  instruction=$(trim "$instruction")
  keyword=${instruction%%[[:space:]]*}
  keyword=${keyword^^}
  rest=$(trim "${instruction:${#keyword}}")
  case $keyword in
    FROM)
      read -r -a words <<<"$rest"
      [[ ${words[0]} == --platform=* ]] && words=("${words[@]:1}")
      stage_count=$((stage_count + 1))
      stage=$((stage_count - 1))
      [[ ${#words[@]} -ge 3 && ${words[1]^^} == AS ]] && stage=${words[2]}
      stage_root="$work/$stage"
      base=${words[0]}
      if [[ -n ${stage_dir[$base]:-} ]]; then
        # A stage on an earlier stage starts from its files (hard links: nothing is copied) and its settings.
        cp -al "${stage_dir[$base]}" "$stage_root"
        workdir=${stage_workdir[$base]:-/}
        mapfile -t stage_env < <(printf '%s' "${saved_env[$base]:-}")
        final_cmd=${saved_cmd[$base]:-} final_entrypoint=${saved_entrypoint[$base]:-} final_user=${saved_user[$base]:-} final_health=${saved_health[$base]:-}
        touched=1
      else
        mkdir -p "$stage_root"
        workdir="/" stage_env=() final_cmd="" final_entrypoint="" final_user="" final_health="" touched=0
      fi
      stage_dir[$stage]=$stage_root
      stage_dir[$((stage_count - 1))]=$stage_root
      stage_workdir[$stage]=$workdir
      stage_workdir[$((stage_count - 1))]=$workdir
      say "== stage '$stage' (FROM $base): replayed in $stage_root"
      ;;
    WORKDIR)
      if [[ $rest == /* ]]; then new=$rest; else new="$workdir/$rest"; fi
      new=$(realpath -m -s "$new")
      [[ $touched == 0 || $new == "$workdir" ]] || fail "WORKDIR changes after files were placed: not replayed"
      workdir=$new
      stage_workdir[$stage]=$workdir
      stage_workdir[$((stage_count - 1))]=$workdir
      say "WORKDIR $workdir   (= $stage_root)"
      ;;
    COPY)
      say "COPY $rest"
      copy_step "$rest"
      touched=1
      ;;
    RUN)
      [[ $rest != --* ]] || fail "RUN flags are not replayed: RUN $rest"
      if json_array "$rest" words; then rest=$(printf '%q ' "${words[@]}"); fi
      run_step "$rest"
      ;;
    ENV)
      env_step "$rest"
      say "ENV $rest"
      ;;
    ARG) fail "ARG is not replayed: ARG $rest" ;;
    USER)
      final_user=$rest
      say "USER $rest   (note: not replayed; the CMD runs as $(id -un))"
      ;;
    CMD) final_cmd=$rest ;;
    ENTRYPOINT) final_entrypoint=$rest ;;
    HEALTHCHECK) final_health=$rest ;;
    EXPOSE | LABEL | STOPSIGNAL | VOLUME) say "$keyword $rest   (metadata: not replayed)" ;;
    *) fail "$keyword is not supported by this replay" ;;
  esac
  final_env=("${stage_env[@]}")
  final_workdir=$workdir
  final_root=$stage_root
  # What a later stage FROM this one starts from.
  saved_env[$stage]=""
  if ((${#stage_env[@]})); then saved_env[$stage]=$(printf '%s\n' "${stage_env[@]}"); fi
  saved_cmd[$stage]=$final_cmd saved_entrypoint[$stage]=$final_entrypoint saved_user[$stage]=$final_user saved_health[$stage]=$final_health
  saved_root[$stage]=$stage_root saved_workdir[$stage]=$workdir
done
[[ $stage_count -gt 0 ]] || fail "the Dockerfile has no FROM"
# REPLAY_TARGETS: the images to start, as docker build --target names their stages (default: the last stage,
# what a plain docker build makes). Every stage was replayed once; each target is started in turn.
read -r -a targets <<<"${REPLAY_TARGETS:-$stage}"
for t in "${targets[@]}"; do [[ -n ${stage_dir[$t]:-} ]] || fail "REPLAY_TARGETS: no stage named $t"; done

# ---------------------------------------------------------------- 3. start each target's CMD
start_target() { # stage name; run in a subshell: its exports and its server are its own
  local t=$1
  say "== starting the image of stage '$t'"
  final_cmd=${saved_cmd[$t]} final_entrypoint=${saved_entrypoint[$t]} final_user=${saved_user[$t]} final_health=${saved_health[$t]}
  final_root=${saved_root[$t]} final_workdir=${saved_workdir[$t]}
  final_env=()
  [[ -z ${saved_env[$t]} ]] || mapfile -t final_env < <(printf '%s' "${saved_env[$t]}")
  trap '[[ -z $server_pid ]] || kill -KILL "$server_pid" 2>/dev/null || true' EXIT
  [[ -n $final_cmd ]] || fail "the final stage has no CMD"
  [[ -n $final_health ]] || fail "the final stage has no HEALTHCHECK"
  cmd=()
  if json_array "$final_cmd" cmd; then :; else cmd=(/bin/sh -c "$final_cmd"); fi
  if [[ -n $final_entrypoint ]]; then
    json_array "$final_entrypoint" entry || fail "only an exec-form ENTRYPOINT is replayed"
    cmd=("${entry[@]}" "${cmd[@]}")
  fi

  # HEALTHCHECK [--interval=..] [--timeout=..] [--start-period=..] [--retries=..] CMD ...
  health_timeout=30
  h=$final_health
  while [[ $h == --* ]]; do
    opt=${h%%[[:space:]]*}
    h=$(trim "${h#"$opt"}")
    case $opt in
      --timeout=*) health_timeout=$(go_seconds "${opt#--timeout=}") || fail "HEALTHCHECK $opt: cannot read the duration" ;;
      --interval=* | --start-period=* | --start-interval=* | --retries=*) ;;
      *) fail "HEALTHCHECK option $opt is unknown" ;;
    esac
  done
  [[ ${h^^} == CMD[[:space:]]* ]] || fail "HEALTHCHECK $final_health: expected CMD (NONE turns the check off)"
  h=$(trim "${h:3}")
  health=()
  if json_array "$h" health; then :; else health=(/bin/sh -c "$h"); fi

  for kv in "${final_env[@]}"; do
    export "${kv?}"
    say "export $kv   (from the final stage's ENV)"
  done
  export MPC_MOCK_PORT=$port
  say "export MPC_MOCK_PORT=$port   (override: the HEALTHCHECK must follow it)"

  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; then
    fail "something already answers on 127.0.0.1:$port; set REPLAY_PORT to a free port"
  fi

  server_log="$work/cmd.log"
  say "CMD ${cmd[*]}   (in $final_root, standing for $final_workdir; as $(id -un)${final_user:+, not USER $final_user})"
  (cd "$final_root" && exec "${cmd[@]}") </dev/null >"$server_log" 2>&1 &
  server_pid=$!

  say "HEALTHCHECK ${health[*]}   (up to $health_tries tries, ${health_pause} s apart, timeout ${health_timeout} s each)"
  healthy=0
  for ((try = 1; try <= health_tries; try++)); do
    kill -0 "$server_pid" 2>/dev/null || {
      show_log "$server_log"
      fail "the CMD exited before it was healthy"
    }
    if (cd "$final_root" && timeout "$health_timeout" "${health[@]}") </dev/null >/dev/null 2>&1; then
      healthy=1
      break
    fi
    sleep "$health_pause"
  done
  if [[ $healthy != 1 ]]; then
    show_log "$server_log"
    fail "the HEALTHCHECK did not pass in $health_tries tries"
  fi
  kill -0 "$server_pid" 2>/dev/null || fail "the CMD exited although the health check passed (another server?)"
  echo "PASS HEALTHCHECK passed on try $try, on port $port"
  ready=$(grep -m1 'listening on' "$server_log" || true)
  [[ -n $ready ]] || fail "the CMD printed no 'listening on' line"
  say "the CMD said: $ready"
  if [[ ${MPC_MOCK_MEDIA:-off} == ffmpeg ]]; then
    [[ $ready == *'media by '* ]] || fail "MPC_MOCK_MEDIA=ffmpeg, but the CMD did not say it processes media: $ready"
    echo "PASS the image processes media: ${ready##*; media by }"
  fi
  if [[ -n ${MPC_MOCK_HOST:-} ]] && command -v ss >/dev/null; then
    ss -ltnH "sport = :$port" | grep -q "${MPC_MOCK_HOST//./\\.}:$port" ||
      fail "not listening on $MPC_MOCK_HOST:$port as MPC_MOCK_HOST says"
    echo "PASS listening on $MPC_MOCK_HOST:$port, the image's MPC_MOCK_HOST"
  fi

  url="http://127.0.0.1:$port/v1/$project/transcodings?task_id=22123973"
  body=$(curl -fsS --max-time 10 "$url") || {
    show_log "$server_log"
    fail "GET $url"
  }
  [[ $body == *'"task_array"'* ]] || fail "GET $url answered no task_array: ${body:0:300}"
  [[ $body == *'"task_id":"22123973"'* ]] || fail "GET $url did not find task 22123973 of the default fixtures: ${body:0:300}"
  echo "PASS GET /v1/$project/transcodings?task_id=22123973 answered a task_array with that task (${#body} bytes)"

  kill -TERM "$server_pid"
  status=0
  wait "$server_pid" || status=$?
  server_pid=""
  if [[ $status != 0 ]]; then
    show_log "$server_log"
    fail "the CMD exited $status on SIGTERM (expected 0)"
  fi
  echo "PASS SIGTERM: the CMD exited 0"
}

for t in "${targets[@]}"; do
  (start_target "$t")
done
echo "PASS replay-dockerfile: the Dockerfile's ${run_count} RUN steps (${skipped_count} skipped as already satisfied), COPYs, ENV, CMD and HEALTHCHECK replayed without Docker, for ${targets[*]}"
