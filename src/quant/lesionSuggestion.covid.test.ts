// The lesion suggestion against the radiologists' slice labels of the shared COVID-19 CT
// (COVID-CT-MD P002: 133 slices, 68 labelled infected, left lower and upper lobe). Runs the whole
// pipeline as `npm run quant` does: Part 10 files → CT grid → lung masks → suggestion → slice flags.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ctSeriesFromPart10 } from './ctFromPart10.ts';
import { sliceFlags, sliceSummary, suggestLesions, type Suggestion } from './lesionSuggestion.ts';
import { segmentLungs } from './lungMask.ts';
import { zoneOfSlice } from './lungZones.ts';
import { lobeReport, sliceSensitivitySpecificity, suggestedVoxelsBySide } from './sliceAgreement.ts';
import type { CtVolume } from './ctVolume.ts';

const DIR = join(import.meta.dirname, '../../../shared/data/COVID-CT-01');
const SLOW_MS = 120_000;

interface LabelledSlice {
  SOPInstanceUID: string;
  infection: number;
  infected_lobes: string[];
}

let ct: CtVolume;
let lungs: Uint8Array;
let suggestion: Suggestion;
/** per grid slice k: the radiologists' flag and lobes */
let truth: Uint8Array;
let lobes: string[][];

describe.skipIf(!existsSync(DIR))('lesion suggestion on the shared COVID-19 CT', () => {
  beforeAll(() => {
    const names = readdirSync(join(DIR, 'dicom')).filter((n) => n.endsWith('.dcm')).sort();
    const series = ctSeriesFromPart10(names.map((n) => new Uint8Array(readFileSync(join(DIR, 'dicom', n)))));
    ct = series.ct;
    const bySop = new Map<string, LabelledSlice>();
    for (const s of JSON.parse(readFileSync(join(DIR, 'labels.json'), 'utf8')).slices as LabelledSlice[]) bySop.set(s.SOPInstanceUID, s);
    truth = new Uint8Array(ct.dims[2]);
    lobes = [];
    series.slices.forEach((slice, k) => {
      const label = slice === null ? undefined : bySop.get(slice.sopInstanceUid);
      if (label === undefined) throw new Error(`grid slice ${k} has no label`);
      truth[k] = label.infection;
      lobes.push(label.infected_lobes);
    });
    lungs = segmentLungs(ct).labels;
    suggestion = suggestLesions(ct, lungs);
  }, SLOW_MS);

  it('flags the infected slices: sensitivity and specificity against the radiologists', () => {
    const flags = sliceFlags(suggestion, ct.dims);
    const r = sliceSensitivitySpecificity(flags, truth);
    expect(r.tp + r.fn).toBe(68);
    // Issue 19's goal is ≥ 0.85 for both. Sensitivity meets it (measured 1.0: 68 of 68).
    // Specificity does not (measured 0.71, 19 of 65 unlabelled slices flagged, 2026-12-03): 12 of
    // them are the labelled lesions' own continuation 2–7 slices past the labelled ranges (the
    // left lower lobe lesion down to the posterior costophrenic recess and 2 slices up, the left
    // upper lobe lesion 3 slices up), the other 7 a GGO patch in the lingula on slices the labels
    // leave out. The left and right hilar vessels that were suggested too (6.5 mL and 0.8 mL,
    // under flagged slices) are gone since the lung mask leaves the hilum out (keepEnclosedHoles).
    // The floor is what the method reaches, to catch a regression; it is not the goal.
    expect(r.sensitivity).toBeGreaterThanOrEqual(0.85);
    expect(r.specificity).toBeGreaterThanOrEqual(SPECIFICITY_FLOOR);
  });

  it("says each slice's lesion volume, 0 exactly on the unflagged slices", () => {
    const flags = sliceFlags(suggestion, ct.dims);
    for (const s of sliceSummary(ct, lungs, suggestion)) expect(s.lesion_ml > 0).toBe(flags[s.k] === 1);
  });

  it('puts the suggestion in the left lung, where the radiologists named the lobes', () => {
    const report = lobeReport(suggestedVoxelsBySide(suggestion.labels, lungs, ct.dims), zoneOfSlice(lungs, ct.dims, ct.direction), lobes);
    // Every slice labelled LLL or LUL has suggested voxels in the left lung.
    expect(report.lobes.LLL.flagged_on_its_side / report.lobes.LLL.labelled_slices).toBeGreaterThanOrEqual(0.85);
    expect(report.lobes.LUL.flagged_on_its_side / report.lobes.LUL.labelled_slices).toBeGreaterThanOrEqual(0.85);
    // Most of the suggested volume is in the left lung.
    let left = 0;
    let total = 0;
    for (let p = 0; p < lungs.length; p++) {
      if (suggestion.labels[p] === 0) continue;
      total++;
      if (lungs[p] === 2) left++;
    }
    expect(left / total).toBeGreaterThan(0.5);
  });
});

const SPECIFICITY_FLOOR = 0.65;
