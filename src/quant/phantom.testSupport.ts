// A synthetic chest CT for the quantification tests: anatomy in mm about the volume centre, so the
// same phantom comes out at 128×128×64 for fast tests and at 512×512×300 for the benchmark.
// LPS with identity direction: +x patient left, +y posterior, +z head. Deterministic (seeded).

import { LUNG, voxelMl, type CtVolume } from './ctVolume.ts';

export interface ChestPhantom {
  ct: CtVolume;
  truth: {
    /** LUNG values; the lungs are the two ellipsoids, vessels and lesions inside them included */
    lungs: Uint8Array;
    /** 1 = ground-glass lesion, 2 = consolidation */
    lesion: Uint8Array;
    /** 4/3·π·abc of each lung ellipsoid, mL */
    rightMlAnalytic: number;
    leftMlAnalytic: number;
    /** voxel count × voxel volume of the lesion truth, mL (so tests on the grid can be exact) */
    lesionMl: { ggo: number; consolidation: number };
  };
}

/** Field of view (mm) used when only dims are given: an adult chest fits with a margin. */
const DEFAULT_FOV_MM = 320;

// Ellipsoid lungs: centre and semi-axes in mm. The right lung is the larger one, as in adults.
const RIGHT_LUNG = { c: [-60, 0, 0], r: [48, 68, 125] } as const;
const LEFT_LUNG = { c: [60, 0, 0], r: [44, 65, 120] } as const;
const BODY = { rx: 145, ry: 100, fatMm: 10 };
const TABLE = { yTop: 108, thickness: 16, core: 8, halfWidth: 150 };
const TRACHEA = { x: 0, y: -10, carinaZ: 40, radius: 9 };
const BRONCHI = [
  { to: [-16, -5, 15], radius: 6 },
  { to: [20, -5, 20], radius: 5 },
] as const;
const VESSELS: { a: number[]; b: number[]; radius: number }[] = [
  { a: [-25, 0, 10], b: [-90, -30, 60], radius: 3 },
  { a: [-25, 5, 0], b: [-85, 30, -70], radius: 3 },
  { a: [-30, 0, 5], b: [-60, -40, -40], radius: 2.5 },
  { a: [28, 0, 10], b: [85, -30, 55], radius: 3 },
  { a: [28, 5, 0], b: [80, 25, -60], radius: 2.5 },
];
const GGO = { c: [-72, 12, -62], radius: 20, hu: -400 };
// Centred on the posterolateral surface of the left lower lung so it lies against the chest wall.
const CONSOLIDATION = { z: -50, angleDeg: 45, radius: 25, hu: 30 };
// Gas in the stomach under the left dome: an air pocket inside the body that is not lung.
const STOMACH = { c: [50, -20, -148], r: [25, 20, 14] } as const;

const HU = { air: -1000, fat: -100, tissue: 40, lung: -850, table: 150, tableCore: -950 } as const;
const NOISE_SD_HU = 12;

export function chestPhantom(opts?: {
  dims?: [number, number, number];
  spacing?: [number, number, number];
}): ChestPhantom {
  const dims: [number, number, number] = opts?.dims ?? [128, 128, 64];
  const spacing: [number, number, number] = opts?.spacing ?? [
    DEFAULT_FOV_MM / dims[0],
    DEFAULT_FOV_MM / dims[1],
    DEFAULT_FOV_MM / dims[2],
  ];
  const [nx, ny, nz] = dims;
  const origin: [number, number, number] = [
    (-(nx - 1) / 2) * spacing[0],
    (-(ny - 1) / 2) * spacing[1],
    (-(nz - 1) / 2) * spacing[2],
  ];
  const px = (i: number) => origin[0] + i * spacing[0];
  const py = (j: number) => origin[1] + j * spacing[1];
  const pz = (k: number) => origin[2] + k * spacing[2];
  const nxy = nx * ny;
  const n = nxy * nz;
  const hu = new Int16Array(n).fill(HU.air);
  const lungs = new Uint8Array(n);
  const lesion = new Uint8Array(n);

  // Body and table are the same on every slice: draw one slice, copy it.
  const slice = new Int16Array(nxy).fill(HU.air);
  const innerRx = BODY.rx - BODY.fatMm;
  const innerRy = BODY.ry - BODY.fatMm;
  for (let j = 0; j < ny; j++) {
    const y = py(j);
    for (let i = 0; i < nx; i++) {
      const x = px(i);
      const outer = (x / BODY.rx) ** 2 + (y / BODY.ry) ** 2;
      const p = i + nx * j;
      if (outer <= 1) {
        slice[p] = (x / innerRx) ** 2 + (y / innerRy) ** 2 <= 1 ? HU.tissue : HU.fat;
      } else if (y >= TABLE.yTop && y < TABLE.yTop + TABLE.thickness && Math.abs(x) <= TABLE.halfWidth) {
        // A hollow carbon table: enclosed air outside the body that must not become lung.
        const coreTop = TABLE.yTop + (TABLE.thickness - TABLE.core) / 2;
        const inCore = y >= coreTop && y < coreTop + TABLE.core && Math.abs(x) <= TABLE.halfWidth - 6;
        slice[p] = inCore ? HU.tableCore : HU.table;
      }
    }
  }
  for (let k = 0; k < nz; k++) hu.set(slice, k * nxy);

  // Box of voxel indices around a box in mm, clamped to the grid.
  const range = (lo: number, hi: number, o: number, s: number, len: number): [number, number] => [
    Math.max(0, Math.ceil((lo - o) / s)),
    Math.min(len - 1, Math.floor((hi - o) / s)),
  ];
  const forBox = (
    lo: readonly number[],
    hi: readonly number[],
    fn: (p: number, x: number, y: number, z: number) => void,
  ) => {
    const [i0, i1] = range(lo[0], hi[0], origin[0], spacing[0], nx);
    const [j0, j1] = range(lo[1], hi[1], origin[1], spacing[1], ny);
    const [k0, k1] = range(lo[2], hi[2], origin[2], spacing[2], nz);
    for (let k = k0; k <= k1; k++) {
      const z = pz(k);
      for (let j = j0; j <= j1; j++) {
        const y = py(j);
        const row = nx * (j + ny * k);
        for (let i = i0; i <= i1; i++) fn(row + i, px(i), y, z);
      }
    }
  };
  const segmentDist2 = (x: number, y: number, z: number, a: readonly number[], b: readonly number[]) => {
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const dz = b[2] - a[2];
    const len2 = dx * dx + dy * dy + dz * dz;
    let t = ((x - a[0]) * dx + (y - a[1]) * dy + (z - a[2]) * dz) / len2;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const ex = x - a[0] - t * dx;
    const ey = y - a[1] - t * dy;
    const ez = z - a[2] - t * dz;
    return ex * ex + ey * ey + ez * ez;
  };
  const tube = (a: readonly number[], b: readonly number[], r: number, fn: (p: number) => void) =>
    forBox(
      [Math.min(a[0], b[0]) - r, Math.min(a[1], b[1]) - r, Math.min(a[2], b[2]) - r],
      [Math.max(a[0], b[0]) + r, Math.max(a[1], b[1]) + r, Math.max(a[2], b[2]) + r],
      (p, x, y, z) => {
        if (segmentDist2(x, y, z, a, b) <= r * r) fn(p);
      },
    );
  const inEllipsoid = (x: number, y: number, z: number, c: readonly number[], r: readonly number[]) =>
    ((x - c[0]) / r[0]) ** 2 + ((y - c[1]) / r[1]) ** 2 + ((z - c[2]) / r[2]) ** 2 <= 1;

  // Airways first: the lungs are painted over them, so the bronchi end at the lung surface.
  const zTop = pz(nz - 1) + spacing[2];
  const carina = [TRACHEA.x, TRACHEA.y, TRACHEA.carinaZ];
  tube([TRACHEA.x, TRACHEA.y, zTop], carina, TRACHEA.radius, (p) => (hu[p] = HU.air));
  for (const b of BRONCHI) tube(carina, b.to, b.radius, (p) => (hu[p] = HU.air));

  for (const [lung, value] of [
    [RIGHT_LUNG, LUNG.right],
    [LEFT_LUNG, LUNG.left],
  ] as const) {
    const lo = lung.c.map((c, a) => c - lung.r[a]);
    const hi = lung.c.map((c, a) => c + lung.r[a]);
    forBox(lo, hi, (p, x, y, z) => {
      if (inEllipsoid(x, y, z, lung.c, lung.r)) {
        hu[p] = HU.lung;
        lungs[p] = value;
      }
    });
  }
  for (const v of VESSELS) {
    tube(v.a, v.b, v.radius, (p) => {
      if (lungs[p] !== LUNG.none) hu[p] = HU.tissue;
    });
  }

  // Seeded uniform in [0, 1): xorshift32, so the phantom is the same on every machine.
  let seed = 0x9e3779b9;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };

  const g = GGO;
  forBox(
    g.c.map((c) => c - g.radius),
    g.c.map((c) => c + g.radius),
    (p, x, y, z) => {
      const d2 = (x - g.c[0]) ** 2 + (y - g.c[1]) ** 2 + (z - g.c[2]) ** 2;
      if (d2 <= g.radius * g.radius && lungs[p] === LUNG.right) {
        // Ground glass is patchy: -500…-300 HU.
        hu[p] = Math.round(g.hu + (rand() - 0.5) * 160);
        lesion[p] = 1;
      }
    },
  );

  const zc = CONSOLIDATION.z;
  const scale = Math.sqrt(1 - ((zc - LEFT_LUNG.c[2]) / LEFT_LUNG.r[2]) ** 2);
  const ang = (CONSOLIDATION.angleDeg * Math.PI) / 180;
  const cc = [
    LEFT_LUNG.c[0] + LEFT_LUNG.r[0] * scale * Math.cos(ang),
    LEFT_LUNG.c[1] + LEFT_LUNG.r[1] * scale * Math.sin(ang),
    zc,
  ];
  const cr = CONSOLIDATION.radius;
  forBox(
    cc.map((c) => c - cr),
    cc.map((c) => c + cr),
    (p, x, y, z) => {
      const d2 = (x - cc[0]) ** 2 + (y - cc[1]) ** 2 + (z - cc[2]) ** 2;
      if (d2 <= cr * cr && lungs[p] === LUNG.left) {
        hu[p] = CONSOLIDATION.hu;
        lesion[p] = 2;
      }
    },
  );

  forBox(
    STOMACH.c.map((c, a) => c - STOMACH.r[a]),
    STOMACH.c.map((c, a) => c + STOMACH.r[a]),
    (p, x, y, z) => {
      if (inEllipsoid(x, y, z, STOMACH.c, STOMACH.r) && lungs[p] === LUNG.none) hu[p] = HU.air;
    },
  );

  // Approximately normal noise: the sum of four uniforms has variance 1/3.
  const noiseScale = NOISE_SD_HU * Math.sqrt(3);
  for (let p = 0; p < n; p++) {
    const e = (rand() + rand() + rand() + rand() - 2) * noiseScale;
    hu[p] = Math.max(-1024, Math.min(3071, Math.round(hu[p] + e)));
  }

  let ggo = 0;
  let consolidation = 0;
  for (let p = 0; p < n; p++) {
    if (lesion[p] === 1) ggo++;
    else if (lesion[p] === 2) consolidation++;
  }
  const ml = voxelMl(spacing);
  const ellipsoidMl = (r: readonly number[]) => ((4 / 3) * Math.PI * r[0] * r[1] * r[2]) / 1000;
  return {
    ct: { dims, spacing, origin, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], hu },
    truth: {
      lungs,
      lesion,
      rightMlAnalytic: ellipsoidMl(RIGHT_LUNG.r),
      leftMlAnalytic: ellipsoidMl(LEFT_LUNG.r),
      lesionMl: { ggo: ggo * ml, consolidation: consolidation * ml },
    },
  };
}
