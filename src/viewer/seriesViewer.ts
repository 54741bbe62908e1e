// Opens one CT series: metadata -> checks -> streaming volume -> MPR + 3D, reporting progress
// to the viewer store. Plain TypeScript; the React page only hands it the elements.
import {
  cache,
  Enums as CoreEnums,
  eventTarget,
  setVolumesForViewports,
  volumeLoader,
  type Types,
} from '@cornerstonejs/core';
import { fetchSeriesMetadata } from '../dicomweb/qido.ts';
import { checkSeries, type SliceInfo } from '../dicomweb/seriesValidation.ts';
import { registerImageIds } from '../dicomweb/imageIds.ts';
import { centerOutOrder } from './loadOrder.ts';
import { DicomwebError } from '../dicomweb/httpClient.ts';
import { getString } from '../dicomweb/dicomJson.ts';
import { TAG } from '../dicomweb/tags.ts';
import { useViewerStore } from '../stores/viewerStore.ts';
import { renderingSummary, startCornerstone } from './cornerstoneSetup.ts';
import { add3dViewport, createMprLayout, MPR_VIEWPORTS, VIEWPORT_3D, type Layout } from './viewportLayout.ts';
import { voiRange, WINDOW_PRESETS, type WindowPreset } from './windowPresets.ts';
import { readoutAt } from './voxelReadout.ts';
import { watchFrameBytes } from './frameBytes.ts';

const STALL_MS = 20_000;

type StreamingVolume = Types.IImageVolume & {
  load: (cb?: () => void) => void;
  getImageIdsRequests: (ids: string[], priority: number) => unknown[];
  getImageLoadRequests: (priority: number) => unknown[];
  cachedFrames: unknown[];
  cancelLoading?: () => void;
};

export interface ViewerElements {
  axial: HTMLDivElement;
  coronal: HTMLDivElement;
  sagittal: HTMLDivElement;
  volume3d: HTMLDivElement;
}

export class SeriesViewer {
  private layout: Layout | null = null;
  private volume: StreamingVolume | null = null;
  private slices: SliceInfo[] = [];
  private cleanups: Array<() => void> = [];
  private abort = new AbortController();
  private destroyed = false;
  private stallTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly elements: ViewerElements,
    private readonly studyUid: string,
    private readonly seriesUid: string,
  ) {}

  private get store() {
    return useViewerStore.getState();
  }

  async open(): Promise<void> {
    const t0 = performance.now();
    performance.mark('series-open');
    this.store.reset();
    this.store.set({ phase: 'metadata' });
    let metadata;
    try {
      metadata = await fetchSeriesMetadata(this.studyUid, this.seriesUid, this.abort.signal);
    } catch (err) {
      if (this.destroyed) return;
      this.fail(err);
      return;
    }
    if (this.destroyed) return;
    const check = checkSeries(metadata);
    if (!check.ok) {
      this.store.set({ phase: 'refused', message: check.message });
      return;
    }
    this.slices = check.slices;
    const first = check.slices[0].dataset;
    this.store.set({
      warnings: check.warnings,
      framesTotal: check.slices.length,
      seriesLabel: [getString(first, TAG.PatientName), getString(first, TAG.SeriesDescription)].filter(Boolean).join(' · '),
    });

    startCornerstone();
    this.store.set({ rendering: renderingSummary() });
    const imageIds = registerImageIds(this.studyUid, this.seriesUid, check.slices);
    const volumeId = `cornerstoneStreamingImageVolume:${this.seriesUid}`;
    // A retry starts from a clean volume; frames already decoded stay in the image cache.
    if (cache.getVolume(volumeId)) cache.removeVolumeLoadObject(volumeId);
    const volume = (await volumeLoader.createAndCacheVolume(volumeId, { imageIds })) as unknown as StreamingVolume;
    if (this.destroyed) return;
    this.volume = volume;
    const ordered = centerOutOrder(volume.imageIds ?? imageIds);
    volume.getImageLoadRequests = (priority: number) => volume.getImageIdsRequests(ordered, priority);

    this.layout = createMprLayout(this.elements as unknown as Record<string, HTMLDivElement>);
    const mprIds = MPR_VIEWPORTS.map((v) => v.id);
    await setVolumesForViewports(this.layout.engine, [{ volumeId }], mprIds);
    if (this.destroyed) return;
    this.applyPreset(WINDOW_PRESETS[0]);
    this.trackLoading(volume, t0);
    this.attachReadout();
    this.store.set({ phase: 'streaming' });
    volume.load();
    this.layout.engine.renderViewports(mprIds);
  }

  private trackLoading(volume: StreamingVolume, t0: number): void {
    let firstShown = false;
    let processed = 0;
    let failed = 0;
    let lastError = '';
    const total = this.slices.length;
    const axialElement = this.elements.axial;
    const onRendered = () => {
      if (firstShown || processed === 0) return;
      firstShown = true;
      performance.mark('first-image');
      console.info(`[viewer] first image after ${Math.round(performance.now() - t0)} ms`);
    };
    const onModified = (evt: Event) => {
      const detail = (evt as CustomEvent).detail as { volumeId: string; framesProcessed: number };
      if (detail.volumeId !== volume.volumeId) return;
      processed = detail.framesProcessed;
      this.bumpStallTimer();
      this.store.set({ framesLoaded: processed - failed });
    };
    const onError = (evt: Event) => {
      // Cornerstone's volume passes its arguments shifted here (imageId may be the index), so
      // the count comes from the volume's own frame status; the event gives the reason.
      const detail = (evt as CustomEvent).detail as { imageId?: unknown; error?: { status?: number; request?: { status?: number } } };
      if (typeof detail.imageId === 'string' && !volume.imageIds.includes(detail.imageId)) return;
      failed++;
      const status = detail.error?.status ?? detail.error?.request?.status;
      lastError = status ? `HTTP ${status}` : 'the connection failed';
      this.store.set({ failedFrames: failed });
    };
    const onCompleted = (evt: Event) => {
      const detail = (evt as CustomEvent).detail as { volumeId: string };
      if (detail.volumeId !== volume.volumeId) return;
      this.clearStallTimer();
      failed = total - volume.cachedFrames.filter(Boolean).length;
      if (failed > 0) {
        this.store.set({ failedFrames: failed, framesLoaded: total - failed });
        this.store.set({
          phase: 'failed',
          message: `${failed} of ${total} images could not be loaded (${lastError || 'the connection failed'}). The server may be down or restarting.`,
        });
        return;
      }
      performance.mark('volume-loaded');
      console.info(`[viewer] volume loaded after ${Math.round(performance.now() - t0)} ms`);
      this.store.set({ phase: 'loaded', framesLoaded: total });
      this.show3d();
    };
    axialElement.addEventListener(CoreEnums.Events.IMAGE_RENDERED, onRendered);
    eventTarget.addEventListener(CoreEnums.Events.IMAGE_VOLUME_MODIFIED, onModified);
    eventTarget.addEventListener(CoreEnums.Events.IMAGE_LOAD_ERROR, onError);
    eventTarget.addEventListener(CoreEnums.Events.IMAGE_VOLUME_LOADING_COMPLETED, onCompleted);
    const stopBytes = watchFrameBytes((bytes) => this.store.set({ bytesLoaded: bytes }));
    this.bumpStallTimer();
    this.cleanups.push(() => {
      axialElement.removeEventListener(CoreEnums.Events.IMAGE_RENDERED, onRendered);
      eventTarget.removeEventListener(CoreEnums.Events.IMAGE_VOLUME_MODIFIED, onModified);
      eventTarget.removeEventListener(CoreEnums.Events.IMAGE_LOAD_ERROR, onError);
      eventTarget.removeEventListener(CoreEnums.Events.IMAGE_VOLUME_LOADING_COMPLETED, onCompleted);
      stopBytes();
    });
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

  private show3d(): void {
    if (!this.layout || !this.volume || this.destroyed) return;
    const engine = this.layout.engine;
    add3dViewport(engine, this.elements.volume3d);
    const viewport = engine.getViewport(VIEWPORT_3D) as Types.IVolumeViewport;
    void viewport.setVolumes([{ volumeId: this.volume.volumeId }]).then(() => {
      if (this.destroyed) return;
      viewport.setProperties({ preset: 'CT-Bone' } as never);
      // Coarser ray steps: software WebGL spends seconds per 3D frame at full quality.
      (viewport as unknown as { setSampleDistanceMultiplier?: (m: number) => void }).setSampleDistanceMultiplier?.(2);
      viewport.resetCamera();
      viewport.render();
    });
  }

  private attachReadout(): void {
    for (const v of MPR_VIEWPORTS) {
      const element = this.elements[v.id];
      const onMove = (e: MouseEvent) => {
        const viewport = this.layout?.engine.getViewport(v.id) as Types.IVolumeViewport | undefined;
        if (!viewport || !this.volume) return;
        const rect = element.getBoundingClientRect();
        const pos: Types.Point2 = [e.clientX - rect.left, e.clientY - rect.top];
        this.store.set({ readout: readoutAt(viewport, this.volume, this.slices, pos, v.label) });
      };
      const updateSliceLabel = () => {
        const viewport = this.layout?.engine.getViewport(v.id) as Types.IVolumeViewport | undefined;
        if (!viewport) return;
        const label = `${viewport.getSliceIndex() + 1}/${viewport.getNumberOfSlices()}`;
        if (this.store.sliceLabels[v.id] !== label) this.store.set({ sliceLabels: { ...this.store.sliceLabels, [v.id]: label } });
      };
      element.addEventListener('mousemove', onMove);
      element.addEventListener(CoreEnums.Events.CAMERA_MODIFIED, updateSliceLabel);
      element.addEventListener(CoreEnums.Events.VOLUME_NEW_IMAGE, updateSliceLabel);
      updateSliceLabel();
      this.cleanups.push(() => {
        element.removeEventListener('mousemove', onMove);
        element.removeEventListener(CoreEnums.Events.CAMERA_MODIFIED, updateSliceLabel);
        element.removeEventListener(CoreEnums.Events.VOLUME_NEW_IMAGE, updateSliceLabel);
      });
    }
  }

  applyPreset(preset: WindowPreset): void {
    this.setWindow(preset.widthHu, preset.centerHu, `${preset.label} W${preset.widthHu} L${preset.centerHu}`);
  }

  setWindow(widthHu: number, centerHu: number, label: string): void {
    if (!this.layout) return;
    for (const v of MPR_VIEWPORTS) {
      const viewport = this.layout.engine.getViewport(v.id) as Types.IVolumeViewport;
      viewport.setProperties({ voiRange: voiRange(widthHu, centerHu) });
      viewport.render();
    }
    this.store.set({ windowLabel: label });
  }

  resetView(): void {
    if (!this.layout) return;
    for (const v of MPR_VIEWPORTS) {
      const viewport = this.layout.engine.getViewport(v.id) as Types.IVolumeViewport;
      viewport.resetCamera();
      viewport.render();
    }
    this.applyPreset(WINDOW_PRESETS[0]);
  }

  setLeftTool(tool: 'windowLevel' | 'crosshairs'): void {
    this.layout?.setLeftTool(tool);
    this.store.set({ leftTool: tool });
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
    const v = this.volume;
    if (!v || !v.cachedFrames[k]) return null;
    return Number((v.voxelManager as unknown as { getAtIJK: (a: number, b: number, c: number) => number }).getAtIJK(i, j, k));
  }

  /** Source image of each volume slice k: SOP Instance UID and position (mm). */
  sliceSources(): Array<{ sopInstanceUid: string; positionMm: number[] }> {
    return this.slices.map((s) => ({ sopInstanceUid: s.sopInstanceUid, positionMm: [...s.positionMm] }));
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

  private fail(err: unknown): void {
    const message = err instanceof DicomwebError ? err.message : `Loading failed: ${err instanceof Error ? err.message : String(err)}`;
    this.store.set({ phase: 'failed', message });
  }

  destroy(): void {
    this.destroyed = true;
    this.abort.abort();
    this.clearStallTimer();
    this.cleanups.forEach((f) => f());
    this.cleanups = [];
    this.volume?.cancelLoading?.();
    this.layout?.destroy();
    this.layout = null;
  }
}
