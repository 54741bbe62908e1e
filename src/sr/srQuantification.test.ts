// The quantification in the SR: written as an Imaging Measurements container after the answers,
// read back equal, valid to dciodvfy, and a form without it still the same answers as before.
import { describe, expect, it } from 'vitest';
import { encodeSr } from './srEncoder.ts';
import { decodeSr } from './srDecoder.ts';
import { dciodvfy, onPath } from '../dicom/dicomTools.testSupport.ts';
import { srQuantificationOf } from './srQuantification.ts';
import type { SrEncodeInput, SrQuantification } from './srModel.ts';
import type { Involvement } from '../quant/involvement.ts';
import type { LesionBiomarkers } from '../quant/lesionBiomarkers.ts';

const HAVE_DCIODVFY = onPath('dciodvfy');

function input(quantification?: SrQuantification): SrEncodeInput {
  return {
    source: {
      studyInstanceUid: '1.2.826.0.1.3680043.8.498.10',
      seriesInstanceUid: '1.2.826.0.1.3680043.8.498.11',
      frameOfReferenceUid: '1.2.826.0.1.3680043.8.498.12',
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      instanceUids: ['1.2.826.0.1.3680043.8.498.1.1'],
      patientName: 'Doe^Jane',
      patientId: 'SYN-001',
    },
    seg: { seriesInstanceUid: '1.2.826.0.1.3680043.8.498.20', sopInstanceUid: '1.2.826.0.1.3680043.8.498.21', sopClassUid: '1.2.840.10008.5.1.4.1.1.66.4' },
    schema: { id: 'chest-ct-covid', version: '2.1.0', title: 'COVID-19 chest CT' },
    answers: [{ itemId: 'count', concept: { value: 'COUNT', scheme: '99CTAW', meaning: 'Number of lesions' }, kind: 'num', value: 3, unit: { code: '1', meaning: 'no units' } }],
    reader: 'Doe^Jane',
    sopInstanceUid: '1.2.826.0.1.3680043.8.498.30',
    seriesInstanceUid: '1.2.826.0.1.3680043.8.498.31',
    seriesNumber: 902,
    instanceNumber: 1,
    contentDateTime: new Date(2024, 0, 2, 3, 4, 5),
    complete: true,
    ...(quantification ? { quantification } : {}),
  };
}

const QUANT: SrQuantification = {
  involvementPct: { right: 100 / 3, left: 0, total: 12.5 },
  severityScore6Zone: 7,
  lobes: [
    { name: 'RUL', pct: 0 },
    { name: 'RML', pct: 2.5 },
    { name: 'RLL', pct: 100 / 7 },
    { name: 'LUL', pct: 75 },
    { name: 'LLL', pct: 80 },
  ],
  severityScoreLobar: 14,
  lesions: [
    { id: 1, volumeMl: 12.345678901234567, huMean: -512.25, huSd: 101.1, ggoPct: 66.66666666666667, consolidationPct: 20, longestDiameterMm: 41.23105625617661, sphericity: 0.8123, distanceToPleuraMm: 0, lung: 'right', zone: 'right_lower' },
    { id: 2, volumeMl: 0.5, huMean: -700, huSd: 0, ggoPct: 100, consolidationPct: 0, longestDiameterMm: 0, sphericity: 1, distanceToPleuraMm: 3.5, lung: 'both', zone: 'left_upper' },
    { id: 3, volumeMl: 0.001, huMean: 40, huSd: 0, ggoPct: 0, consolidationPct: 100, longestDiameterMm: 0, sphericity: 1, distanceToPleuraMm: null, lung: 'none', zone: null },
  ],
};

describe('the quantification in the SR', () => {
  it('reads back exactly what was written, the answers unchanged beside it', () => {
    const decoded = decodeSr(encodeSr(input(QUANT)));
    expect(decoded.quantification).toEqual(QUANT);
    expect(decoded.answers).toEqual(decodeSr(encodeSr(input())).answers);
  });

  it('is absent from a form without it, which is the same bytes as before the quantification existed', () => {
    const decoded = decodeSr(encodeSr(input()));
    expect(decoded.quantification).toBeUndefined();
    // No lobes and no lesions: only the read's figures.
    const plain: SrQuantification = { involvementPct: { right: 0, left: 0, total: 0 }, severityScore6Zone: 0, lesions: [] };
    expect(decodeSr(encodeSr(input(plain))).quantification).toEqual(plain);
  });

  it('refuses a value a NUM cannot hold', () => {
    expect(() => encodeSr(input({ ...QUANT, severityScore6Zone: NaN }))).toThrow(/finite/);
  });

  it('maps the live involvement and the lesion biomarkers', () => {
    const b: LesionBiomarkers = {
      id: 1, voxels: 10, volume_ml: 0.01, hu_mean: -600, hu_sd: 5, hu_p10: -610, hu_p50: -600, hu_p90: -590, ggo_fraction: 0.75, consolidation_fraction: 0.25,
      surface_area_mm2: 30, sphericity: 0.9, longest_diameter_mm: 4, distance_to_pleura_mm: 2, lung: 'left', zone: 'left_lower', centroid_ijk: [1, 2, 3], centroid_lps_mm: [1, 2, 3],
    };
    const inv = { involvement_pct: { right: 1, left: 2, total: 1.5 }, severity_score_6zone: 3 } as Involvement;
    expect(srQuantificationOf(inv, { lesions: [b], lobes: null, severity_score_lobar: null })).toEqual({
      involvementPct: { right: 1, left: 2, total: 1.5 },
      severityScore6Zone: 3,
      lesions: [{ id: 1, volumeMl: 0.01, huMean: -600, huSd: 5, ggoPct: 75, consolidationPct: 25, longestDiameterMm: 4, sphericity: 0.9, distanceToPleuraMm: 2, lung: 'left', zone: 'left_lower' }],
    });
  });

  it.skipIf(!HAVE_DCIODVFY)('passes dciodvfy without errors', () => {
    const { errors, warnings } = dciodvfy(encodeSr(input(QUANT)), 'quant-sr.dcm');
    expect(errors).toEqual([]);
    console.log(`dciodvfy (quant SR): ${warnings.length} warning(s)${warnings.length ? `:\n${[...new Set(warnings)].slice(0, 8).join('\n')}` : ''}`);
  });
});
