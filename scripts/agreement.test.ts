// npm run agreement on files written here: the same labelmaps as NIfTI (a minimal NIfTI-1 header
// written by nifti.testSupport.ts) and as DICOM-SEG (the app's encoder) give the same JSON, and inputs on different
// grids give one line naming both and exit code 2.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { niftiBytes } from '../src/metrics/nifti.testSupport.ts';
import { agreementSummary, pairAgreement } from '../src/metrics/pairAgreement.ts';
import { encodeSeg } from '../src/seg/segEncoder.ts';
import type { SegGrid } from '../src/seg/segModel.ts';
import { SEGMENTS, slicesFor, tiltedGrid } from '../src/seg/segTestData.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'agreement-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function segBytes(labels: Uint8Array, grid: SegGrid): Uint8Array {
  return encodeSeg({
    source: { studyInstanceUid: '2.25.71', seriesInstanceUid: '2.25.72', frameOfReferenceUid: '2.25.73', grid, slices: slicesFor(grid.dims[2], [], '2.25.74') },
    labels,
    segments: SEGMENTS,
    reader: 'Reader^A',
    seriesDescription: 'agreement test',
    seriesNumber: 900,
    instanceNumber: 1,
    sopInstanceUid: `2.25.75${Math.floor(Math.random() * 1e9)}`,
    seriesInstanceUid: '2.25.76',
    contentDateTime: new Date(2026, 0, 1),
  }).bytes;
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(work, name);
  writeFileSync(path, bytes);
  return path;
}

function agreement(...args: string[]): { rc: number | null; json: Record<string, unknown> | null; stderr: string } {
  const run = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/agreement.ts'), ...args], { encoding: 'utf8' });
  return { rc: run.status, json: run.status === 0 ? JSON.parse(run.stdout) : null, stderr: run.stderr };
}

/** Balls of label value 1-3; B's are moved and resized, one missed, one added. */
function labelmaps(grid: SegGrid): [Uint8Array, Uint8Array] {
  const [nx, ny, nz] = grid.dims;
  const a = new Uint8Array(nx * ny * nz);
  const b = new Uint8Array(nx * ny * nz);
  const ball = (into: Uint8Array, c: number[], r: number, value: number) => {
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
      if (((i - c[0]) * 0.7) ** 2 + ((j - c[1]) * 0.9) ** 2 + ((k - c[2]) * 2.5) ** 2 <= r * r) into[i + nx * (j + ny * k)] = value;
    }
  };
  ball(a, [12, 10, 8], 5, 1);
  ball(b, [13, 11, 8], 5.5, 1);
  ball(a, [30, 28, 12], 6, 2);
  ball(b, [29, 28, 13], 5, 2);
  ball(a, [36, 8, 4], 3, 3); // missed by B
  ball(b, [8, 30, 16], 4, 3); // B only
  return [a, b];
}

describe('npm run agreement', () => {
  // Not axis-aligned; spacings a float32 holds exactly, as NIfTI's pixdim is float32 (0.7 mm in a
  // NIfTI header is 0.699999988 mm, and the figures then differ from a SEG's "0.7" in the 8th digit).
  const grid: SegGrid = { ...tiltedGrid(44, 36, 20), spacing: [0.75, 0.875, 2.5] };
  const [a, b] = labelmaps(grid);
  const niiA = write('a.nii', niftiBytes(a, grid));
  const niiB = write('b.nii.gz', gzipSync(niftiBytes(b, grid)));
  const segA = write('a.dcm', segBytes(a, grid));
  const segB = write('b.dcm', segBytes(b, grid));

  it('gives the same JSON for two NIfTI files, two SEGs and one of each, equal to pairAgreement', { timeout: 60_000 }, () => {
    const expected = agreementSummary(pairAgreement(a, b, grid.dims, grid.spacing));
    expect(expected.lesions_a).toBe(3);
    expect(expected.hd_mm).toBeGreaterThan(0);
    const fromNifti = agreement(niiA, niiB);
    expect(fromNifti.rc, fromNifti.stderr).toBe(0);
    expect(Object.keys(fromNifti.json!)).toEqual(['dice', 'jaccard', 'voxels_a', 'voxels_b', 'volume_a_ml', 'volume_b_ml', 'volume_diff_ml', 'hd_mm', 'hd95_mm', 'msd_mm', 'lesions_a', 'lesions_b', 'lesion_f1']);
    expect(fromNifti.json).toEqual(expected);
    for (const [x, y] of [[segA, segB], [niiA, segB], [segA, niiB]]) {
      const run = agreement(x, y);
      expect(run.rc, run.stderr).toBe(0);
      expect(run.json).toEqual(fromNifti.json);
    }
  });

  it('--segment compares one label value / Segment Number, --all prints every figure', { timeout: 60_000 }, () => {
    const expected = pairAgreement(a, b, grid.dims, grid.spacing, { segment: 2 });
    const fromNifti = agreement(niiA, niiB, '--segment', '2', '--all');
    expect(fromNifti.json).toEqual(expected);
    expect(agreement(segA, segB, '--segment', '2', '--all').json).toEqual(expected);
  });

  it('empty masks: Dice 1, distances null', { timeout: 60_000 }, () => {
    const empty = new Uint8Array(a.length);
    const niiEmpty = write('empty.nii', niftiBytes(empty, grid));
    const segEmpty = write('empty.dcm', segBytes(empty, grid));
    for (const [x, y] of [[niiEmpty, niiEmpty], [segEmpty, niiEmpty]]) {
      const run = agreement(x, y);
      expect(run.rc, run.stderr).toBe(0);
      expect(run.json).toEqual({ dice: 1, jaccard: 1, voxels_a: 0, voxels_b: 0, volume_a_ml: 0, volume_b_ml: 0, volume_diff_ml: 0, hd_mm: null, hd95_mm: null, msd_mm: null, lesions_a: 0, lesions_b: 0, lesion_f1: 1 });
    }
    expect(agreement(niiA, segEmpty).json).toMatchObject({ dice: 0, hd_mm: null, lesions_a: 3, lesions_b: 0, lesion_f1: 0 });
  });

  it('different grids: one line naming both geometries, exit code 2', { timeout: 60_000 }, () => {
    const coarser: SegGrid = { ...grid, spacing: [0.8, 0.875, 2.5] };
    const niiCoarse = write('coarse.nii', niftiBytes(a, coarser));
    const segCoarse = write('coarse.dcm', segBytes(a, coarser));
    const smaller: SegGrid = { ...grid, dims: [40, 36, 20] };
    const niiSmall = write('small.nii', niftiBytes(a.subarray(0, 40 * 36 * 20), smaller));
    for (const [x, y, reason] of [[niiA, niiCoarse, /spacing along i/], [niiA, niiSmall, /dims differ/], [segA, segCoarse, /spacing along i/], [niiSmall, segB, /frames of 44x36 pixels, not 40x36/]] as const) {
      const run = agreement(x, y);
      expect(run.rc).toBe(2);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^agreement: different grids: /);
      expect(lines[0]).toMatch(reason);
      expect(lines[0]).toMatch(x === niiSmall ? /40x36x20 voxels of 0\.75 x 0\.875 x 2\.5 mm/ : /44x36x\d+ voxels of 0\.75 x 0\.875 x 2\.5 mm/);
      expect(lines[0]).toMatch(y === niiCoarse || y === segCoarse ? /44x36x\d+ voxels of 0\.8 x 0\.875 x 2\.5 mm/ : /44x36x\d+ voxels of 0\.75 x 0\.875 x 2\.5 mm/);
    }
  });

  it('a NIfTI of 0.7 mm voxels (float32 pixdim) and a SEG of them agree to float32 precision', { timeout: 60_000 }, () => {
    const grid7 = tiltedGrid(44, 36, 20); // 0.7 x 0.9 x 2.5 mm
    const nii = write('a7.nii', niftiBytes(a, grid7));
    const seg = write('b7.dcm', segBytes(b, grid7));
    const mixed = agreement(nii, seg);
    expect(mixed.rc, mixed.stderr).toBe(0);
    const exact = agreementSummary(pairAgreement(a, b, grid7.dims, grid7.spacing));
    for (const [name, value] of Object.entries(exact)) expect(Math.abs((mixed.json![name] as number) - (value as number)), name).toBeLessThan(1e-6 * Math.max(1, Math.abs(value as number)));
  });

  it('an unreadable input or wrong arguments: a message and exit code 1', { timeout: 60_000 }, () => {
    const junk = write('junk.bin', new Uint8Array(400).fill(7));
    const bad = agreement(niiA, junk);
    expect(bad.rc).toBe(1);
    expect(bad.stderr).toMatch(/^agreement: B \(junk\.bin\)/);
    expect(agreement(niiA).rc).toBe(1);
    expect(agreement(niiA, niiB, '--segment', 'x').rc).toBe(1);
  });
});
