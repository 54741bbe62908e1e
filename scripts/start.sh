#!/usr/bin/env bash
# npm start: set up what is missing, start Orthanc, load the sample CT once, build and serve
# the app, print its URL. Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/stack.sh
ORTHANC_PORT="${CTAW_ORTHANC_PORT:-18642}"
APP_PORT="${CTAW_PORT:-5180}"
# Readers log in, and the gateway keeps their results apart (double-blind). A single-reader
# workstation can run without accounts: CTAW_REQUIRE_LOGIN=false npm start.
export CTAW_REQUIRE_LOGIN="${CTAW_REQUIRE_LOGIN:-true}"
trap 'stack_down; exit 0' INT TERM
trap 'stack_down' EXIT
stack_up main "$ORTHANC_PORT" "$APP_PORT"
node_modules/.bin/tsx scripts/load-sample.ts "$CTAW_ORTHANC_URL"
echo "[start] building the app" >&2
node_modules/.bin/vite build --logLevel error >&2
CTAW_LOG=1 stack_server "$APP_PORT"
echo ""
echo "  CT annotation workstation is running: http://127.0.0.1:$APP_PORT/"
if [ "$CTAW_REQUIRE_LOGIN" = true ]; then
  echo "  Log in as admin (its password is printed above on the first start; reset it with"
  echo "  npm run admin -- reset-password --username admin) to create readers and a reading study."
fi
echo "  (Ctrl-C stops the app and Orthanc)"
echo ""
wait "$STACK_SERVER_PID"
