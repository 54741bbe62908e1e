// Opens one CT series: metadata -> checks -> voxel grid -> frames streamed into the volume ->
// MPR + 3D, reporting progress to the viewer store. Plain TypeScript; the React page only hands
// it the elements. It shows a volume and a labelmap and knows nothing of reads: what the
// labelmap holds, where it is saved and where it goes belong to its LabelmapOwner (src/read/).
// Longer than most files here (~640 lines) for a reason: it is the one owner of a series' Cornerstone
// lifecycle (the views, the volume and its texture, the frame stream, the 3D view), whose steps
// depend on each other's timing (first slice before WebGL, views before the stream's end);
// what can stand alone has moved out (ctSource, readoutWiring, labelmapProbe, frameStreamer).
import type { Types } from '@cornerstonejs/core';
import type * as ViewerRuntime from './viewerRuntime.ts';
import { fetchSeriesMetadata } from '../dicomweb/qido.ts';
import { checkSeries } from '../dicomweb/seriesValidation.ts';
import { DicomwebError } from '../dicomweb/httpClient.ts';
import { getNumber, getNumbers, getString, type DicomJsonDataset } from '../dicomweb/dicomJson.ts';
import { TAG } from '../dicomweb/tags.ts';
import { useViewerStore } from '../stores/viewerStore.ts';
import { LINKED_VIEWPORTS, MPR_VIEWPORTS, VIEWPORT_3D } from './viewportIds.ts';
import type { Layout } from './viewportLayout.ts';
import { voiRange, WINDOW_PRESETS, type WindowPreset } from './windowPresets.ts';
import { buildVolumeGrid, type VolumeGrid } from './volumeGrid.ts';
import { FrameStreamer, startFrameWorker } from './frameStreamer.ts';
import { showFirstSlice } from './firstSlicePreview.ts';
import { int16ArrayForWorkers } from '../workers/sharedMemory.ts';
import type { PixelFormat } from './storedToHu.ts';
import type { SegSource } from '../seg/segModel.ts';
import type { ContouringSession } from '../contouring/contouringSession.ts';
import type { LabelmapOwner } from './labelmapOwner.ts';
import { ctSourceOf } from './ctSource.ts';
import { labelCounts, labelHash, labelIndices } from './labelmapProbe.ts';
import { wireReadout } from './readoutWiring.ts';

import { loadStudyConfig } from '../contouring/segmentConfig.ts';
import type { StudyConfig } from '../model/studyConfig.ts';
import { useContouringStore } from '../stores/contouringStore.ts';

const STALL_MS = 20_000;
// The 3D set-up waits this long at most for the first slice to arrive and be shown.
const FIRST_SLICE_WAIT_MS = 1500;
const PROGRESS_INTERVAL_MS = 300;
// Software WebGL needs ~30 ms a view per render: while frames stream, redraw once a second.
const STREAM_RENDER_INTERVAL_MS = 1000;
// Unloaded and missing slices read as air until their frame arrives.
const EMPTY_HU = -1024;
const MPR_IDS = MPR_VIEWPORTS.map((v) => v.id);

type LocalVolume = Types.IImageVolume & {
  vtkOpenGLTexture: { setUpdatedFrame: (k: number) => void; getUpdatedFrames: () => Array<boolean | null> };
};

export interface ViewerElements {
  axial: HTMLDivElement;
  coronal: HTMLDivElement;
  sagittal: HTMLDivElement;
  volume3d: HTMLDivElement;
  /** the second column, while side by side (viewportIds.ts LINKED_VIEWPORTS) */
  'axial-b'?: HTMLDivElement;
  'coronal-b'?: HTMLDivElement;
  'sagittal-b'?: HTMLDivElement;
}

function pixelFormat(ds: DicomJsonDataset): PixelFormat {
  return {
    bitsAllocated: getNumber(ds, TAG.BitsAllocated) ?? 16,
    bitsStored: getNumber(ds, TAG.BitsStored) ?? getNumber(ds, TAG.BitsAllocated) ?? 16,
    pixelRepresentation: getNumber(ds, TAG.PixelRepresentation) ?? 0,
    rescaleSlope: getNumber(ds, TAG.RescaleSlope) ?? 1,
    rescaleIntercept: getNumber(ds, TAG.RescaleIntercept) ?? 0,
  };
}

export class SeriesViewer {
  private layout: Layout | null = null;
  private volume: LocalVolume | null = null;
  private grid: VolumeGrid | null = null;
  private streamer: FrameStreamer | null = null;
  /** started with the metadata request, handed to the streamer once the series checks out */
  private frameWorker: Worker | null = null;
  private cleanups: Array<() => void> = [];
  private abort = new AbortController();
  private destroyed = false;
  private stallTimer: ReturnType<typeof setTimeout> | null = null;
  private renderTimer: ReturnType<typeof setTimeout> | null = null;
  private voxels: Int16Array | null = null;
  private studyConfig: Promise<StudyConfig> | null = null;
  private loadedHandled = false;
  private has3d = false;
  private linked: ViewerRuntime.LinkedViews | null = null;
  contouring: ContouringSession | null = null;
  private firstDataset: DicomJsonDataset | null = null;
  private removePreview: (() => void) | null = null;
  private viewsReady = false;
  /** Cornerstone and the tools, loaded once the first slice is on screen */
  private rt: typeof ViewerRuntime | null = null;
  private runtimeLoad: Promise<typeof ViewerRuntime> | null = null;

  constructor(
    private readonly elements: ViewerElements,
    private readonly studyUid: string,
    private readonly seriesUid: string,
    /** whoever owns the labelmap shown (a reader's read, a lead's review); none: editing only */
    private readonly labelmapOwner: LabelmapOwner | null = null,
  ) {}

  private get store() {
    return useViewerStore.getState();
  }

  async open(): Promise<void> {
    const t0 = performance.now();
    performance.mark('series-open');
    this.frameWorker = startFrameWorker();
    this.store.reset();
    useContouringStore.getState().reset();
    this.store.set({ phase: 'metadata' });
    // The segment list is read while the images load; a broken file must not stop the viewer.
    this.studyConfig = loadStudyConfig();
    this.studyConfig.catch((err: unknown) => useContouringStore.getState().set({ configError: err instanceof Error ? err.message : String(err) }));
    let metadata;
    try {
      metadata = await fetchSeriesMetadata(this.studyUid, this.seriesUid, this.abort.signal);
    } catch (err) {
      if (this.destroyed) return;
      this.fail(err);
      return;
    }
    if (this.destroyed) return;
    performance.mark('series-metadata');
    const check = checkSeries(metadata);
    if (!check.ok) {
      this.dropFrameWorker();
      this.store.set({ phase: 'refused', message: check.message });
      return;
    }
    const first = check.slices[0].dataset;
    this.firstDataset = first;
    const grid = buildVolumeGrid(check.slices, check.rows, check.columns, check.pixelSpacingMm, check.sliceSpacingMm, getNumbers(first, TAG.ImageOrientationPatient)!);
    this.grid = grid;
    this.store.set({
      warnings: check.warnings,
      framesTotal: check.slices.length,
      seriesLabel: [getString(first, TAG.PatientName), getString(first, TAG.SeriesDescription)].filter(Boolean).join(' · '),
    });

    // Frames stream from here on. The 3D machinery (WebGL contexts, the volume texture) costs
    // the main thread most of a second in software rendering: it starts once the first slice is
    // on screen (painted by the preview), so that slice is not stuck behind it.
    const [nx, ny, nz] = grid.dimensions;
    // Only the slices no frame will fill are set to air now: filling all of a 70-300 MB volume
    // took 100-300 ms of the main thread just before the first frame.
    const voxels = int16ArrayForWorkers(nx * ny * nz);
    this.fillAir(voxels, grid, (k) => !grid.sliceAt[k]);
    this.voxels = voxels;
    const format = pixelFormat(first);
    let imageIdByGrid: Map<number, string> | null = null;
    const decodeCompressed = async (k: number, bytes: Uint8Array, transferSyntaxUid: string, target: Int16Array) => {
      const rt = await this.runtime();
      rt.startCornerstone(); // the codec workers (once; the views start it too)
      if (!imageIdByGrid) {
        const imageIds = rt.registerImageIds(this.studyUid, this.seriesUid, check.slices);
        imageIdByGrid = new Map(grid.sliceAt.map((s, k) => [k, s ? imageIds[check.slices.indexOf(s)] : '']));
      }
      await rt.decodeCompressedFrame(imageIdByGrid.get(k) ?? '', bytes, transferSyntaxUid, target, format);
    };
    const firstShown = this.streamFrames(grid, voxels, format, decodeCompressed, t0);
    await Promise.race([firstShown, new Promise((r) => setTimeout(r, FIRST_SLICE_WAIT_MS))]);
    if (this.destroyed) return;
    this.streamer?.resume();
    let rt: typeof ViewerRuntime;
    try {
      rt = await this.runtime();
    } catch (err) {
      // The chunk did not load (server gone, offline without a cached copy): say so, offer retry.
      this.runtimeLoad = null;
      if (!this.destroyed) this.fail(new Error(`the viewer's code could not be fetched (${err instanceof Error ? err.message : String(err)})`));
      return;
    }
    if (this.destroyed) return;
    const { cache, volumeLoader, setVolumesForViewports } = rt;

    rt.startCornerstone();
    this.store.set({ rendering: rt.renderingSummary() });
    const volumeId = `ctaw:${this.seriesUid}`;
    if (cache.getVolume(volumeId)) cache.removeVolumeLoadObject(volumeId);
    const volume = volumeLoader.createLocalVolume(volumeId, {
      scalarData: voxels,
      dimensions: grid.dimensions,
      spacing: grid.spacingMm,
      origin: grid.origin,
      direction: grid.direction as Types.Mat3,
      metadata: {
        BitsAllocated: 16, BitsStored: 16, SamplesPerPixel: 1, HighBit: 15, PixelRepresentation: 1,
        PhotometricInterpretation: 'MONOCHROME2', Modality: 'CT',
        ImageOrientationPatient: grid.direction.slice(0, 6), PixelSpacing: [grid.spacingMm[1], grid.spacingMm[0]],
        FrameOfReferenceUID: getString(first, TAG.FrameOfReferenceUID) ?? '', Columns: nx, Rows: ny,
        voiLut: [{ windowWidth: 1500, windowCenter: -600 }], SeriesInstanceUID: this.seriesUid,
      } as never,
    }) as LocalVolume;
    if (rt.needsHalfFloatTexture()) rt.useHalfFloatTexture(volume);
    this.volume = volume;
    performance.mark('volume-created');

    this.layout = rt.createMprLayout(this.elements as unknown as Record<string, HTMLDivElement>);
    this.watchAxialRendering(t0);
    await setVolumesForViewports(this.layout.engine, [{ volumeId }], MPR_IDS);
    if (this.destroyed) return;
    performance.mark('views-ready');
    // The texture was just created whole: upload exactly the slices that have arrived (a new
    // WebGL texture reads as zero until then; uploading empty slices took ~1 s here).
    const pending = volume.vtkOpenGLTexture.getUpdatedFrames();
    for (let k = 0; k < nz; k++) pending[k] = this.streamer?.loaded[k] ? true : null;
    this.applyPreset(WINDOW_PRESETS[0]);
    this.attachReadout();
    this.viewsReady = true;
    // The series can finish streaming before the views are up (a small one, or one read from
    // the offline cache while WebGL starts).
    if (this.store.phase === 'loaded') this.onLoaded();
  }

  /** The Cornerstone chunk: fetched in advance (preloadViewerRuntime.ts), run once the first slice is on screen. */
  private runtime(): Promise<typeof ViewerRuntime> {
    this.runtimeLoad ??= import('./viewerRuntime.ts').then((m) => (this.rt = m));
    return this.runtimeLoad;
  }

  /** Once the axial view draws a loaded slice itself, the preview canvas goes. */
  private watchAxialRendering(t0: number): void {
    const { CoreEnums } = this.rt!;
    const axial = this.elements.axial;
    const onRendered = () => {
      if (!this.streamer?.loaded.some(Boolean)) return;
      axial.removeEventListener(CoreEnums.Events.IMAGE_RENDERED, onRendered);
      this.removePreview?.();
      this.removePreview = null;
      performance.mark('first-volume-image');
      this.markFirstImage(t0);
    };
    axial.addEventListener(CoreEnums.Events.IMAGE_RENDERED, onRendered);
    this.cleanups.push(() => axial.removeEventListener(CoreEnums.Events.IMAGE_RENDERED, onRendered));
  }

  private firstImageMarked = false;
  private markFirstImage(t0: number): void {
    if (this.firstImageMarked) return;
    this.firstImageMarked = true;
    performance.mark('first-image');
    console.info(`[viewer] first image after ${Math.round(performance.now() - t0)} ms`);
  }

  /** Starts streaming; resolves once the first slice is on screen (or the stream has ended). */
  private streamFrames(
    grid: VolumeGrid,
    voxels: Int16Array,
    format: PixelFormat,
    decodeCompressed: (k: number, bytes: Uint8Array, transferSyntaxUid: string, target: Int16Array) => Promise<void>,
    t0: number,
  ): Promise<void> {
    let firstSliceShown: () => void = () => undefined;
    const shown = new Promise<void>((resolve) => (firstSliceShown = resolve));
    const sliceLength = grid.dimensions[0] * grid.dimensions[1];
    this.store.set({ phase: 'streaming' });
    this.bumpStallTimer();
    let lastProgressAt = 0;
    const worker = this.frameWorker ?? startFrameWorker();
    this.frameWorker = null;
    this.streamer = new FrameStreamer(this.studyUid, this.seriesUid, grid, voxels, format, decodeCompressed, {
      onFrame: (k, loaded, bytes) => {
        this.volume?.vtkOpenGLTexture.setUpdatedFrame(k);
        if (loaded === 1) performance.mark('first-frame');
        if (k === this.streamer?.firstSlice && !this.layout) {
          this.removePreview = showFirstSlice(this.elements.axial, voxels.subarray(k * sliceLength, (k + 1) * sliceLength), grid, WINDOW_PRESETS[0]);
          if (!this.removePreview) firstSliceShown();
          // On screen once the browser has painted a frame (the next task after the animation
          // frame); the 3D set-up waits for that, or it would hold the paint back.
          else requestAnimationFrame(() => setTimeout(() => {
            this.markFirstImage(t0);
            firstSliceShown();
          }, 0));
        }
        this.bumpStallTimer();
        // Each progress repaint is composited in software here: a few a second, not one a frame.
        const now = performance.now();
        if (now - lastProgressAt > PROGRESS_INTERVAL_MS || loaded === this.store.framesTotal) {
          lastProgressAt = now;
          this.store.set({ framesLoaded: loaded, bytesLoaded: bytes });
        }
        // The first frame is drawn at once (the reader is waiting); later ones in batches.
        this.scheduleRender(loaded === 1 ? 0 : STREAM_RENDER_INTERVAL_MS);
      },
      onDone: (failed, lastError) => {
        firstSliceShown();
        this.clearStallTimer();
        this.scheduleRender(0);
        const total = this.store.framesTotal;
        if (failed > 0) {
          this.fillAir(voxels, grid, (k) => !this.streamer?.loaded[k]);
          this.store.set({
            phase: 'failed',
            failedFrames: failed,
            framesLoaded: total - failed,
            message: `${failed} of ${total} images could not be loaded (${lastError || 'the connection failed'}). The server may be down or restarting.`,
          });
          return;
        }
        performance.mark('volume-loaded');
        console.info(`[viewer] volume loaded after ${Math.round(performance.now() - t0)} ms`);
        this.store.set({ phase: 'loaded' });
        this.onLoaded();
      },
    }, worker);
    this.streamer.start(true); // the rest once the first slice is on screen (open() resumes it)
    return shown;
  }

  /** Unloaded and missing slices read as air. */
  private fillAir(voxels: Int16Array, grid: VolumeGrid, which: (k: number) => boolean): void {
    const sliceLength = grid.dimensions[0] * grid.dimensions[1];
    for (let k = 0; k < grid.dimensions[2]; k++) if (which(k)) voxels.fill(EMPTY_HU, k * sliceLength, (k + 1) * sliceLength);
  }

  private scheduleRender(delayMs: number): void {
    if (this.renderTimer !== null) {
      if (delayMs > 0) return;
      clearTimeout(this.renderTimer);
    }
    this.renderTimer = setTimeout(() => {
      this.renderTimer = null;
      if (this.destroyed || !this.layout) return;
      this.layout.engine.renderViewports(MPR_IDS);
    }, delayMs);
  }

  private bumpStallTimer(): void {
    this.clearStallTimer();
    this.stallTimer = setTimeout(() => {
      if (this.store.phase === 'streaming') {
        this.store.set({ message: `The image archive is slow: no image arrived for ${STALL_MS / 1000} s.` });
      }
    }, STALL_MS);
  }

  private clearStallTimer(): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
    if (this.store.message?.startsWith('The image archive is slow')) this.store.set({ message: null });
  }

  /** Once every voxel is in: the 3D view and the contouring tools (statistics need real HU). */
  private onLoaded(): void {
    // Not before the views have their volume: the 3D view and the contouring overlays attach to them.
    if (!this.viewsReady || !this.layout || this.loadedHandled || this.destroyed) return;
    this.loadedHandled = true;
    // The tools first, then the 3D view. In software WebGL the first 3D frame keeps the CPU busy
    // for tens of seconds (the tools' set-up queued behind it, and every other view slows down
    // meanwhile): there the reader asks for the 3D view when they want it.
    void this.startContouring().finally(() => {
      if (this.destroyed) return;
      if (this.rt!.isSoftwareRendering()) this.store.set({ view3d: 'offered' });
      else this.show3d();
    });
  }

  private async startContouring(): Promise<void> {
    let config: StudyConfig;
    try {
      config = await this.studyConfig!;
    } catch {
      return;
    }
    if (this.destroyed || !this.layout || !this.volume || !this.grid || !this.voxels) return;
    const grid = this.grid;
    const session = new this.rt!.ContouringSession(
      this.layout.engine,
      this.elements as unknown as Record<string, HTMLDivElement>,
      MPR_IDS,
      { dims: grid.dimensions, spacing: grid.spacingMm, origin: grid.origin, direction: grid.direction },
      this.voxels,
      this.seriesUid,
      this.volume.metadata as unknown as Record<string, unknown>,
      config,
      this.rt!.isSoftwareRendering(),
    );
    this.contouring = session;
    const source = this.segSource()!;
    const views = {
      engine: this.layout.engine,
      elements: this.elements as unknown as Record<string, HTMLDivElement>,
      mprIds: MPR_IDS,
      sideBySide: (captions: { left: string; right: string } | null) => this.setSideBySide(captions),
      volume: { scalars: this.voxels, dims: grid.dimensions, spacing: grid.spacingMm, origin: grid.origin as unknown as [number, number, number], direction: grid.direction },
    };
    // The owner fills the labelmap before it is shown (a restored draft appears at once).
    await this.labelmapOwner?.prepare({ contouring: session, config, segSource: source, views, runtime: this.rt! });
    if (this.destroyed) return;
    await session.attach();
    if (this.destroyed) return;
    if (this.has3d) await session.attach3d(VIEWPORT_3D);
    await this.labelmapOwner?.shown();
  }

  /**
   * Two columns of MPR views (the second linked to the first: slice, zoom, pan, window), or one.
   * The page renders the second column's elements once the store says so; the views follow.
   */
  async setSideBySide(captions: { left: string; right: string } | null): Promise<string[]> {
    if (!this.layout || !this.volume || this.destroyed) return [];
    if (!captions) {
      this.linked?.destroy();
      this.linked = null;
      this.store.set({ sideBySide: null });
      return [];
    }
    this.store.set({ sideBySide: captions });
    if (this.linked) return this.linked.ids;
    const elements = this.elements as unknown as Record<string, HTMLDivElement | undefined>;
    const ready = () => LINKED_VIEWPORTS.every((v) => elements[v.id]?.isConnected && elements[v.id]!.clientWidth > 0);
    for (let i = 0; i < 120 && !ready(); i++) await new Promise((r) => requestAnimationFrame(() => r(null)));
    if (!ready() || this.destroyed || !this.layout || !this.store.sideBySide) return [];
    this.linked = await this.rt!.addLinkedViews(this.layout.engine, elements as Record<string, HTMLDivElement>, this.volume.volumeId);
    return this.linked.ids;
  }

  /** Every MPR view on screen: the first column, and the second when side by side. */
  private shownMprIds(): string[] {
    return [...MPR_IDS, ...(this.linked?.ids ?? [])];
  }

  /** Puts the volume rendering up (at once on a real GPU; on the reader's request in software WebGL). */
  show3d(): void {
    if (!this.layout || !this.volume || this.destroyed || this.store.view3d === 'starting' || this.store.view3d === 'shown') return;
    this.store.set({ view3d: 'starting' });
    const engine = this.layout.engine;
    this.rt!.add3dViewport(engine, this.elements.volume3d);
    const viewport = engine.getViewport(VIEWPORT_3D) as Types.IVolumeViewport;
    void viewport.setVolumes([{ volumeId: this.volume.volumeId }]).then(() => {
      if (this.destroyed) return;
      viewport.setProperties({ preset: 'CT-Bone' } as never);
      // Coarser ray steps in software WebGL, which spends seconds per 3D frame at full quality;
      // a real GPU draws a full-quality frame of a 300-slice CT in ~8 ms (bench/render on an H100).
      if (this.rt!.isSoftwareRendering()) (viewport as unknown as { setSampleDistanceMultiplier?: (m: number) => void }).setSampleDistanceMultiplier?.(2);
      viewport.resetCamera();
      this.has3d = true;
      const shown = () => {
        if (!this.destroyed) this.store.set({ view3d: 'shown' });
      };
      // One first frame, with the segments in it: a software frame costs tens of seconds.
      if (this.contouring) void this.contouring.attach3d(VIEWPORT_3D, { showSegmentsNow: true }).then(shown);
      else {
        viewport.render();
        shown();
      }
    });
  }

  private attachReadout(): void {
    this.cleanups.push(
      wireReadout({
        rt: this.rt!,
        elements: this.elements as unknown as Record<string, HTMLDivElement>,
        viewport: (id) => this.layout?.engine.getViewport(id) as Types.IVolumeViewport | undefined,
        volume: () => this.volume,
        grid: this.grid!,
        loaded: () => this.streamer?.loaded ?? null,
      }),
    );
  }

  applyPreset(preset: WindowPreset): void {
    this.setWindow(preset.widthHu, preset.centerHu, `${preset.label} W${preset.widthHu} L${preset.centerHu}`);
  }

  setWindow(widthHu: number, centerHu: number, label: string): void {
    if (!this.layout) return;
    for (const id of this.shownMprIds()) {
      const viewport = this.layout.engine.getViewport(id) as Types.IVolumeViewport;
      viewport.setProperties({ voiRange: voiRange(widthHu, centerHu) });
      viewport.render();
    }
    this.store.set({ windowLabel: label });
  }

  resetView(): void {
    if (!this.layout) return;
    for (const id of this.shownMprIds()) {
      const viewport = this.layout.engine.getViewport(id) as Types.IVolumeViewport;
      viewport.resetCamera();
      viewport.render();
    }
    this.applyPreset(WINDOW_PRESETS[0]);
  }

  setLeftTool(tool: 'windowLevel' | 'crosshairs'): void {
    this.layout?.setLeftTool(tool);
    this.store.set({ leftTool: tool });
    // Choosing a navigation tool puts the paint tools down.
    this.contouring?.setTool('none');
  }

  /** Scroll a view by whole slices (keyboard and tests). */
  scroll(viewportId: string, delta: number): void {
    const viewport = this.layout?.engine.getViewport(viewportId) as Types.IVolumeViewport | undefined;
    if (!viewport) return;
    (viewport as unknown as { scroll: (d: number) => void }).scroll(delta);
  }

  /** Canvas position (CSS px, relative to the view) of a world point; used by the e2e tests. */
  worldToCanvas(viewportId: string, world: Types.Point3): Types.Point2 | null {
    const viewport = this.layout?.engine.getViewport(viewportId);
    return viewport ? viewport.worldToCanvas(world) : null;
  }

  /** Voxel value (HU) at an index, or null before that slice has arrived; used by the e2e tests. */
  voxelAt(i: number, j: number, k: number): number | null {
    // The voxels themselves, not the Cornerstone volume over them: a small series can finish
    // streaming before the views (and that volume) are up.
    const v = this.voxels;
    const g = this.grid;
    if (!v || !g || !this.streamer?.loaded[k]) return null;
    const [nx, ny] = g.dimensions;
    return v[i + nx * (j + ny * k)];
  }

  /** Whether the views show the volume (the MPR layout is up); used by the e2e tests. */
  get viewsUp(): boolean {
    return this.viewsReady;
  }

  /** Source image of each volume slice k (null where the series has no slice). */
  sliceSources(): Array<{ sopInstanceUid: string; positionMm: number[] } | null> {
    return (this.grid?.sliceAt ?? []).map((s) => (s ? { sopInstanceUid: s.sopInstanceUid, positionMm: [...s.positionMm] } : null));
  }

  volumeGeometry(): { origin: number[]; spacing: number[]; dimensions: number[]; direction: number[] } | null {
    if (!this.volume) return null;
    return {
      origin: [...this.volume.origin],
      spacing: [...this.volume.spacing],
      dimensions: [...this.volume.dimensions],
      direction: [...this.volume.direction],
    };
  }

  /** The CT a segmentation of this series refers to (patient, study, grid, source images). */
  segSource(): SegSource | null {
    return this.firstDataset && this.grid ? ctSourceOf(this.studyUid, this.seriesUid, this.firstDataset, this.grid) : null;
  }

  canvasToWorld(viewportId: string, canvas: Types.Point2): Types.Point3 | null {
    const viewport = this.layout?.engine.getViewport(viewportId);
    return viewport ? viewport.canvasToWorld(canvas) : null;
  }

  // What the e2e tests read of the labelmap (labelmapProbe.ts).
  labelCounts(): Record<number, number> {
    return labelCounts(this.contouring?.editor.labelmap.data ?? new Uint8Array(0));
  }

  labelIndices(value: number): number[] {
    return labelIndices(this.contouring?.editor.labelmap.data ?? new Uint8Array(0), value);
  }

  labelHash(): string {
    const data = this.contouring?.editor.labelmap.data;
    return data ? labelHash(data) : '';
  }

  /** HU of the voxels at the given indices; used by the e2e tests. */
  huAt(indices: number[]): number[] {
    const v = this.voxels;
    return v ? indices.map((n) => v[n]) : [];
  }

  /** Where a view looks, how far it is zoomed and its window (tests of linked views). */
  viewState(viewportId: string): { focalPoint: number[]; parallelScale: number; voiRange: { lower: number; upper: number } | null } | null {
    const viewport = this.layout?.engine.getViewport(viewportId) as Types.IVolumeViewport | undefined;
    if (!viewport) return null;
    const camera = viewport.getCamera();
    const voi = viewport.getProperties()?.voiRange;
    return { focalPoint: [...(camera.focalPoint ?? [])], parallelScale: camera.parallelScale ?? 0, voiRange: voi ? { lower: voi.lower, upper: voi.upper } : null };
  }

  /** HU of a whole axial slice; used by the e2e tests for reference flood fills. */
  huSlice(k: number): number[] {
    const g = this.grid;
    const v = this.voxels;
    if (!g || !v) return [];
    const plane = g.dimensions[0] * g.dimensions[1];
    return Array.from(v.subarray(k * plane, (k + 1) * plane));
  }

  paintTimings(): Array<{ tool: string; inputDelayMs: number; updateMs: number; frameMs: number }> {
    return this.contouring ? [...this.contouring.timings] : [];
  }

  private dropFrameWorker(): void {
    this.frameWorker?.terminate();
    this.frameWorker = null;
  }

  private fail(err: unknown): void {
    this.dropFrameWorker();
    const message = err instanceof DicomwebError ? err.message : `Loading failed: ${err instanceof Error ? err.message : String(err)}`;
    this.store.set({ phase: 'failed', message });
  }

  destroy(): void {
    this.destroyed = true;
    this.abort.abort();
    this.clearStallTimer();
    this.cleanups.forEach((f) => f());
    this.cleanups = [];
    this.removePreview?.();
    this.removePreview = null;
    if (this.renderTimer !== null) clearTimeout(this.renderTimer);
    this.streamer?.cancel();
    this.dropFrameWorker();
    this.labelmapOwner?.destroy();
    this.contouring?.destroy();
    this.contouring = null;
    // Synchronizers are global: they would outlive the engine.
    if (this.linked) {
      try {
        this.linked.destroy();
      } catch {
        // The views may already be gone.
      }
      this.linked = null;
    }
    this.layout?.destroy();
    this.layout = null;
    // One series at a time: give its voxels back as soon as the reader leaves it.
    if (this.volume) this.rt?.cache.removeVolumeLoadObject(this.volume.volumeId);
    this.rt?.cache.purgeCache();
    this.volume = null;
  }
}
