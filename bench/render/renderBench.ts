// Render benchmark page: the reading layout (axial, coronal, sagittal MPR + 3D) on a 512x512x300
// chest phantom built in the page, timed frame by frame. No server and no DICOM: it measures the
// GPU path alone, so the same page runs here (SwiftShader) and on a machine with a real GPU, and
// the driver (drive.py) reads the browser's memory from outside while it runs.
import { Enums, setVolumesForViewports, volumeLoader, type Types } from '@cornerstonejs/core';
import { isSoftwareRendering, renderingSummary, startCornerstone } from '../../src/viewer/cornerstoneSetup.ts';
import { add3dViewport, createMprLayout, MPR_VIEWPORTS, VIEWPORT_3D } from '../../src/viewer/viewportLayout.ts';
import { needsHalfFloatTexture, useHalfFloatTexture } from '../../src/viewer/halfFloatTexture.ts';
import { voiRange } from '../../src/viewer/windowPresets.ts';
import { phantomSliceHu } from '../../scripts/data/phantomHu.ts';

const params = new URLSearchParams(location.search);
const [NX, NY, NZ] = (params.get('size') ?? '512x512x300').split('x').map(Number);
const PIXEL_MM = 0.7;
const SLICE_MM = 1;
const RENDER_TIMEOUT_MS = 120_000;

const status = document.getElementById('status')!;
let partial: Record<string, unknown> = {};
/** Shows the phase, and posts what is measured so far (a phase that overruns still leaves the rest). */
const say = (text: string) => {
  status.textContent = text;
  console.info(`[render-bench] ${text}`);
  void fetch('./partial', { method: 'POST', body: JSON.stringify(partial) }).catch(() => undefined);
};

function buildPhantom(): Int16Array {
  const voxels = new Int16Array(NX * NY * NZ);
  const lengthMm = NZ * SLICE_MM;
  for (let k = 0; k < NZ; k++) {
    const offset = k * NX * NY;
    phantomSliceHu({ rows: NY, columns: NX, pixelSpacingMm: PIXEL_MM, k, zMm: lengthMm - k * SLICE_MM, lengthMm, seedNum: 12345 }, (i, hu) => {
      voxels[offset + i] = Math.round(hu);
    });
  }
  return voxels;
}

function gpuRenderer(): string {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return 'no WebGL2';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return String(name);
}

/** Resolves when the element's view has drawn (Cornerstone renders on the next animation frame). */
function rendered(element: HTMLElement): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no render of ${element.id} in ${RENDER_TIMEOUT_MS} ms`)), RENDER_TIMEOUT_MS);
    element.addEventListener(Enums.Events.IMAGE_RENDERED, () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/**
 * Blocks until the GPU has finished the element's last frame. Rendering only queues commands for
 * the GPU process: without this, a software 3D frame that takes seconds timed as 4 ms. Reading
 * one pixel of the view's canvas back waits for everything drawn into it.
 */
function settle(element: HTMLElement): void {
  const canvas = element.querySelector('canvas');
  canvas?.getContext('2d')?.getImageData(canvas.width >> 1, canvas.height >> 1, 1, 1);
}

/** Milliseconds per frame for `steps` changes, each awaited until every named view has drawn it. */
async function timeFrames(steps: number, elements: HTMLElement[], change: (i: number) => void): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    const done = Promise.all(elements.map(rendered));
    change(i);
    await done;
    elements.forEach(settle);
    times.push(performance.now() - t);
  }
  return times;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] : NaN;
}

async function run(): Promise<Record<string, unknown>> {
  const el = (id: string) => document.getElementById(id) as HTMLDivElement;
  const result: Record<string, unknown> = (partial = { size: `${NX}x${NY}x${NZ}`, renderer: gpuRenderer(), viewport: `${el('axial').clientWidth}x${el('axial').clientHeight}` });
  say('building the phantom');
  let t = performance.now();
  const voxels = buildPhantom();
  result.phantom_ms = performance.now() - t;

  startCornerstone();
  result.rendering = renderingSummary();
  result.software = isSoftwareRendering();
  // The app's scheme: startCornerstone() registers the loader that serves its slices from the cache.
  const volumeId = 'ctaw:bench-phantom';
  const volume = volumeLoader.createLocalVolume(volumeId, {
    scalarData: voxels,
    dimensions: [NX, NY, NZ],
    spacing: [PIXEL_MM, PIXEL_MM, SLICE_MM],
    origin: [0, 0, 0],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, -1] as Types.Mat3,
    metadata: {
      BitsAllocated: 16, BitsStored: 16, SamplesPerPixel: 1, HighBit: 15, PixelRepresentation: 1,
      PhotometricInterpretation: 'MONOCHROME2', Modality: 'CT', FrameOfReferenceUID: '1.2.3',
      ImageOrientationPatient: [1, 0, 0, 0, 1, 0], PixelSpacing: [PIXEL_MM, PIXEL_MM], Columns: NX, Rows: NY,
      voiLut: [{ windowWidth: 1500, windowCenter: -600 }], SeriesInstanceUID: 'bench',
    } as never,
  }) as unknown as { volumeId: string; vtkOpenGLTexture: unknown };
  result.half_float_texture = needsHalfFloatTexture();
  if (needsHalfFloatTexture()) useHalfFloatTexture(volume);

  say('MPR views');
  const mprElements = MPR_VIEWPORTS.map((v) => el(v.id));
  const layout = createMprLayout(Object.fromEntries(MPR_VIEWPORTS.map((v) => [v.id, el(v.id)])));
  const engine = layout.engine;
  t = performance.now();
  const firstMpr = Promise.all(mprElements.map(rendered));
  await setVolumesForViewports(engine, [{ volumeId }], MPR_VIEWPORTS.map((v) => v.id));
  const lung = voiRange(1500, -600);
  for (const v of MPR_VIEWPORTS) (engine.getViewport(v.id) as Types.IVolumeViewport).setProperties({ voiRange: lung });
  engine.renderViewports(MPR_VIEWPORTS.map((v) => v.id));
  await firstMpr;
  mprElements.forEach(settle);
  result.mpr_ready_ms = performance.now() - t;

  say('scrolling the axial view');
  const axial = engine.getViewport('axial') as Types.IVolumeViewport;
  const scroll = await timeFrames(60, [el('axial')], (i) => {
    axial.scroll(i < 30 ? 1 : -1);
    axial.render();
  });
  result.mpr_scroll_ms = median(scroll);
  result.mpr_scroll_p95_ms = p95(scroll);

  say('window/level on the three views');
  const windowing = await timeFrames(30, mprElements, (i) => {
    const range = voiRange(1500 + (i % 10) * 20, -600 + (i % 7) * 10);
    for (const v of MPR_VIEWPORTS) (engine.getViewport(v.id) as Types.IVolumeViewport).setProperties({ voiRange: range });
    engine.renderViewports(MPR_VIEWPORTS.map((v) => v.id));
  });
  result.mpr_window3_ms = median(windowing);

  say('3D view');
  add3dViewport(engine, el(VIEWPORT_3D));
  const vr = engine.getViewport(VIEWPORT_3D) as Types.IVolumeViewport;
  t = performance.now();
  const firstVr = rendered(el(VIEWPORT_3D));
  await vr.setVolumes([{ volumeId }]);
  vr.setProperties({ preset: 'CT-Bone' } as never);
  vr.resetCamera();
  vr.render();
  await firstVr;
  settle(el(VIEWPORT_3D));
  result.vr_first_ms = performance.now() - t;
  const camera = (vr as unknown as { getVtkActiveCamera: () => { azimuth: (deg: number) => void } }).getVtkActiveCamera();
  const setMultiplier = (m: number) => (vr as unknown as { setSampleDistanceMultiplier?: (m: number) => void }).setSampleDistanceMultiplier?.(m);
  // Software rendering costs seconds per full-quality 3D frame: fewer steps there.
  const steps = isSoftwareRendering() ? 2 : 36;
  for (const m of [2, 1]) {
    setMultiplier(m);
    say(`rotating the 3D view, sample distance x${m}`);
    const rotate = await timeFrames(steps, [el(VIEWPORT_3D)], () => {
      camera.azimuth(10);
      vr.render();
    });
    result[`vr_rotate_m${m}_ms`] = median(rotate);
  }

  say('scrolling with the 3D view on screen');
  const scroll3d = await timeFrames(30, [el('axial')], (i) => {
    axial.scroll(i < 15 ? 1 : -1);
    axial.render();
  });
  result.mpr_scroll_with_3d_ms = median(scroll3d);
  const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  result.js_heap_mb = memory ? memory.usedJSHeapSize / 2 ** 20 : null;
  say('done');
  return result;
}

run()
  .catch((err: unknown) => ({ error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) }))
  .then(async (result) => {
    (window as { __renderBench?: unknown }).__renderBench = result;
    // The driver keeps the browser open a moment after this, to read its memory at rest.
    await fetch('./result', { method: 'POST', body: JSON.stringify(result) }).catch(() => undefined);
  });
