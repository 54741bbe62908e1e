// npm run bench -- viewer: opening a series, on the shared COVID CT and a synthetic
// 512x512x300 CT, through the real server and Orthanc on loopback. Prints JSON lines.
// first_image_ms, volume_loaded_ms and browser_pss_mb are a case opened as a reader opens one:
// inside the running app, its service worker in control (measureCaseOpen). The *_cold_ms figures
// are a deep link into a browser just started; they include the browser's own first paint,
// which browser_first_paint_ms gives for a static page.
//   tsx bench/viewer.ts APP_BASE ORTHANC_URL
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { browserFirstPaintMs, measureCaseOpen, measurePageLoad, type PageLoadMetrics } from './browserMetrics.ts';
import { fetchAllFramesInBrowserMs, fetchAllFramesInNodeMs } from './transport.ts';
import { sharedCovid, synthetic300, type Dataset } from './datasets.ts';
import { emit, median } from './report.ts';

const [appBase = 'http://127.0.0.1:5182', orthancUrl = 'http://127.0.0.1:18644'] = process.argv.slice(2);
const root = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.CTAW_BENCH_RUNS ?? 3);

const datasets: Dataset[] = [];
const covid = await sharedCovid(orthancUrl);
if (covid) datasets.push(covid);
datasets.push(await synthetic300(orthancUrl));

const paints = [];
for (let r = 0; r < RUNS; r++) paints.push(await browserFirstPaintMs(appBase));
emit('browser_first_paint_ms', median(paints), 'ms', 'static page', { runs: paints.map(Math.round) });

const ours: Record<string, { volumeLoadedMs: number }> = {};
for (const ds of datasets) {
  const path = `/viewer/${ds.studyUid}/${ds.seriesUid}`;
  const opens: PageLoadMetrics[] = [];
  for (let r = 0; r < RUNS; r++) opens.push(await measureCaseOpen(appBase, path));
  const runs: PageLoadMetrics[] = [];
  for (let r = 0; r < RUNS; r++) runs.push(await measurePageLoad(`${appBase}${path}`));
  const transport = [];
  const transportNode = [];
  for (let r = 0; r < RUNS; r++) transport.push(await fetchAllFramesInBrowserMs(appBase, ds.studyUid, ds.seriesUid));
  for (let r = 0; r < RUNS; r++) transportNode.push(await fetchAllFramesInNodeMs(appBase, ds.studyUid, ds.seriesUid));
  const m = (k: keyof PageLoadMetrics) => median(runs.map((x) => x[k]));
  const o = (k: keyof PageLoadMetrics) => median(opens.map((x) => x[k]));
  ours[ds.name] = { volumeLoadedMs: o('volumeLoadedMs') };
  emit('first_image_ms', o('firstImageMs'), 'ms', ds.name, { runs: opens.map((x) => Math.round(x.firstImageMs)), path: 'case opened in the running app' });
  emit('volume_loaded_ms', o('volumeLoadedMs'), 'ms', ds.name, { runs: opens.map((x) => Math.round(x.volumeLoadedMs)), path: 'case opened in the running app' });
  emit('browser_pss_mb', o('browserPssMb'), 'MiB', ds.name, { path: 'case opened in the running app' });
  emit('first_image_cold_ms', m('firstImageMs'), 'ms', ds.name, { runs: runs.map((x) => Math.round(x.firstImageMs)), path: 'deep link, browser just started' });
  emit('volume_loaded_cold_ms', m('volumeLoadedMs'), 'ms', ds.name, { runs: runs.map((x) => Math.round(x.volumeLoadedMs)), path: 'deep link, browser just started' });
  emit('transport_ms', median(transport.map((t) => t.ms)), 'ms', ds.name, { mb: Math.round(transport[0].bytes / 2 ** 20), client: 'chromium' });
  emit('transport_node_ms', median(transportNode.map((t) => t.ms)), 'ms', ds.name, { client: 'node' });
  // Deep link, from the viewer's start (series-open). Per run, then the median: a difference of
  // two medians can pair figures of different runs.
  const afterOpen = (k: 'firstImageMs' | 'volumeLoadedMs') => runs.map((x) => x[k] - x.seriesOpenMs);
  emit('volume_after_open_ms', median(afterOpen('volumeLoadedMs')), 'ms', ds.name, { runs: afterOpen('volumeLoadedMs').map(Math.round) });
  emit('first_image_after_open_ms', median(afterOpen('firstImageMs')), 'ms', ds.name, { runs: afterOpen('firstImageMs').map(Math.round) });
  emit('volume_vs_transport', o('volumeLoadedMs') / median(transport.map((t) => t.ms)), 'ratio', ds.name);
  emit('js_heap_mb', m('jsHeapMb'), 'MiB', ds.name);
  emit('browser_pss_cold_mb', m('browserPssMb'), 'MiB', ds.name);
  emit('bytes_mb', m('bytesMb'), 'MiB', ds.name); // deep link: requests the service worker answers are not seen
}

// The OHIF Viewer on the same Orthanc and data, measured by ../shared/peers, and this app by
// the same harness, so the ratios compare like with like.
const peersSrc = resolve(root, '../shared/peers');
if (process.env.CTAW_BENCH_OHIF !== '0' && existsSync(peersSrc)) {
  const peers = resolve(root, '.bench/peers');
  mkdirSync('/tmp/peers-run', { recursive: true }); // measure.mjs keeps its browser profiles there
  rmSync(peers, { recursive: true, force: true });
  mkdirSync(resolve(root, '.bench'), { recursive: true });
  cpSync(peersSrc, peers, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', peers]);
  const ohifDist = resolve(root, '.bench/ohif-dist');
  const version = process.env.CTAW_OHIF_VERSION ?? '3.13.2';
  if (!existsSync(resolve(ohifDist, 'index.html'))) execFileSync('bash', [resolve(peers, 'ohif/setup.sh'), version, ohifDist], { stdio: ['ignore', 'ignore', 'inherit'] });
  const ohifPort = 18645;
  const serve = spawn('node', [resolve(peers, 'serve.mjs'), '--dist', ohifDist, '--port', String(ohifPort), '--dicomweb', `${orthancUrl}/dicom-web`, '--quiet'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 1500));
    for (const ds of datasets) {
      const run = (viewer: string, extra: string[]) => {
        const out = resolve(root, `.bench/results/${viewer}-${ds.name}`);
        execFileSync('node', [resolve(peers, 'measure.mjs'), '--study', ds.studyUid, '--instances', String(ds.count), '--runs', String(RUNS), '--scenarios', 'mpr', '--out', out, '--screenshots', 'false', ...extra], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 1_200_000 });
        return JSON.parse(readFileSync(resolve(out, 'summary.json'), 'utf8')).scenarios.mpr as Record<string, number>;
      };
      // OHIF does not change between runs of this bench: CTAW_BENCH_OHIF=reuse keeps its last figures.
      const ohifSummary = resolve(root, `.bench/results/ohif-${ds.name}/summary.json`);
      const ohif = process.env.CTAW_BENCH_OHIF === 'reuse' && existsSync(ohifSummary)
        ? (JSON.parse(readFileSync(ohifSummary, 'utf8')).scenarios.mpr as Record<string, number>)
        : run('ohif', ['--base', `http://127.0.0.1:${ohifPort}`, '--viewer', 'ohif', '--dist', ohifDist]);
      const mine = run('ctaw', ['--base', appBase, '--dicomweb', `${orthancUrl}/dicom-web`, '--viewer', 'url', '--url-template', `${appBase}/viewer/{study}/{series}`, '--viewports', '3']);
      emit('ohif_first_image_ms', ohif.firstImageMs, 'ms', ds.name);
      emit('ohif_volume_loaded_ms', ohif.csVolumeLoadedMs, 'ms', ds.name);
      emit('ohif_browser_pss_mb', ohif.treePssPeakMB, 'MiB', ds.name);
      emit('first_image_vs_ohif', mine.firstImageMs / ohif.firstImageMs, 'ratio', ds.name, { ours_ms: mine.firstImageMs, ohif_ms: ohif.firstImageMs });
      emit('volume_loaded_vs_ohif', ours[ds.name].volumeLoadedMs / ohif.csVolumeLoadedMs, 'ratio', ds.name);
      emit('pss_vs_ohif', mine.treePssPeakMB / ohif.treePssPeakMB, 'ratio', ds.name, { ours_mb: mine.treePssPeakMB, ohif_mb: ohif.treePssPeakMB });
    }
  } finally {
    serve.kill();
  }
}
