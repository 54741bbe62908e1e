// The read's quantification wired to a stand-in of the contouring tools: lung masks taken from
// this device's copy, every changed voxel reaching the involvement, a wholesale replacement and a
// segment retyped as lung recounted, suggestions accepted as one edit of the active segment.
import 'fake-indexeddb/auto';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalDb } from '../storage/localDb.ts';
import { compressSlice } from '../storage/sliceCodec.ts';
import { useContouringStore } from '../stores/contouringStore.ts';
import { useQuantStore } from '../stores/quantStore.ts';
import type { LabelmapTools } from '../viewer/labelmapOwner.ts';
import { LUNG_MASK_METHOD, ReadQuantification } from './readQuantification.ts';

const dims: [number, number, number] = [4, 2, 6];
const voxels = 48;
const lesion = { value: '52988006', scheme: 'SCT', meaning: 'Lesion' };
const segment = (value: number, type = lesion) => ({ value, label: `S${value}`, color: [1, 2, 3] as [number, number, number], category: lesion, type, visible: true, locked: false });

function standIn() {
  const labels = new Uint8Array(voxels);
  const editor = { labelmap: { data: labels, dims, spacing: [1, 1, 1] }, onVoxelChanged: null as null | ((i: number, f: number, t: number) => void) };
  const contouring = {
    editor,
    onLabelmapReplaced: null as null | (() => void),
    overlayOf: vi.fn(() => ({ redraw: vi.fn(), remove: vi.fn() })),
    paintVoxels: vi.fn((indices: ArrayLike<number>) => {
      for (let n = 0; n < indices.length; n++) {
        editor.onVoxelChanged?.(indices[n], labels[indices[n]], 1);
        labels[indices[n]] = 1;
      }
      return indices.length;
    }),
  };
  const tools = {
    contouring,
    views: { volume: { scalars: new Int16Array(voxels), dims, spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, mprIds: ['axial'], elements: {}, engine: {} },
  } as unknown as LabelmapTools;
  return { labels, editor, contouring, tools };
}

/** Right lung i 0-1, left lung i 2-3, on every slice: 24 voxels each. */
function lungs(): Uint8Array {
  const mask = new Uint8Array(voxels);
  for (let n = 0; n < voxels; n++) mask[n] = n % 4 < 2 ? 1 : 2;
  return mask;
}

describe('the read quantification', () => {
  let db: LocalDb;
  beforeAll(async () => {
    vi.stubGlobal('requestAnimationFrame', (f: FrameRequestCallback) => {
      f(0);
      return 0;
    });
    db = new LocalDb(`quant-${Date.now()}`);
    await db.quant.put({ caseKey: 'st/se', user: 'Ann', method: LUNG_MASK_METHOD, dims, rightMl: 0.024, leftMl: 0.024, bytes: await compressSlice(lungs()), updatedAt: 1 });
  });
  let quant: ReadQuantification | null = null;
  afterEach(() => quant?.destroy());

  it('takes the lungs kept on this device and follows every changed voxel, a replacement and a retyped segment', async () => {
    useContouringStore.getState().set({ segments: [segment(1), segment(2)], activeValue: 1 });
    const { labels, editor, contouring, tools } = standIn();
    quant = new ReadQuantification(db, 'st/se', 'Ann', tools);
    await quant.start();
    expect(useQuantStore.getState().lungs).toMatchObject({ state: 'done', fromDraft: true, rightMl: 0.024, leftMl: 0.024 });
    expect(useQuantStore.getState().involvement?.involvement_pct.total).toBe(0);

    // Voxel 0 (right lung, slice 0) painted by some tool: its figures move at once.
    labels[0] = 2;
    editor.onVoxelChanged!(0, 0, 2);
    expect(useQuantStore.getState().involvement?.involvement_pct.right).toBe(100 / 24);

    // The whole labelmap replaced (a result loaded): recounted.
    labels.fill(1, 0, 4);
    contouring.onLabelmapReplaced!();
    expect(useQuantStore.getState().involvement?.involvement_pct).toEqual({ right: 200 / 24, left: 200 / 24, total: 400 / 48 });

    // Segment 1 retyped as the right lung: no longer a lesion.
    useContouringStore.getState().set({ segments: [segment(1, { value: '3341006', scheme: 'SCT', meaning: 'Right lung' }), segment(2)] });
    expect(useQuantStore.getState().involvement?.involvement_pct.total).toBe(0);

    // Showing the lungs draws the lung mask, not the labelmap.
    quant.showLungs(true);
    expect(contouring.overlayOf).toHaveBeenCalledTimes(1);
    expect(contouring.overlayOf.mock.calls[0]).toHaveLength(3);

    quant.destroy();
    quant = null;
    expect(editor.onVoxelChanged).toBeNull();
    expect(contouring.onLabelmapReplaced).toBeNull();
  });

  it('computes the lungs again when the copy here was made by another method or for another grid', async () => {
    await db.quant.put({ caseKey: 'st/old', user: 'Ann', method: 'older', dims, rightMl: 1, leftMl: 1, bytes: await compressSlice(lungs()), updatedAt: 1 });
    const { tools } = standIn();
    quant = new ReadQuantification(db, 'st/old', 'Ann', tools);
    // No worker in Node: asking for it fails, which is how a stale copy shows here.
    await quant.start();
    expect(useQuantStore.getState().lungs.state).toBe('failed');
  });
});

describe('a lesion suggestion in the read', () => {
  it('computes the lungs in the worker, previews a suggestion and writes only the accepted component, as one edit', async () => {
    useContouringStore.getState().set({ segments: [segment(1)], activeValue: 1 });
    const db = new LocalDb(`quant-s-${Date.now()}`);
    const { labels, contouring, tools } = standIn();
    // Component 1: voxels 0 and 8 (right lung, the two most caudal slices), component 2: voxel 47.
    const suggestion = new Uint16Array(voxels);
    suggestion[0] = 1;
    suggestion[8] = 1;
    suggestion[47] = 2;
    const worker = {
      lungs: vi.fn(async () => ({ labels: lungs(), rightMl: 0.024, leftMl: 0.024, timingsMs: {} })),
      suggest: vi.fn(async () => ({
        labels: suggestion,
        components: [
          { id: 1, voxels: 2, volume_ml: 0.002, bbox: [0, 0, 0, 0, 0, 1] as [number, number, number, number, number, number], centroid_ijk: [0, 0, 0.5] as [number, number, number], kind: 'ggo' as const },
          { id: 2, voxels: 1, volume_ml: 0.001, bbox: [3, 1, 5, 3, 1, 5] as [number, number, number, number, number, number], centroid_ijk: [3, 1, 5] as [number, number, number], kind: 'consolidation' as const },
        ],
        timingsMs: {},
      })),
      terminate: vi.fn(),
    };
    const quant = new ReadQuantification(db, 'st/se', 'Bo', tools, worker);
    await quant.start();
    expect(useQuantStore.getState().lungs).toMatchObject({ state: 'done', fromDraft: false });
    await vi.waitFor(async () => expect(await db.quant.get(['st/se', 'Bo'])).toMatchObject({ method: LUNG_MASK_METHOD, dims }));

    await quant.suggest();
    expect(useQuantStore.getState().suggestion.components.map((c) => c.id)).toEqual([1, 2]);
    expect(labels.every((v) => v === 0)).toBe(true);
    expect(Array.from(quant.componentVoxels(1))).toEqual([0, 8]);

    quant.accept([1]);
    expect(contouring.paintVoxels).toHaveBeenCalledTimes(1);
    expect(Array.from(contouring.paintVoxels.mock.calls[0][0] as Uint32Array)).toEqual([0, 8]);
    expect(useQuantStore.getState().suggestion.components.map((c) => c.id)).toEqual([2]);
    expect(useQuantStore.getState().involvement?.zones.find((z) => z.name === 'right_lower')?.lesion_ml).toBeCloseTo(0.002, 12);

    quant.discard();
    expect(useQuantStore.getState().suggestion.components).toEqual([]);
    expect(labels[47]).toBe(0);
    expect(contouring.paintVoxels).toHaveBeenCalledTimes(1);
    quant.destroy();
    expect(worker.terminate).toHaveBeenCalled();
  });
});

describe('the lesion figures of a read', () => {
  it('are asked for once painting pauses, not per voxel, and a submit gets those of the labelmap as it is; an empty one is not sent', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      useContouringStore.getState().set({ segments: [segment(1)], activeValue: 1 });
      const db = new LocalDb(`quant-f-${Date.now()}`);
      const { labels, editor, tools } = standIn();
      const figures = vi.fn(async (_ct: unknown, _lungs: Uint8Array, request: { labels: Uint8Array; lesionValues: number[] }) => ({
        lesions: request.labels.some((v) => v !== 0) ? [{ id: 1, volume_ml: request.labels.filter((v) => v !== 0).length / 1000 } as never] : [],
        lobes: null,
        severity_score_lobar: null,
      }));
      const worker = { lungs: vi.fn(async () => ({ labels: lungs(), rightMl: 0.024, leftMl: 0.024, timingsMs: {} })), suggest: vi.fn(), terminate: vi.fn(), figures };
      const quant = new ReadQuantification(db, 'st/se', 'Cy', tools, worker as never);
      await quant.start();
      await vi.advanceTimersByTimeAsync(1000);
      // Nothing painted, no lobe: the figures are known without the worker (and no labelmap copy).
      expect(figures).toHaveBeenCalledTimes(0);
      expect(useQuantStore.getState().figures).toMatchObject({ state: 'done', stale: false, result: { lesions: [], lobes: null, severity_score_lobar: null } });

      // A stroke of three voxels, 300 ms apart: no request while painting, one after the last.
      for (const n of [0, 8, 16]) {
        editor.onVoxelChanged?.(n, 0, 1);
        labels[n] = 1;
        await vi.advanceTimersByTimeAsync(300);
      }
      expect(figures).toHaveBeenCalledTimes(0);
      expect(useQuantStore.getState().figures.stale).toBe(true);
      await vi.advanceTimersByTimeAsync(800);
      expect(figures).toHaveBeenCalledTimes(1);
      expect(figures.mock.calls[0][2].lesionValues).toContain(1);
      expect(useQuantStore.getState().figures).toMatchObject({ state: 'done', stale: false });
      expect(useQuantStore.getState().figures.result?.lesions[0].volume_ml).toBe(0.003);

      // Painted just before the submit: it does not wait for the debounce, nor take the old figures.
      editor.onVoxelChanged?.(24, 0, 1);
      labels[24] = 1;
      const submitted = await quant.forSubmit();
      expect(figures).toHaveBeenCalledTimes(2);
      expect(submitted?.lesions.map((l) => l.volumeMl)).toEqual([0.004]);
      expect(submitted?.involvementPct.right).toBeCloseTo((100 * 4) / 24, 12);

      // All of it erased: known without the worker again; then one voxel painted: the worker again.
      for (const n of [0, 8, 16, 24]) {
        editor.onVoxelChanged?.(n, 1, 0);
        labels[n] = 0;
      }
      await vi.advanceTimersByTimeAsync(1200);
      expect(figures).toHaveBeenCalledTimes(2);
      expect(useQuantStore.getState().figures).toMatchObject({ state: 'done', stale: false, result: { lesions: [] } });
      editor.onVoxelChanged?.(8, 0, 1);
      labels[8] = 1;
      await vi.advanceTimersByTimeAsync(1200);
      expect(figures).toHaveBeenCalledTimes(3);
      expect(useQuantStore.getState().figures.result?.lesions[0].volume_ml).toBe(0.001);
      quant.destroy();
    } finally {
      vi.useRealTimers();
    }
  });
});
