// Shared by the SEG encoder and decoder tests: a tilted grid, source slices, the study's
// segments, and whether a DICOM tool is installed.
import type { Segment } from '../model/segment.ts';
import type { SegGrid, SegSourceSlice } from './segModel.ts';

export { onPath } from '../dicom/dicomTools.testSupport.ts';

export const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
const LESION_CATEGORY = { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Abnormal Structure' };
export const SEGMENTS: Segment[] = [
  { value: 1, label: 'Ground-glass opacity', color: [255, 190, 40], category: LESION_CATEGORY, type: { value: '112120', scheme: 'DCM', meaning: 'Ground glass opacity' } },
  { value: 2, label: 'Consolidation', color: [230, 60, 60], category: LESION_CATEGORY, type: { value: '95436008', scheme: 'SCT', meaning: 'Lung consolidation' } },
  { value: 3, label: 'Other lesion', color: [80, 170, 255], category: LESION_CATEGORY, type: { value: '52988006', scheme: 'SCT', meaning: 'Lesion' } },
];

export function cross(a: readonly number[], b: readonly number[]): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** A tilted, rotated grid (30° about z, then 10° about the new x): orthonormal, not axis-aligned. */
export function tiltedGrid(nx: number, ny: number, nz: number): SegGrid {
  const a = Math.PI / 6;
  const b = Math.PI / 18;
  const iDir = [Math.cos(a), Math.sin(a), 0];
  const jDir = [-Math.sin(a) * Math.cos(b), Math.cos(a) * Math.cos(b), Math.sin(b)];
  return { dims: [nx, ny, nz], spacing: [0.7, 0.9, 2.5], origin: [-100.5, 20.25, -300], direction: [...iDir, ...jDir, ...cross(iDir, jDir)] };
}

/** A source CT image per slice, none at the `missing` positions. */
export function slicesFor(nz: number, missing: number[] = [], uidRoot = '1.2.826.0.1.3680043.8.498.1'): Array<SegSourceSlice | null> {
  return Array.from({ length: nz }, (_, k) => (missing.includes(k) ? null : { sopInstanceUid: `${uidRoot}.${k + 1}`, sopClassUid: CT_IMAGE }));
}
