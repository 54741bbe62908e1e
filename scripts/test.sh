#!/usr/bin/env bash
# npm test: lint, type check, unit tests, then integration and end-to-end tests against a real
# Orthanc and the real server (their own ports and storage, wiped each run). Every stage runs;
# the exit code says whether all passed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
source scripts/versions.sh
print_versions
# `npm test -- e2e [playwright args…]` runs only the end-to-end stage (with its stack), e.g.
# `npm test -- e2e e2e/offline.spec.ts --repeat-each 10`.
only=""
if [ "${1:-}" = e2e ]; then only=e2e; shift; fi
source scripts/stack.sh
ORTHANC_PORT="${CTAW_TEST_ORTHANC_PORT:-18643}"
APP_PORT="${CTAW_TEST_PORT:-5181}"
failed=()
stage() {
  local name="$1"; shift
  echo ""
  echo "=== $name ==="
  local t0=$SECONDS
  if "$@"; then echo "=== $name: ok ($((SECONDS - t0)) s)"; else echo "=== $name: FAILED ($((SECONDS - t0)) s)"; failed+=("$name"); fi
}
trap 'stack_down' EXIT

if [ -z "$only" ]; then
  stage "lint" node_modules/.bin/eslint --max-warnings 0 .
  stage "type check" npm run --silent typecheck
  stage "unit tests" node_modules/.bin/vitest run
fi
# CTAW_TEST_NAME: another name (and ports) lets a second run go on beside this one, with its own
# build of the app (a second build into dist/ would pull files from under the first run's server).
NAME="${CTAW_TEST_NAME:-test}"
if [ "$NAME" = test ]; then DIST=dist; else DIST=".data/$NAME-dist"; fi
export CTAW_DIST="$PWD/$DIST"
stage "build" node_modules/.bin/vite build --logLevel error --outDir "$DIST" --emptyOutDir
rm -rf ".data/$NAME-orthanc"
stack_up "$NAME" "$ORTHANC_PORT" "$APP_PORT" || exit 1
stage "test data" node_modules/.bin/tsx scripts/test-fixtures.ts "$CTAW_ORTHANC_URL"
stack_server "$APP_PORT" || exit 1
export CTAW_BASE_URL="http://127.0.0.1:$APP_PORT"
# The reading-study tests: a gateway that asks for a login, blinding readers to each other.
LOGIN_PORT="${CTAW_TEST_LOGIN_PORT:-5183}"
export CTAW_TEST_ADMIN_PASSWORD="study-owner-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
stack_login_server "$LOGIN_PORT" "$NAME-login" || exit 1
export CTAW_LOGIN_BASE_URL="http://127.0.0.1:$LOGIN_PORT"
[ -z "$only" ] && stage "integration tests" node_modules/.bin/vitest run --config vitest.integration.config.ts
stage "end-to-end tests" node_modules/.bin/playwright test "$@"

echo ""
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED stages: ${failed[*]}"
  exit 1
fi
echo "all test stages passed"
