// The first slice on screen before the 3D machinery is up: the middle axial slice, painted on a
// plain 2D canvas over the axial view as soon as its frame arrives, in the window the view opens
// with. Starting WebGL and uploading the volume texture takes the better part of a second in
// software rendering; the reader sees the image meanwhile. The canvas is removed once the axial
// view draws the same slice itself. Nothing here depends on Cornerstone.
import type { VolumeGrid } from './volumeGrid.ts';

export interface AxialPlacement {
  /** mirror the columns / rows to show the slice as the axial view does (patient's right on the left, anterior up) */
  flipX: boolean;
  flipY: boolean;
  /** extent of the slice in mm, across and down the screen */
  widthMm: number;
  heightMm: number;
}

/**
 * How the axial view shows a slice of this grid, or null where the slices are not axial
 * (the preview is then skipped: the view will draw the first image itself).
 */
export function axialPlacement(grid: Pick<VolumeGrid, 'direction' | 'dimensions' | 'spacingMm'>): AxialPlacement | null {
  const [rx, ry, , cx, cy] = grid.direction;
  // LPS: screen right is the patient's left (+x), screen down is posterior (+y).
  if (Math.abs(rx) < 0.95 || Math.abs(cy) < 0.95 || Math.abs(ry) > 0.3 || Math.abs(cx) > 0.3) return null;
  return {
    flipX: rx < 0,
    flipY: cy < 0,
    widthMm: grid.dimensions[0] * grid.spacingMm[0],
    heightMm: grid.dimensions[1] * grid.spacingMm[1],
  };
}

/** HU to grey through a window, as RGBA into `out` (nx * ny * 4 bytes). */
export function windowToRgba(hu: Int16Array, widthHu: number, centerHu: number, out: Uint8ClampedArray): void {
  const lower = centerHu - widthHu / 2;
  const scale = 255 / widthHu;
  for (let i = 0, o = 0; i < hu.length; i++, o += 4) {
    const g = (hu[i] - lower) * scale; // Uint8ClampedArray clamps and rounds
    out[o] = g;
    out[o + 1] = g;
    out[o + 2] = g;
    out[o + 3] = 255;
  }
}

/** The largest rectangle of the slice's aspect that fits the box, centred (CSS pixels). */
export function fitRect(widthMm: number, heightMm: number, boxWidth: number, boxHeight: number): { x: number; y: number; width: number; height: number } {
  const scale = Math.min(boxWidth / widthMm, boxHeight / heightMm);
  const width = widthMm * scale;
  const height = heightMm * scale;
  return { x: (boxWidth - width) / 2, y: (boxHeight - height) / 2, width, height };
}

/** Paints the slice over `element`; returns a function that removes it. Null when the grid is not axial. */
export function showFirstSlice(
  element: HTMLElement,
  slice: Int16Array,
  grid: Pick<VolumeGrid, 'direction' | 'dimensions' | 'spacingMm'>,
  voi: { widthHu: number; centerHu: number },
): (() => void) | null {
  const placement = axialPlacement(grid);
  const box = element.getBoundingClientRect();
  if (!placement || box.width < 1 || box.height < 1) return null;
  const [nx, ny] = grid.dimensions;
  // The slice at its own size on a CPU canvas, scaled and mirrored by CSS: a GPU canvas and a
  // scaled drawImage cost up to ~100 ms more in software rendering.
  const canvas = document.createElement('canvas');
  canvas.className = 'first-slice-preview';
  canvas.width = nx;
  canvas.height = ny;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const image = ctx.createImageData(nx, ny);
  windowToRgba(slice, voi.widthHu, voi.centerHu, image.data);
  ctx.putImageData(image, 0, 0);
  const rect = fitRect(placement.widthMm, placement.heightMm, box.width, box.height);
  const backdrop = document.createElement('div');
  backdrop.style.cssText = 'position:absolute;inset:0;z-index:1;pointer-events:none;background:#000;overflow:hidden';
  canvas.style.cssText = `position:absolute;left:${rect.x}px;top:${rect.y}px;width:${rect.width}px;height:${rect.height}px;transform:scale(${placement.flipX ? -1 : 1},${placement.flipY ? -1 : 1})`;
  backdrop.appendChild(canvas);
  element.appendChild(backdrop);
  return () => backdrop.remove();
}
