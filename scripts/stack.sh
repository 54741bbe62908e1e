#!/usr/bin/env bash
# Starts/stops the server stack (Orthanc + the gateway serving dist/) for start, test and bench.
#   source scripts/stack.sh; stack_up NAME ORTHANC_PORT APP_PORT; ...; stack_down
# NAME picks the storage folders .data/NAME-orthanc and .data/NAME-pglite (the gateway's embedded
# database, unless CTAW_DATABASE_URL is set), so test and bench never touch start's data.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK_ORTHANC_DIR=""
STACK_SERVER_PID=""

stack_up() {
  local name="$1" orthanc_port="$2" app_port="$3"
  STACK_ORTHANC_DIR="$ROOT/.data/$name-orthanc"
  "$ROOT/scripts/orthanc.sh" start "$STACK_ORTHANC_DIR" "$orthanc_port"
  export CTAW_ORTHANC_URL="http://127.0.0.1:$orthanc_port"
  # The fault tests restart this Orthanc (its storage stays).
  export CTAW_ORTHANC_DIR="$STACK_ORTHANC_DIR"
  export CTAW_PGLITE_DIR="$ROOT/.data/$name-pglite"
}

# Waits for a gateway's health check; up to 60 s: the first start in a new folder creates the
# embedded database (~15 s on 2 cores).
wait_for_gateway() {
  local app_port="$1" pid="$2"
  for _ in $(seq 1 300); do
    if curl -fsS "http://127.0.0.1:$app_port/api/health" >/dev/null 2>&1; then return 0; fi
    # A server that ended has said why, in one line on stderr (server/main.ts).
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  echo "[stack] the server on port $app_port did not start" >&2
  return 1
}

stack_server() {
  local app_port="$1"
  CTAW_PORT="$app_port" CTAW_LOG="${CTAW_LOG:-0}" "$ROOT/node_modules/.bin/tsx" "$ROOT/server/main.ts" &
  STACK_SERVER_PID=$!
  wait_for_gateway "$app_port" "$STACK_SERVER_PID"
}

# A second gateway on the same Orthanc that asks for a login (the reading-study tests), with its
# own fresh database and a known first admin password.
STACK_LOGIN_PID=""
stack_login_server() {
  local app_port="$1" name="$2"
  rm -rf "$ROOT/.data/$name-pglite"
  CTAW_PORT="$app_port" CTAW_LOG="${CTAW_LOG:-0}" CTAW_REQUIRE_LOGIN=true CTAW_PGLITE_DIR="$ROOT/.data/$name-pglite" \
    CTAW_ADMIN_PASSWORD="$CTAW_TEST_ADMIN_PASSWORD" "$ROOT/node_modules/.bin/tsx" "$ROOT/server/main.ts" >/dev/null &
  STACK_LOGIN_PID=$!
  wait_for_gateway "$app_port" "$STACK_LOGIN_PID"
}

stack_down() {
  if [ -n "$STACK_LOGIN_PID" ]; then kill "$STACK_LOGIN_PID" 2>/dev/null || true; wait "$STACK_LOGIN_PID" 2>/dev/null || true; fi
  STACK_LOGIN_PID=""
  if [ -n "$STACK_SERVER_PID" ]; then kill "$STACK_SERVER_PID" 2>/dev/null || true; wait "$STACK_SERVER_PID" 2>/dev/null || true; fi
  STACK_SERVER_PID=""
  if [ -n "$STACK_ORTHANC_DIR" ]; then "$ROOT/scripts/orthanc.sh" stop "$STACK_ORTHANC_DIR"; fi
  STACK_ORTHANC_DIR=""
}
