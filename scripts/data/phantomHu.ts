// The chest phantom's anatomy as a pure function of position, shared by the DICOM series writer
// (syntheticCt.ts) and the render benchmark page, which builds the same volume in the browser.

function inEllipse(x: number, y: number, cx: number, cy: number, rx: number, ry: number): boolean {
  const dx = (x - cx) / rx;
  const dy = (y - cy) / ry;
  return dx * dx + dy * dy <= 1;
}

/**
 * HU of the phantom at a point in mm (x right-to-left of patient, y anterior-to-posterior,
 * z along the body). Body ellipse with a fat rim, two lungs, lesions, heart, spine, sternum.
 */
export function phantomHu(xMm: number, yMm: number, zMm: number, lengthMm: number): number {
  const zRel = zMm / lengthMm; // 0..1 from inferior to superior
  const taper = 1 - 0.25 * Math.abs(zRel - 0.45);
  if (!inEllipse(xMm, yMm, 0, 0, 160 * taper, 110 * taper)) return -1000;
  if (!inEllipse(xMm, yMm, 0, 0, 148 * taper, 98 * taper)) return -100; // subcutaneous fat
  if (inEllipse(xMm, yMm, 0, 78 * taper, 14, 14)) return 700; // vertebral body
  if (inEllipse(xMm, yMm, 0, -90 * taper, 12, 5)) return 600; // sternum
  const lungRx = 55 * taper;
  const lungRy = 75 * taper;
  const inLeftLung = inEllipse(xMm, yMm, 70 * taper, 0, lungRx, lungRy);
  const inRightLung = inEllipse(xMm, yMm, -70 * taper, 0, lungRx, lungRy);
  if (inLeftLung || inRightLung) {
    // lesions: ground-glass (-450) and consolidation (+10) spheres in both lungs
    const lesions: Array<[number, number, number, number, number]> = [
      [75, 20, 0.55, 18, -450],
      [-60, -25, 0.4, 12, 10],
      [-80, 30, 0.65, 20, -450],
      [60, -35, 0.3, 10, 10],
    ];
    for (const [lx, ly, lz, r, hu] of lesions) {
      const dz = zMm - lz * lengthMm;
      if ((xMm - lx * taper) ** 2 + (yMm - ly * taper) ** 2 + dz * dz <= r * r) return hu;
    }
    return -850;
  }
  if (inEllipse(xMm, yMm, 10, -20 * taper, 45 * taper, 40 * taper) && zRel < 0.7) return 40; // heart
  return 30; // mediastinum / muscle
}

/** Deterministic small noise, so the image is not flat but identical on every run. */
export function phantomNoise(i: number, seedNum: number): number {
  let h = (i ^ seedNum) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  return ((h & 0xff) / 255 - 0.5) * 20;
}

/** Position (mm) of the first pixel's centre: slices are centred on the body axis. */
export function phantomCornerMm(s: { rows: number; columns: number; pixelSpacingMm: number }): [number, number] {
  return [-((s.columns - 1) / 2) * s.pixelSpacingMm, -((s.rows - 1) / 2) * s.pixelSpacingMm];
}

export interface PhantomSlice {
  rows: number;
  columns: number;
  pixelSpacingMm: number;
  /** slice index k (for the noise pattern) and its z position in mm */
  k: number;
  zMm: number;
  lengthMm: number;
  seedNum: number;
}

/**
 * HU of one axial slice, centred on the body axis, written through `put(i, hu)` for each pixel
 * i = row * columns + column: the DICOM writer stores it as unsigned values, the render bench as
 * Int16 voxels.
 */
export function phantomSliceHu(s: PhantomSlice, put: (i: number, hu: number) => void): void {
  const [x0, y0] = phantomCornerMm(s);
  for (let r = 0; r < s.rows; r++) {
    const y = y0 + r * s.pixelSpacingMm;
    for (let c = 0; c < s.columns; c++) {
      const i = r * s.columns + c;
      put(i, phantomHu(x0 + c * s.pixelSpacingMm, y, s.zMm, s.lengthMm) + phantomNoise(i + s.k * 7919, s.seedNum));
    }
  }
}
