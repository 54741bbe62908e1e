// Draws the labelmap over one MPR view on a 2D canvas: the slice the view shows, one cell per
// voxel, filled translucent with the segment edges opaque. A brush stroke then costs a redraw of
// the cells it touched and one drawImage, never a WebGL render of the CT (which takes 50-150 ms
// a view in software WebGL and still several ms on a GPU).
import type { Types } from '@cornerstonejs/core';
import { axisOfNormal, ijkToWorld, worldToIJK, type GridFrame } from './brushGeometry.ts';
import { sliceAddress, type Axis, type SliceAddress, type VoxelBox } from './labelmapGrid.ts';

/** RGBA per label: fill and edge. Label 0 is transparent. */
export interface LabelColors {
  fill: Uint32Array;
  edge: Uint32Array;
}

export const FILL_ALPHA = 0.4;

export function makeLabelColors(): LabelColors {
  return { fill: new Uint32Array(256), edge: new Uint32Array(256) };
}

function rgba(r: number, g: number, b: number, a: number): number {
  // ImageData is RGBA in memory; a Uint32 view on a little-endian machine reads it as ABGR.
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

export function setLabelColor(colors: LabelColors, value: number, rgb: readonly number[] | null): void {
  colors.fill[value] = rgb ? rgba(rgb[0], rgb[1], rgb[2], Math.round(FILL_ALPHA * 255)) : 0;
  colors.edge[value] = rgb ? rgba(rgb[0], rgb[1], rgb[2], 255) : 0;
}

/**
 * Writes RGBA for the cells of `slice` in [u0..u1] × [v0..v1] into `pixels` (slice-sized, row
 * major): a cell on a segment's edge (a 4-neighbour in the slice holds another label) is opaque.
 */
export function paintSliceCells(labels: Uint8Array, slice: SliceAddress, colors: LabelColors, pixels: Uint32Array, u0: number, u1: number, v0: number, v1: number): void {
  const { width, height } = slice;
  for (let v = v0; v <= v1; v++) {
    for (let u = u0; u <= u1; u++) {
      const l = labels[slice.index(u, v)];
      if (l === 0) {
        pixels[u + width * v] = 0;
        continue;
      }
      const edge =
        (u > 0 && labels[slice.index(u - 1, v)] !== l) ||
        (u < width - 1 && labels[slice.index(u + 1, v)] !== l) ||
        (v > 0 && labels[slice.index(u, v - 1)] !== l) ||
        (v < height - 1 && labels[slice.index(u, v + 1)] !== l);
      pixels[u + width * v] = edge ? colors.edge[l] : colors.fill[l];
    }
  }
}

export class SliceOverlay {
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly cells: HTMLCanvasElement;
  private readonly cellsCtx: CanvasRenderingContext2D;
  private image: ImageData | null = null;
  private pixels: Uint32Array | null = null;
  private slice: SliceAddress | null = null;
  private readonly resize: ResizeObserver;

  constructor(
    private readonly element: HTMLElement,
    private readonly viewport: () => Types.IVolumeViewport | undefined,
    private readonly frame: GridFrame,
    private readonly labels: Uint8Array,
    private readonly colors: LabelColors,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'labelmap-overlay';
    this.canvas.setAttribute('aria-hidden', 'true');
    this.ctx = this.canvas.getContext('2d', { willReadFrequently: true })!;
    this.cells = document.createElement('canvas');
    this.cellsCtx = this.cells.getContext('2d', { willReadFrequently: true })!;
    element.append(this.canvas);
    this.resize = new ResizeObserver(() => this.refresh());
    this.resize.observe(element);
  }

  /** The slice the view shows now (axis and nearest voxel position), or null. */
  currentSlice(): { axis: Axis; position: number } | null {
    const vp = this.viewport();
    if (!vp) return null;
    const camera = vp.getCamera();
    if (!camera.viewPlaneNormal || !camera.focalPoint) return null;
    const axis = axisOfNormal(this.frame, camera.viewPlaneNormal);
    const position = Math.round(worldToIJK(this.frame, camera.focalPoint)[axis]);
    return position >= 0 && position < this.frame.dims[axis] ? { axis, position } : null;
  }

  /** Follows the view after a camera change: a new slice is re-read, a zoom or pan only redrawn. */
  sync(): void {
    const at = this.currentSlice();
    if (at && this.slice && at.axis === this.slice.axis && at.position === this.slice.position) this.draw();
    else this.refresh();
  }

  /** Re-reads the whole slice (the view moved to another slice, or colours changed). */
  refresh(): void {
    const at = this.currentSlice();
    if (!at) {
      this.slice = null;
      this.draw();
      return;
    }
    const slice = sliceAddress(this.frame.dims, at.axis, at.position);
    if (!this.image || this.image.width !== slice.width || this.image.height !== slice.height) {
      this.image = new ImageData(slice.width, slice.height);
      this.pixels = new Uint32Array(this.image.data.buffer);
      this.cells.width = slice.width;
      this.cells.height = slice.height;
    }
    this.slice = slice;
    paintSliceCells(this.labels, slice, this.colors, this.pixels!, 0, slice.width - 1, 0, slice.height - 1);
    this.cellsCtx.putImageData(this.image, 0, 0);
    this.draw();
  }

  /** Redraws only where an edit changed voxels, if the box crosses the slice shown. */
  update(box: VoxelBox): void {
    const slice = this.slice;
    const at = this.currentSlice();
    if (!slice || !at || at.axis !== slice.axis || at.position !== slice.position) return this.refresh();
    const a = slice.axis;
    if (slice.position < box.lo[a] || slice.position > box.hi[a]) return;
    // In-plane box, one cell wider: a neighbour's edge state may have changed.
    const [uAxis, vAxis] = a === 2 ? [0, 1] : a === 1 ? [0, 2] : [1, 2];
    const u0 = Math.max(0, box.lo[uAxis] - 1);
    const u1 = Math.min(slice.width - 1, box.hi[uAxis] + 1);
    const v0 = Math.max(0, box.lo[vAxis] - 1);
    const v1 = Math.min(slice.height - 1, box.hi[vAxis] + 1);
    paintSliceCells(this.labels, slice, this.colors, this.pixels!, u0, u1, v0, v1);
    this.cellsCtx.putImageData(this.image!, 0, 0, u0, v0, u1 - u0 + 1, v1 - v0 + 1);
    this.draw();
  }

  /** Places the slice's cells on the view with the camera as it is now. */
  draw(): void {
    const el = this.element;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(el.clientWidth * dpr));
    const h = Math.max(1, Math.round(el.clientHeight * dpr));
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const slice = this.slice;
    const vp = this.viewport();
    if (!slice || !vp) return;
    const cellWorld = (u: number, v: number) => {
      const ijk = [0, 0, 0];
      const [ua, va] = slice.axis === 2 ? [0, 1] : slice.axis === 1 ? [0, 2] : [1, 2];
      ijk[slice.axis] = slice.position;
      ijk[ua] = u;
      ijk[va] = v;
      return ijkToWorld(this.frame, ijk) as Types.Point3;
    };
    const p00 = vp.worldToCanvas(cellWorld(0, 0));
    const p10 = vp.worldToCanvas(cellWorld(1, 0));
    const p01 = vp.worldToCanvas(cellWorld(0, 1));
    ctx.imageSmoothingEnabled = false;
    ctx.setTransform(dpr * (p10[0] - p00[0]), dpr * (p10[1] - p00[1]), dpr * (p01[0] - p00[0]), dpr * (p01[1] - p00[1]), dpr * p00[0], dpr * p00[1]);
    // Cell (u, v) is centred on (u, v): its square spans u-0.5 … u+0.5.
    ctx.drawImage(this.cells, -0.5, -0.5);
  }

  destroy(): void {
    this.resize.disconnect();
    this.canvas.remove();
  }
}
