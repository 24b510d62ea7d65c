#!/usr/bin/env bash
# Lints the Dockerfile without Docker. hadolint cannot be installed here (its npm wrapper downloads the
# binary from GitHub at run time, and Debian bookworm has no package), so two linters from the npm registry
# run instead, installed into a temporary folder (never into the repository):
#   dockerfile-utils  the validator behind the VS Code Docker language server: unknown instructions and
#                     flags, argument counts, JSON forms, ports, HEALTHCHECK options, ...
#   dockerfilelint    best-practice rules: apt-get without -y / --no-install-recommends, sudo, :latest, ...
#                     Its invalid_format rule is turned off: 1.8.0 rejects HEALTHCHECK --start-period (its
#                     option regex stops at the hyphen); dockerfile-utils checks argument formats instead.
#                     Its missing_tag rule is turned off: it takes `FROM runtime AS media`, a stage, for an
#                     image without a tag; test/packaging.test.ts pins every FROM, the base image's tag included.
# Usage: bash .ci/lint-dockerfile.sh [Dockerfile]
set -euo pipefail

cd "$(dirname "$0")/.."
dockerfile=$(realpath "${1:-Dockerfile}")
DOCKERFILE_UTILS_VERSION=0.16.3
DOCKERFILELINT_VERSION=1.8.0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "lint-dockerfile: installing dockerfile-utils@$DOCKERFILE_UTILS_VERSION and dockerfilelint@$DOCKERFILELINT_VERSION"
(cd "$tmp" && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
  "dockerfile-utils@$DOCKERFILE_UTILS_VERSION" "dockerfilelint@$DOCKERFILELINT_VERSION" >/dev/null) </dev/null

printf 'rules:\n  invalid_format: off\n  missing_tag: off\n' >"$tmp/.dockerfilelintrc"

status=0
echo "lint-dockerfile: dockerfile-utils lint ${dockerfile}"
if "$tmp/node_modules/.bin/dockerfile-utils" lint "$dockerfile"; then
  echo "PASS dockerfile-utils: no problems"
else
  echo "FAIL dockerfile-utils found problems in $dockerfile"
  status=1
fi
echo "lint-dockerfile: dockerfilelint ${dockerfile}"
if "$tmp/node_modules/.bin/dockerfilelint" -c "$tmp" "$dockerfile"; then
  echo "PASS dockerfilelint: no problems"
else
  echo "FAIL dockerfilelint found problems in $dockerfile"
  status=1
fi
exit "$status"
