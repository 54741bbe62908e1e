#!/usr/bin/env bash
# npm run bench [-- GROUP]: starts its own Orthanc and server, prints one JSON object per line
# ({"name", "value", "unit", "dataset"}), stops them after. Groups: viewer, contouring, seg, server
# (default: all). server starts its own gateway (requireLogin on) and needs only Orthanc.
# render needs neither: a page that renders a phantom volume, driven by bench/render/drive.py
# (Python, standard library), which also runs as is on a machine with a real GPU. review: the
# agreement metrics of two readers' labelmaps and a 10,000-case study's statistics in Node
# (bench/review.ts, bench/studyStats.ts), then opening a lead's review in Chromium against its
# own Orthanc and an in-process gateway (bench/reviewOpen.ts). quant needs neither: lung masks,
# involvement update and lesion suggestion on a 512×512×300 CT and the suggestion's slice
# sensitivity and specificity on the shared COVID-19 CT, in Node (bench/quant.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
source scripts/versions.sh
print_versions >&2
group="${1:-all}"
run_render() {
  node_modules/.bin/vite build --config bench/render/vite.config.ts >&2
  # Software 3D frames take tens of seconds here: a phase still running at the limit is left
  # out and the lines say "incomplete".
  python3 bench/render/drive.py --dist .bench/render-dist --chromium /usr/bin/chromium --backend swiftshader --timeout "${CTAW_RENDER_TIMEOUT_S:-300}"
}
run_review() {
  node_modules/.bin/tsx bench/review.ts
  node_modules/.bin/tsx bench/studyStats.ts
}
run_quant() {
  node_modules/.bin/tsx bench/quant.ts
}
# data (issue 20): Orthanc and an in-process gateway. Export: a study of 20 cases x 2 readers
# (bench/dataExport.ts, export_ms and export_unchanged_ms). Import: a 512x512x300 CT imported with
# de-identification against a plain STOW of the same files (bench/dataImport.ts, import_vs_stow).
run_data() {
  node_modules/.bin/tsx bench/dataImport.ts "$CTAW_ORTHANC_URL"
  node_modules/.bin/tsx bench/dataExport.ts "$CTAW_ORTHANC_URL"
}
if [ "$group" = render ]; then run_render; exit; fi
if [ "$group" = quant ]; then run_quant; exit; fi
# scale starts its own cluster (scripts/cluster.sh) on its own ports: bench/scale.ts.
if [ "$group" = scale ]; then node_modules/.bin/tsx bench/scale.ts; exit; fi
source scripts/stack.sh
ORTHANC_PORT="${CTAW_BENCH_ORTHANC_PORT:-18644}"
APP_PORT="${CTAW_BENCH_PORT:-5182}"
trap 'stack_down' EXIT
[ "$group" = server ] || node_modules/.bin/vite build --logLevel error >&2
stack_up bench "$ORTHANC_PORT" "$APP_PORT" >&2
# server and review run their own gateways in-process, on Orthanc alone.
case "$group" in server|review|data) ;; *) stack_server "$APP_PORT" >&2 ;; esac
run_group() {
  node_modules/.bin/tsx "bench/$1.ts" "http://127.0.0.1:$APP_PORT" "$CTAW_ORTHANC_URL"
}
case "$group" in
  viewer|contouring|seg|server) run_group "$group" ;;
  review) run_review; node_modules/.bin/tsx bench/reviewOpen.ts "$CTAW_ORTHANC_URL" ;;
  data) run_data ;;
  all) run_group viewer; run_group contouring; run_group seg; run_group server; run_review; node_modules/.bin/tsx bench/reviewOpen.ts "$CTAW_ORTHANC_URL"; run_data; run_quant; run_render ;;
  *) echo "unknown bench group: $group (known: viewer, contouring, seg, server, render, review, quant, data)" >&2; exit 2 ;;
esac
