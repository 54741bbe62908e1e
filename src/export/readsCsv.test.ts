import { describe, expect, it } from 'vitest';
import type { FormSchema } from '../form/formSchema.ts';
import type { CaseAgreement } from '../model/review.ts';
import { agreementCsv } from './agreementCsv.ts';
import { datasetReadme } from './datasetReadme.ts';
import { readsCsv, type ReadRow } from './readsCsv.ts';

const schema = {
  schemaId: 's', version: '1', title: 'T',
  sections: [{ id: 'a', title: 'A', items: [
    { id: 'emphysema', type: 'choice', label: 'Emphysema', concept: { value: 'E', scheme: '99X', meaning: 'Emphysema' }, choices: [] },
    { id: 'paTrunk', type: 'measurement', label: 'PA', concept: { value: 'P', scheme: '99X', meaning: 'PA' }, unit: { code: 'mm', meaning: 'millimeter' }, min: 0, max: 80 },
    { id: 'note', type: 'text', label: 'Note', concept: { value: 'N', scheme: '99X', meaning: 'Note' } },
  ] }],
} as unknown as FormSchema;

const read = (over: Partial<ReadRow>): ReadRow => ({
  case: 'CTAW-000001', caseLabel: 'case 1', reader: 'R01', consensus: false, openedAt: '2026-01-01T10:00:00.000Z', submittedAt: '2026-01-01T10:05:00.000Z', readingTimeS: 300,
  segments: [{ label: 'Ground-glass opacity', volumeMl: 12.5, lesion: true }, { label: 'Right lung', volumeMl: 2000, lesion: false }],
  answers: [
    { itemId: 'emphysema', concept: { value: 'E', scheme: '99X', meaning: 'Emphysema' }, kind: 'code', value: { value: '52101004', scheme: 'SCT', meaning: 'Present' } },
    { itemId: 'paTrunk', concept: { value: 'P', scheme: '99X', meaning: 'PA' }, kind: 'num', value: 31.5, unit: { code: 'mm', meaning: 'millimeter' } },
  ],
  involvement: null, segFile: 'cases/CTAW-000001/reads/R01.seg.dcm', problem: null, ...over,
});

function table(csv: string): Array<Record<string, string>> {
  const [head, ...rows] = csv.trimEnd().split('\r\n').map((l) => l.split(','));
  return rows.map((r) => Object.fromEntries(head.map((h, n) => [h, r[n]])));
}

describe('reads.csv', () => {
  it('writes one row per read with coded answers, numbers with units and volumes per segment', () => {
    const { csv, columns } = readsCsv([read({ reader: 'R02', answers: null, segments: null, segFile: null }), read({})], schema, ['Ground-glass opacity', 'Consolidation']);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = table(csv);
    expect(rows.map((r) => r.reader)).toEqual(['R01', 'R02']);
    expect(rows[0]).toMatchObject({
      case: 'CTAW-000001', consensus: '0', reading_time_s: '300', lesion_volume_ml: '12.5',
      'volume_ml_ground_glass_opacity': '12.5', volume_ml_consolidation: '', volume_ml_right_lung: '2000',
      emphysema: '52101004', emphysema_scheme: 'SCT', emphysema_meaning: 'Present', paTrunk: '31.5', paTrunk_unit: 'mm', note: '',
      severity_score_6zone: '',
    });
    expect(rows[1]).toMatchObject({ lesion_volume_ml: '', emphysema: '', seg_file: '' });
    expect(columns.map(([c]) => c)).toEqual(csv.split('\r\n')[0].split(','));
  });

  it('puts the consensus after the readers of its case', () => {
    const rows = table(readsCsv([read({ reader: 'L01', consensus: true }), read({ reader: 'R02' }), read({ case: 'CTAW-000000' })], null, []).csv);
    expect(rows.map((r) => `${r.case} ${r.reader} ${r.consensus}`)).toEqual(['CTAW-000000 R01 0', 'CTAW-000001 R02 0', 'CTAW-000001 L01 1']);
  });
});

describe('agreement.csv and README.txt', () => {
  it('names readers by pseudonym and writes no user id', () => {
    const figures = { dice: 0.8, jaccard: 0.8 / 1.2, voxelsA: 4, voxelsB: 4, volumeAMl: 4, volumeBMl: 3, volumeDiffMl: 1, volumeDiffPct: 28.5, hdMm: 10, hd95Mm: 10, msdMm: 2.5, lesionsA: 1, lesionsB: 1, matchedA: 1, matchedB: 1, missed: 0, extra: 0, lesionF1: 1 };
    const agreement = { caseId: 7, versions: [], pairs: [{ userA: 11, userB: 12, segment: null, figures }], form: [], reads: [], computedAt: '2026-01-01T00:00:00.000Z' } as CaseAgreement;
    const rows = table(agreementCsv([{ case: 'CTAW-000001', agreement }], (id) => (id === 11 ? 'R01' : 'R02')));
    expect(rows).toEqual([expect.objectContaining({ case: 'CTAW-000001', reader_a: 'R01', reader_b: 'R02', scope: 'all lesions', dice: '0.8', volume_diff_ml: '1' })]);
    expect(Object.keys(rows[0]).some((k) => /_id$/.test(k))).toBe(false);
  });

  it('explains every column of every table', () => {
    const { columns } = readsCsv([read({})], schema, []);
    const readme = datasetReadme({ studyName: 'S', software: 'ctaw 0.1.0', tables: [{ file: 'reads.csv', about: 'x', columns }] });
    for (const [name] of columns) expect(readme).toContain(`  ${name}`);
  });
});
