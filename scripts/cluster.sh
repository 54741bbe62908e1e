#!/usr/bin/env bash
# npm run cluster: the replicated deployment on one machine (docs/DEPLOY.md has it for real hosts).
#   PostgreSQL (private server, .data/NAME-pg)  <- Orthanc index (database "orthanc") and the gateway's tables ("ctaw")
#   Orthanc 1, Orthanc 2                        <- PostgreSQL index plugin, one shared storage folder (.data/NAME-storage)
#   gateway 1 -> Orthanc 1, gateway 2 -> Orthanc 2, both on the "ctaw" database (CTAW_DATABASE_URL)
#   HAProxy on CTAW_PORT                        <- what the browser talks to; /api/health decides who serves
# Ctrl-C stops everything; the data stays in .data/NAME-*.
#   npm run cluster                  start (and load the sample CT once)
#   npm run cluster -- backup DIR    pg_dump of both databases and a copy of the storage, cluster stopped or running
#   npm run cluster -- restore DIR   into an empty cluster (NAME's folders must not exist)
# Settings: CTAW_PORT (HAProxy, 5190; the gateways take the next two), CTAW_ORTHANC_PORT (18662 and
# the next), CTAW_CLUSTER_PG_PORT (15432: every default port lies below the range Linux hands out
# as client ports, 32768-60999, which a busy machine may hold when PostgreSQL starts),
# CTAW_CLUSTER_NAME (cluster), CTAW_CLUSTER_SAMPLE=0 skips the sample CT, CTAW_DIST= serves the API
# only (no app build), CTAW_GATEWAY_NODE_FLAGS (e.g. --cpu-prof --cpu-prof-dir=DIR) are given to
# node for each gateway. The gateways' own settings (CTAW_ADMIN_PASSWORD, CTAW_REQUIRE_LOGIN, ...)
# pass through.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
refuse() { echo "ctaw: $*" >&2; exit 1; }

NAME="${CTAW_CLUSTER_NAME:-cluster}"
LB_PORT="${CTAW_PORT:-5190}"
ORTHANC_PORT="${CTAW_ORTHANC_PORT:-18662}"
PG_PORT="${CTAW_CLUSTER_PG_PORT:-15432}"
[[ "$NAME" =~ ^[a-z][a-z0-9-]{0,30}$ ]] || refuse "CTAW_CLUSTER_NAME=$NAME is not a short lower-case name: set it to letters, digits and dashes, e.g. cluster"
for var in LB_PORT ORTHANC_PORT PG_PORT; do
  v="${!var}"
  setting=$([ "$var" = LB_PORT ] && echo CTAW_PORT || { [ "$var" = ORTHANC_PORT ] && echo CTAW_ORTHANC_PORT || echo CTAW_CLUSTER_PG_PORT; })
  [[ "$v" =~ ^[0-9]{1,5}$ ]] && (( 10#$v >= 1024 && 10#$v <= 65533 )) || refuse "$setting=$v is not a port number: set $setting to a free port from 1024 to 65533"
done
GW1_PORT=$((LB_PORT + 1)); GW2_PORT=$((LB_PORT + 2))
O1_PORT=$ORTHANC_PORT; O2_PORT=$((ORTHANC_PORT + 1))
ports=("$LB_PORT" "$GW1_PORT" "$GW2_PORT" "$O1_PORT" "$O2_PORT" "$PG_PORT")
[ "$(printf '%s\n' "${ports[@]}" | sort -u | wc -l)" = 6 ] || refuse "CTAW_PORT, CTAW_ORTHANC_PORT and CTAW_CLUSTER_PG_PORT overlap (each takes ${LB_PORT}+2, ${ORTHANC_PORT}+1, ${PG_PORT}): set them apart"

DATA="$ROOT/.data"
PG_DIR="$DATA/$NAME-pg"
STORAGE_DIR="$DATA/$NAME-storage"
SECRETS="$DATA/$NAME-secrets.env"
RUN_DIR="$DATA/$NAME-run"

PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
cmd="${1:-start}"
case "$cmd" in start | backup | restore) ;; *) refuse "npm run cluster -- $cmd: say start, backup DIR or restore DIR" ;; esac

need() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || refuse "$2 is not installed: run bash scripts/setup.sh (as root) or apt-get install $3"; }
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || refuse "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run bash scripts/setup.sh (as root) or apt-get install postgresql"
if [ "$cmd" = start ]; then
  need haproxy HAProxy haproxy
  need /usr/sbin/Orthanc Orthanc orthanc
  PG_PLUGIN="$(dpkg -L orthanc-postgresql 2>/dev/null | grep -E 'libOrthancPostgreSQLIndex\.so$' | head -n1 || true)"
  [ -n "$PG_PLUGIN" ] || refuse "orthanc-postgresql is not installed: run bash scripts/setup.sh (as root) or apt-get install orthanc-postgresql"
  WEB_PLUGIN="$(dpkg -L orthanc-dicomweb 2>/dev/null | grep -E 'libOrthancDicomWeb\.so$' | head -n1 || true)"
  [ -n "$WEB_PLUGIN" ] || refuse "orthanc-dicomweb is not installed: run bash scripts/setup.sh (as root) or apt-get install orthanc-dicomweb"
  for p in "${ports[@]}"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then refuse "port $p is in use by another program (CTAW_PORT=$LB_PORT, CTAW_ORTHANC_PORT=$ORTHANC_PORT, CTAW_CLUSTER_PG_PORT=$PG_PORT take ${ports[*]}): stop it or choose other ports"; fi
  done
fi

# PostgreSQL refuses to run as root: then it runs as the postgres account (made by Debian's
# postgresql package), which owns its data folder.
PG_USER=""
if [ "$(id -u)" = 0 ]; then
  id -u postgres >/dev/null 2>&1 || refuse "running as root, and there is no postgres account to run PostgreSQL as: apt-get install postgresql makes it, or run as another user"
  PG_USER=postgres
fi
as_pg() { if [ -n "$PG_USER" ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi; }

pg_start() {
  if [ ! -f "$PG_DIR/PG_VERSION" ]; then
    echo "[cluster] creating the PostgreSQL cluster in $PG_DIR" >&2
    mkdir -p "$PG_DIR"
    [ -z "$PG_USER" ] || chown "$PG_USER" "$PG_DIR"
    chmod 700 "$PG_DIR"
    local pw; pw="$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')"
    (umask 077; printf 'CLUSTER_PG_PASSWORD=%s\n' "$pw" >"$SECRETS")
    local pwfile; pwfile="$(mktemp)"; printf '%s' "$pw" >"$pwfile"
    [ -z "$PG_USER" ] || chown "$PG_USER" "$pwfile"
    as_pg "$PG_BIN/initdb" -D "$PG_DIR" -U ctaw --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 --no-locale >"$RUN_DIR/initdb.log" 2>&1 ||
      { rm -f "$pwfile"; rm -rf "$PG_DIR"; refuse "initdb failed in $PG_DIR: see $RUN_DIR/initdb.log"; }
    rm -f "$pwfile"
    # Two Orthancs, two gateways (10 each) and the listeners: Debian's 100 is enough; loopback only.
    cat >>"$PG_DIR/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_DIR'
CONF
  fi
  # shellcheck disable=SC1090
  source "$SECRETS"
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t 60 -o "-p $PG_PORT" start >/dev/null ||
    refuse "PostgreSQL did not start on port $PG_PORT: see $PG_DIR/server.log"
  export PGPASSWORD="$CLUSTER_PG_PASSWORD"
  for db in ctaw orthanc; do
    if [ -z "$(psql_q postgres "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then psql_q postgres "CREATE DATABASE $db" >/dev/null; fi
  done
}
psql_q() { "$PG_BIN/psql" -X -q -At -h 127.0.0.1 -p "$PG_PORT" -U ctaw -d "$1" -c "$2"; }
pg_stop() { [ -f "$PG_DIR/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -m fast -w stop >/dev/null 2>&1 || true; }

orthanc_start() {
  local i="$1" port="$2" dir="$DATA/$NAME-orthanc$1"
  mkdir -p "$dir"
  # Both Orthancs share the index (PostgreSQL, "Lock": false: several writers, Orthanc >= 1.9.2
  # with plugin >= 4.0) and one storage folder (files are named by random UUIDs): either one
  # serves every instance either stored. SaveJobs off: jobs are per process.
  cat >"$dir/orthanc.json" <<JSON
{
  "Name": "ct-annotation-workstation-$i",
  "StorageDirectory": "$STORAGE_DIR",
  "IndexDirectory": "$dir",
  "StorageCompression": false,
  "HttpServerEnabled": true, "HttpPort": $port, "HttpThreadsCount": 32,
  "HttpCompressionEnabled": false, "KeepAlive": true, "TcpNoDelay": true,
  "RemoteAccessAllowed": false, "AuthenticationEnabled": false,
  "DicomServerEnabled": false, "DicomPort": 0,
  "ConcurrentJobs": 2, "StableAge": 5, "SaveJobs": false,
  "Plugins": [ "$WEB_PLUGIN", "$PG_PLUGIN" ],
  "PostgreSQL": {
    "EnableIndex": true, "EnableStorage": false, "Lock": false,
    "Host": "127.0.0.1", "Port": $PG_PORT, "Database": "orthanc", "Username": "ctaw", "Password": "$CLUSTER_PG_PASSWORD",
    "IndexConnectionsCount": 4, "MaximumConnectionRetries": 10, "ConnectionRetryInterval": 2
  },
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/", "EnableWado": false, "Ssl": false, "StudiesMetadata": "Full", "SeriesMetadata": "Full" }
}
JSON
  chmod 600 "$dir/orthanc.json"
  setsid /usr/sbin/Orthanc "$dir/orthanc.json" >"$dir/orthanc.log" 2>&1 </dev/null &
  echo $! >"$dir/orthanc.pid"
  for _ in $(seq 1 240); do
    curl -fsS "http://127.0.0.1:$port/system" >/dev/null 2>&1 && return 0
    kill -0 "$(cat "$dir/orthanc.pid")" 2>/dev/null || refuse "Orthanc $i ended at start: see $dir/orthanc.log"
    sleep 0.25
  done
  refuse "Orthanc $i did not answer on port $port within 60 s: see $dir/orthanc.log"
}

GW_PIDS=()
gateway_start() {
  local i="$1" port="$2" orthanc_port="$3"
  CTAW_PORT="$port" CTAW_ORTHANC_URL="http://127.0.0.1:$orthanc_port" \
    CTAW_DATABASE_URL="postgresql://ctaw:$CLUSTER_PG_PASSWORD@127.0.0.1:$PG_PORT/ctaw" \
    CTAW_TRUST_PROXY="${CTAW_TRUST_PROXY:-127.0.0.1}" CTAW_LOG="${CTAW_LOG:-0}" \
    "$ROOT/node_modules/.bin/tsx" ${CTAW_GATEWAY_NODE_FLAGS:-} "$ROOT/server/main.ts" > >(sed -u "s/^/[gateway $i] /") 2>&1 &
  GW_PIDS+=($!)
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && return 0
    kill -0 "${GW_PIDS[-1]}" 2>/dev/null || refuse "gateway $i ended at start (its line is above)"
    sleep 0.2
  done
  refuse "gateway $i did not answer on port $port within 60 s"
}

haproxy_start() {
  # A replica serves while its gateway answers and says its Orthanc and database are up. Checked
  # every second, out after 2 failures: a dead replica is out within ~2-3 s. retry-on lets a
  # request that never reached a dead gateway go to the other one. A loaded replica may take more
  # than a second to answer its check (it asks Orthanc, which serves frames on every thread):
  # "timeout check" waits 3 s for it (a dead one refuses at once), and should every replica still
  # be out, the unchecked backups take the requests rather than HAProxy answering 503 (seen in
  # the soak, bench/scaleSoak.ts: both out for 15 s while one had been killed).
  cat >"$RUN_DIR/haproxy.cfg" <<CFG
global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 300s
  timeout server 300s
  timeout http-request 30s
  option http-keep-alive
  retries 2
  option redispatch
  retry-on conn-failure empty-response response-timeout
frontend ctaw
  bind 127.0.0.1:$LB_PORT
  option forwardfor
  default_backend gateways
backend gateways
  balance roundrobin
  option httpchk GET /api/health
  http-check expect rstring '"orthanc":true,"database":true'
  default-server inter 1s fall 2 rise 2
  timeout check 3s
  option allbackups
  server gateway1 127.0.0.1:$GW1_PORT check
  server gateway2 127.0.0.1:$GW2_PORT check
  server gateway1-open 127.0.0.1:$GW1_PORT backup
  server gateway2-open 127.0.0.1:$GW2_PORT backup
CFG
  haproxy -c -q -f "$RUN_DIR/haproxy.cfg" || refuse "HAProxy refuses its configuration $RUN_DIR/haproxy.cfg"
  haproxy -db -f "$RUN_DIR/haproxy.cfg" >"$RUN_DIR/haproxy.log" 2>&1 &
  HAPROXY_PID=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$LB_PORT/api/health" 2>/dev/null | grep -q '"database":true' && return 0
    kill -0 "$HAPROXY_PID" 2>/dev/null || refuse "HAProxy ended at start: see $RUN_DIR/haproxy.log"
    sleep 0.2
  done
  refuse "HAProxy on port $LB_PORT does not reach a healthy gateway: see $RUN_DIR/haproxy.log"
}

HAPROXY_PID=""
down() {
  trap - INT TERM EXIT
  [ -z "$HAPROXY_PID" ] || kill "$HAPROXY_PID" 2>/dev/null || true
  for pid in "${GW_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${GW_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for i in 1 2; do
    f="$DATA/$NAME-orthanc$i/orthanc.pid"
    if [ -f "$f" ]; then
      pid="$(cat "$f")"; kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true; rm -f "$f"
    fi
  done
  pg_stop
}

mkdir -p "$RUN_DIR"
case "$cmd" in
  backup)
    dest="${2:?npm run cluster -- backup DIR}"
    [ -f "$SECRETS" ] || refuse "there is no cluster named $NAME to back up (.data/$NAME-secrets.env is missing)"
    mkdir -p "$dest"; dest="$(cd "$dest" && pwd)"
    [ -z "$(ls -A "$dest")" ] || refuse "backup DIR $dest is not empty: name a new or empty folder"
    running=1; [ -f "$PG_DIR/postmaster.pid" ] || { running=0; trap pg_stop EXIT; }
    if [ "$running" = 1 ]; then source "$SECRETS"; export PGPASSWORD="$CLUSTER_PG_PASSWORD"; PG_PORT="$(sed -n 4p "$PG_DIR/postmaster.pid")"; else pg_start; fi
    for db in ctaw orthanc; do "$PG_BIN/pg_dump" -h 127.0.0.1 -p "$PG_PORT" -U ctaw -Fc -f "$dest/$db.dump" "$db"; done
    # The index is dumped first: files stored meanwhile are copied but unknown to it (harmless);
    # none it names is missing, since Orthanc deletes a file only after its index row.
    [ ! -d "$STORAGE_DIR" ] || tar -C "$STORAGE_DIR" -cf "$dest/storage.tar" .
    echo "[cluster] backup of $NAME in $dest: ctaw.dump, orthanc.dump$([ -d "$STORAGE_DIR" ] && echo ', storage.tar')" >&2
    exit 0 ;;
  restore)
    src="${2:?npm run cluster -- restore DIR}"
    [ -f "$src/ctaw.dump" ] && [ -f "$src/orthanc.dump" ] || refuse "restore DIR $src holds no cluster backup (ctaw.dump, orthanc.dump)"
    [ ! -e "$PG_DIR" ] && [ ! -e "$STORAGE_DIR" ] || refuse "the cluster $NAME is not empty (.data/$NAME-pg or -storage exists): restore into a new CTAW_CLUSTER_NAME, or move those folders away"
    trap pg_stop EXIT
    pg_start
    for db in ctaw orthanc; do "$PG_BIN/pg_restore" -h 127.0.0.1 -p "$PG_PORT" -U ctaw -d "$db" --no-owner "$src/$db.dump"; done
    mkdir -p "$STORAGE_DIR"
    [ ! -f "$src/storage.tar" ] || tar -C "$STORAGE_DIR" -xf "$src/storage.tar"
    echo "[cluster] restored $src into $NAME: start it with npm run cluster" >&2
    exit 0 ;;
esac

# Tests and benches that start a cluster have run it already (and must not reinstall node_modules under themselves).
[ "${CTAW_CLUSTER_SKIP_SETUP:-0}" = 1 ] || bash scripts/setup.sh
export CTAW_REQUIRE_LOGIN="${CTAW_REQUIRE_LOGIN:-true}"
# The gateways' own settings, before anything starts (one line and the end when one is bad).
CTAW_PORT="$GW1_PORT" CTAW_ORTHANC_URL="http://127.0.0.1:$O1_PORT" "$ROOT/node_modules/.bin/tsx" "$ROOT/server/main.ts" --check
trap 'down; exit 0' INT TERM
trap down EXIT
mkdir -p "$STORAGE_DIR"
pg_start
echo "[cluster] PostgreSQL on 127.0.0.1:$PG_PORT ($PG_DIR)" >&2
# One at a time: the first Orthanc on a new database creates the index schema.
orthanc_start 1 "$O1_PORT"
orthanc_start 2 "$O2_PORT"
echo "[cluster] Orthanc on 127.0.0.1:$O1_PORT and :$O2_PORT (index in PostgreSQL, storage $STORAGE_DIR)" >&2
[ "${CTAW_CLUSTER_SAMPLE:-1}" = 0 ] || "$ROOT/node_modules/.bin/tsx" scripts/load-sample.ts "http://127.0.0.1:$O1_PORT"
if [ "${CTAW_DIST-unset}" != "" ]; then
  echo "[cluster] building the app" >&2
  "$ROOT/node_modules/.bin/vite" build --logLevel error >&2
fi
# One after the other: the first start on a new database applies the migrations and makes the admin.
gateway_start 1 "$GW1_PORT" "$O1_PORT"
gateway_start 2 "$GW2_PORT" "$O2_PORT"
haproxy_start
echo ""
echo "  CT annotation workstation (cluster) is running: http://127.0.0.1:$LB_PORT/"
echo "  (HAProxy in front of gateways on :$GW1_PORT and :$GW2_PORT; Ctrl-C stops everything)"
echo ""
wait "$HAPROXY_PID"
