#!/usr/bin/env bash
# Private Orthanc (+ DICOMweb plugin) with the project's own config.
#   scripts/orthanc.sh start DIR PORT   -> starts it (storage under DIR), waits for /system
#   scripts/orthanc.sh stop DIR         -> stops the Orthanc whose PID is in DIR/orthanc.pid
# Orthanc 1.10 binds every interface whatever the config says, so it gets an unusual port,
# RemoteAccessAllowed=false (non-loopback clients refused) and the DICOM port off;
# the only door to it is the project's server.
set -euo pipefail
cmd="${1:?start|stop}"; dir="${2:?storage dir}"; port="${3:-18642}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
pidfile="$dir/orthanc.pid"

stop() {
  if [ -f "$pidfile" ]; then
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  fi
}

case "$cmd" in
  stop) stop; exit 0 ;;
  start) ;;
  *) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac

if curl -fsS "http://127.0.0.1:${port}/system" >/dev/null 2>&1; then
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "[orthanc] already running on 127.0.0.1:${port}" >&2; exit 0
  fi
  echo "[orthanc] port ${port} is taken by another process" >&2; exit 1
fi

plugin="$(dpkg -L orthanc-dicomweb 2>/dev/null | grep -E 'libOrthancDicomWeb\.so$' | head -n1)"
[ -n "$plugin" ] || { echo "[orthanc] orthanc-dicomweb is not installed (run scripts/setup.sh)" >&2; exit 1; }
bin="$(command -v Orthanc || echo /usr/sbin/Orthanc)"

mkdir -p "$dir/db"
cat > "$dir/orthanc.json" <<JSON
{
  "Name": "ct-annotation-workstation",
  "StorageDirectory": "$dir/db",
  "IndexDirectory": "$dir/db",
  "StorageCompression": false,
  "HttpServerEnabled": true,
  "HttpPort": $port,
  "HttpThreadsCount": 32,
  "HttpCompressionEnabled": false,
  "KeepAlive": true,
  "TcpNoDelay": true,
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "DicomServerEnabled": false,
  "DicomPort": 0,
  "ConcurrentJobs": 2,
  "StableAge": 5,
  "SaveJobs": false,
  "Plugins": [ "$plugin" ],
  "DicomWeb": {
    "Enable": true,
    "Root": "/dicom-web/",
    "EnableWado": false,
    "Ssl": false,
    "StudiesMetadata": "Full",
    "SeriesMetadata": "Full"
  }
}
JSON

# setsid: own process group, so stop ends exactly this Orthanc.
setsid "$bin" "$dir/orthanc.json" >"$dir/orthanc.log" 2>&1 < /dev/null &
pid=$!
echo "$pid" > "$pidfile"
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:${port}/dicom-web/studies" >/dev/null 2>&1; then
    echo "[orthanc] up on 127.0.0.1:${port} (storage $dir)" >&2
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "[orthanc] exited early; log:" >&2; tail -n 30 "$dir/orthanc.log" >&2; exit 1
  fi
  sleep 0.25
done
echo "[orthanc] did not answer within 30 s; log:" >&2; tail -n 30 "$dir/orthanc.log" >&2
stop; exit 1
