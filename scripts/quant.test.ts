// npm run quant, as a child process (tsx), on the shared COVID-19 CT and on inputs it must refuse.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHARED = join(ROOT, '../shared/data');
const temp = mkdtempSync(join(tmpdir(), 'quant-test-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function quant(...args: string[]) {
  return spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/quant.ts'), ...args], { encoding: 'utf8', timeout: 170_000 });
}

describe('npm run quant', () => {
  it('writes lungs, involvement, zones, lesions and slices for the COVID-19 CT, with progress on stderr', () => {
    const out = join(temp, 'result.json');
    const run = quant(join(SHARED, 'COVID-CT-01/dicom'), '--out', out);
    expect(run.stderr).toMatch(/quant: lung mask: .* \d+%/);
    expect(run.status).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    expect(result.lungs.right_ml).toBeGreaterThan(1000);
    expect(result.lungs.right_ml).toBeLessThan(4500);
    expect(result.lungs.left_ml).toBeGreaterThan(1000);
    expect(result.lungs.left_ml).toBeLessThan(result.lungs.right_ml);
    expect(Object.keys(result.involvement_pct).sort()).toEqual(['left', 'right', 'total']);
    expect(result.zones).toHaveLength(6);
    expect(result.severity_score_6zone).toBe(result.zones.reduce((n: number, z: { score: number }) => n + z.score, 0));
    expect(Array.isArray(result.lesions)).toBe(true);
    expect(result.slices).toHaveLength(133);
    expect(Object.keys(result.slices[0]).sort()).toEqual(['instanceNumber', 'lesion_ml', 'lung_ml', 'sopInstanceUid', 'z_mm']);
    expect(result.slices[0].instanceNumber).toBe(1);
    expect(result.timings_ms.lung_mask_ms).toBeGreaterThan(0);
  }, 180_000);

  it('refuses a series it cannot read with one line on stderr and exit code 2', () => {
    const dir = join(temp, 'mr');
    mkdirSync(dir);
    copyFileSync(join(SHARED, 'odd_dicom/pydicom/MR_small_bigendian.dcm'), join(dir, 'MR_small_bigendian.dcm'));
    const run = quant(dir, '--out', join(temp, 'mr.json'));
    expect(run.status).toBe(2);
    // Progress lines ("quant: read 5%") may come first; the error is one line.
    const lines = run.stderr.trim().split('\n').filter((l) => !/ \d+%$/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^quant: MR_small_bigendian\.dcm: .*Big Endian/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('skips files that are not DICOM with a note, and says when nothing is left', () => {
    const dir = join(temp, 'text');
    mkdirSync(dir);
    writeFileSync(join(dir, 'README.txt'), 'not an image\n');
    const run = quant(dir, '--out', join(temp, 'text.json'));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/note: README\.txt is not a DICOM Part 10 file; skipped/);
    expect(run.stderr).toMatch(/No DICOM files/);
  }, 60_000);

  it('prints the usage line on bad arguments', () => {
    const run = quant(join(SHARED, 'COVID-CT-01/dicom'));
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe('quant: usage: npm run quant -- DIR --out result.json   (DIR: the DICOM files of one CT series)');
  }, 60_000);
});
