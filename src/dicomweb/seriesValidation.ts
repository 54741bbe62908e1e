// Checks a series' metadata before any pixel is fetched: is it a CT, does it make one regular
// volume? Refuses what cannot be loaded, warns (and loads) where loading is still safe.
import { getNumber, getNumbers, getString, type DicomJsonDataset } from './dicomJson.ts';
import { CT_SOP_CLASSES, SOP_CLASS_NAMES, TAG } from './tags.ts';

export interface SliceInfo {
  sopInstanceUid: string;
  instanceNumber: number | undefined;
  positionMm: [number, number, number];
  /** distance along the slice normal (mm) */
  normalPositionMm: number;
  dataset: DicomJsonDataset;
}

export interface SeriesCheck {
  ok: true;
  slices: SliceInfo[]; // sorted along the normal, most inferior/first in volume order
  rows: number;
  columns: number;
  pixelSpacingMm: [number, number];
  sliceSpacingMm: number;
  warnings: string[];
}
export interface SeriesRefusal {
  ok: false;
  message: string;
}

// Spacing more than this fraction away from the median counts as uneven; a step of more than
// 1.5 median steps counts as a gap (missing slices).
const SPACING_TOLERANCE = 0.05;
const GAP_FACTOR = 1.5;
const ORIENTATION_TOLERANCE = 1e-3;

function cross(a: number[], b: number[]): [number, number, number] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function describeNonCt(ds: DicomJsonDataset): string {
  const sopClass = getString(ds, TAG.SOPClassUID) ?? '';
  const modality = getString(ds, TAG.Modality) ?? 'unknown modality';
  const what = SOP_CLASS_NAMES[sopClass] ?? `a ${modality} series`;
  return `This series is ${what === `a ${modality} series` ? what : `a ${what} series (modality ${modality})`}, not a CT image series. Only CT series can be opened for reading.`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function orientationKey(iop: number[]): string {
  return iop.map((v) => v.toFixed(3)).join(',');
}

export function checkSeries(instances: DicomJsonDataset[]): SeriesCheck | SeriesRefusal {
  if (instances.length === 0) return { ok: false, message: 'This series has no images.' };
  const notCt = instances.find((ds) => {
    const sopClass = getString(ds, TAG.SOPClassUID);
    const modality = getString(ds, TAG.Modality);
    return modality !== 'CT' || (sopClass !== undefined && !CT_SOP_CLASSES.has(sopClass));
  });
  if (notCt) return { ok: false, message: describeNonCt(notCt) };

  const warnings: string[] = [];
  const multiFrame = instances.find((ds) => (getNumber(ds, TAG.NumberOfFrames) ?? 1) > 1);
  if (multiFrame) return { ok: false, message: 'This CT series is stored as multi-frame images, which this viewer does not load yet.' };

  const missingGeometry = instances.filter(
    (ds) => !getNumbers(ds, TAG.ImagePositionPatient) || !getNumbers(ds, TAG.ImageOrientationPatient) || !getNumbers(ds, TAG.PixelSpacing) || !getNumber(ds, TAG.Rows) || !getNumber(ds, TAG.Columns),
  );
  if (missingGeometry.length === instances.length) {
    return { ok: false, message: 'The images of this series have no position, orientation or pixel spacing, so they cannot be stacked into a volume.' };
  }
  let usable = instances.filter((ds) => !missingGeometry.includes(ds));
  if (missingGeometry.length > 0) {
    warnings.push(`${missingGeometry.length} image(s) without position or orientation were left out.`);
  }

  // Mixed orientation (e.g. a localizer inside the series): keep the largest group.
  const groups = new Map<string, DicomJsonDataset[]>();
  for (const ds of usable) {
    const key = orientationKey(getNumbers(ds, TAG.ImageOrientationPatient)!);
    groups.set(key, [...(groups.get(key) ?? []), ds]);
  }
  if (groups.size > 1) {
    const largest = [...groups.values()].sort((a, b) => b.length - a.length)[0];
    warnings.push(`Mixed orientation: ${usable.length - largest.length} image(s) with a different orientation (a localizer?) were left out.`);
    usable = largest;
  }

  const rows = getNumber(usable[0], TAG.Rows)!;
  const columns = getNumber(usable[0], TAG.Columns)!;
  const sizeMismatch = usable.filter((ds) => getNumber(ds, TAG.Rows) !== rows || getNumber(ds, TAG.Columns) !== columns);
  if (sizeMismatch.length > 0) {
    return { ok: false, message: `The images of this series have different sizes (${rows}×${columns} and others), so they cannot be stacked into a volume.` };
  }

  const frames = new Set(usable.map((ds) => getString(ds, TAG.FrameOfReferenceUID) ?? ''));
  if (frames.size > 1) {
    warnings.push(`Several frames of reference (${frames.size}) in one series: positions may come from different acquisitions.`);
  }

  const iop = getNumbers(usable[0], TAG.ImageOrientationPatient)!;
  if (Math.abs(iop[0] * iop[3] + iop[1] * iop[4] + iop[2] * iop[5]) > ORIENTATION_TOLERANCE) {
    return { ok: false, message: 'The image orientation of this series is not orthogonal; the images cannot be placed in space.' };
  }
  const normal = cross(iop.slice(0, 3), iop.slice(3, 6));
  let slices: SliceInfo[] = usable.map((ds) => {
    const p = getNumbers(ds, TAG.ImagePositionPatient)! as [number, number, number];
    return {
      sopInstanceUid: getString(ds, TAG.SOPInstanceUID) ?? '',
      instanceNumber: getNumber(ds, TAG.InstanceNumber),
      positionMm: p,
      normalPositionMm: p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2],
      dataset: ds,
    };
  });
  slices.sort((a, b) => a.normalPositionMm - b.normalPositionMm);

  // The same position twice: keep the first, warn.
  const deduped: SliceInfo[] = [];
  for (const s of slices) {
    const prev = deduped[deduped.length - 1];
    if (prev && Math.abs(prev.normalPositionMm - s.normalPositionMm) < 1e-3) continue;
    deduped.push(s);
  }
  if (deduped.length < slices.length) {
    warnings.push(`${slices.length - deduped.length} image(s) share a position with another image and were left out.`);
    slices = deduped;
  }

  const pixelSpacing = getNumbers(usable[0], TAG.PixelSpacing)! as [number, number];
  let sliceSpacingMm = getNumber(usable[0], TAG.SliceThickness) ?? Math.min(...pixelSpacing);
  if (slices.length > 1) {
    const steps = slices.slice(1).map((s, i) => s.normalPositionMm - slices[i].normalPositionMm);
    const step = median(steps);
    sliceSpacingMm = step;
    const gaps = steps.map((d, i) => ({ d, i })).filter(({ d }) => d > GAP_FACTOR * step);
    if (gaps.length > 0) {
      const missing = gaps.reduce((n, { d }) => n + Math.round(d / step) - 1, 0);
      const first = gaps[0];
      const a = slices[first.i].instanceNumber;
      const b = slices[first.i + 1].instanceNumber;
      warnings.push(
        `Missing slices: about ${missing} slice(s) missing (first gap of ${first.d.toFixed(1)} mm between images ${a ?? '?'} and ${b ?? '?'}, expected ${step.toFixed(1)} mm). The missing positions are left empty, so distances stay exact.`,
      );
    }
    const uneven = steps.filter((d) => d <= GAP_FACTOR * step && Math.abs(d - step) > SPACING_TOLERANCE * step);
    if (uneven.length > 0) {
      const lo = Math.min(...uneven, step);
      const hi = Math.max(...uneven, step);
      warnings.push(`Uneven slice spacing: ${uneven.length} step(s) differ from ${step.toFixed(2)} mm (from ${lo.toFixed(2)} to ${hi.toFixed(2)} mm). Distances along the body axis are approximate.`);
    }
  }
  return { ok: true, slices, rows, columns, pixelSpacingMm: pixelSpacing, sliceSpacingMm, warnings };
}
