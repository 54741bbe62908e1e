#!/usr/bin/env bash
# npm start: set up what is missing, start Orthanc, load the sample CT once, build and serve
# the app, print its URL. Ctrl-C stops everything this script started.
#
# A setting it cannot start with ends it with one line on stderr naming the setting and what to do,
# as the server's own (server/startupError.ts): Orthanc's port before anything is installed, the
# server's settings before Orthanc is started and the app built.
set -euo pipefail
cd "$(dirname "$0")/.."
ORTHANC_PORT="${CTAW_ORTHANC_PORT:-18642}"
APP_PORT="${CTAW_PORT:-5180}"

refuse() { echo "ctaw: $*" >&2; exit 1; }
# Orthanc's port is this script's setting; the server's own (CTAW_PORT and the rest) the server
# checks, below (server/main.ts --check).
[[ "$ORTHANC_PORT" =~ ^[0-9]{1,5}$ ]] && (( 10#$ORTHANC_PORT >= 1 && 10#$ORTHANC_PORT <= 65535 )) ||
  refuse "CTAW_ORTHANC_PORT=$ORTHANC_PORT is not a port number: set CTAW_ORTHANC_PORT to a free port from 1 to 65535, or unset it for 18642"
[ "$APP_PORT" != "$ORTHANC_PORT" ] || refuse "CTAW_PORT and CTAW_ORTHANC_PORT are both $APP_PORT: set one of them to another free port"
# Something accepts connections there that is not our own Orthanc left running by an earlier start
# (scripts/orthanc.sh uses that one again). bash's /dev/tcp: no curl needed before setup.
orthanc_pid_file=.data/main-orthanc/orthanc.pid
if (exec 3<>"/dev/tcp/127.0.0.1/$ORTHANC_PORT") 2>/dev/null && ! { [ -f "$orthanc_pid_file" ] && kill -0 "$(cat "$orthanc_pid_file")" 2>/dev/null; }; then
  refuse "CTAW_ORTHANC_PORT=$ORTHANC_PORT is in use by another program: stop it or set CTAW_ORTHANC_PORT to a free port"
fi

bash scripts/setup.sh
source scripts/stack.sh
# Readers log in, and the gateway keeps their results apart (double-blind). A single-reader
# workstation can run without accounts: CTAW_REQUIRE_LOGIN=false npm start.
export CTAW_REQUIRE_LOGIN="${CTAW_REQUIRE_LOGIN:-true}"
# The server's settings and its address, before Orthanc is started and the app built (seconds to
# minutes): a bad one is its one line, and the end of this script.
# (The Orthanc URL as stack_up will set it.)
CTAW_PORT="$APP_PORT" CTAW_ORTHANC_URL="http://127.0.0.1:$ORTHANC_PORT" node_modules/.bin/tsx server/main.ts --check
trap 'stack_down; exit 0' INT TERM
trap 'stack_down' EXIT
stack_up main "$ORTHANC_PORT" "$APP_PORT"
node_modules/.bin/tsx scripts/load-sample.ts "$CTAW_ORTHANC_URL"
echo "[start] building the app" >&2
node_modules/.bin/vite build --logLevel error >&2
CTAW_LOG=1 stack_server "$APP_PORT"
echo ""
echo "  CT annotation workstation is running: http://127.0.0.1:$APP_PORT/"
if [[ "${CTAW_REQUIRE_LOGIN,,}" == true || "$CTAW_REQUIRE_LOGIN" == 1 ]]; then
  echo "  Log in as admin (its password is printed above on the first start; reset it with"
  echo "  npm run admin -- reset-password --username admin) to create readers and a reading study."
fi
echo "  (Ctrl-C stops the app and Orthanc)"
echo ""
wait "$STACK_SERVER_PID"
