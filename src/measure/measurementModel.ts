// A measurement the reader made on an MPR view, in patient space: a length (two points) or an
// elliptical ROI (the ellipse's major axis endpoints, then its minor axis endpoints, as DICOM SR
// writes an ELLIPSE), with the plane it was drawn in and the form item it fills, if any.
import { lengthMm, type RoiStats, type Vec3 } from './measurementMath.ts';

export type MeasurementKind = 'length' | 'ellipse';

export interface Measurement {
  id: string;
  kind: MeasurementKind;
  points: Vec3[];
  /** the view plane's normal when it was drawn (to show it on that plane again) */
  normal: Vec3;
  /** the form item whose value it gives */
  itemId: string | null;
  /** length in mm, or null for an ROI */
  lengthMm: number | null;
  stats: RoiStats | null;
  createdAt: number;
}

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const norm = (a: Vec3) => Math.hypot(a[0], a[1], a[2]);

/** The four ELLIPSE points (major axis first) of an ellipse given by centre and semi-axes. */
export function ellipsePoints(center: Vec3, axisA: Vec3, axisB: Vec3): Vec3[] {
  const [major, minor] = norm(axisA) >= norm(axisB) ? [axisA, axisB] : [axisB, axisA];
  return [sub(center, major), add(center, major), sub(center, minor), add(center, minor)];
}

/** Centre and semi-axes back from the four ELLIPSE points. */
export function ellipseAxes(points: Vec3[]): { center: Vec3; axisA: Vec3; axisB: Vec3 } {
  const [a0, a1, , b1] = points;
  const center: Vec3 = [(a0[0] + a1[0]) / 2, (a0[1] + a1[1]) / 2, (a0[2] + a1[2]) / 2];
  return { center, axisA: sub(a1, center), axisB: sub(b1, center) };
}

/** The number a form field takes from a measurement: mm rounded to 0.1 (a length, or an ROI's major diameter). */
export function measuredValueMm(m: Measurement): number {
  // The first two points are the line, or the ellipse's major axis.
  return Math.round(lengthMm(m.points[0], m.points[1]) * 10) / 10;
}

/** What the views label a measurement with. */
export function measurementLabel(m: Measurement): string {
  if (m.kind === 'length') return `${measuredValueMm(m).toFixed(1)} mm`;
  const s = m.stats;
  if (!s || s.voxelCount === 0) return 'no voxels';
  return `${s.meanHu.toFixed(0)} ± ${s.sdHu.toFixed(0)} HU, ${(s.areaMm2 / 100).toFixed(2)} cm²`;
}
