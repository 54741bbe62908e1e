import { describe, expect, it } from 'vitest';
import type { CaseAgreement, PairFigures } from '../model/review.ts';
import { CSV_HEADER, agreementCsv, agreementTable, csvField, csvLine, definitionsCsv, fileSlug } from './exportCsv.ts';

const figures: PairFigures = {
  dice: 2 / 3, jaccard: 0.5, voxelsA: 6, voxelsB: 6, volumeAMl: 0.012, volumeBMl: 0.012, volumeDiffMl: -0.25, volumeDiffPct: null,
  hdMm: 1.4142135623730951, hd95Mm: null, msdMm: 0.5, lesionsA: 2, lesionsB: 2, matchedA: 2, matchedB: 1, missed: 0, extra: 1, lesionF1: 0.75,
};

function agreement(caseId: number): CaseAgreement {
  return {
    caseId,
    versions: [],
    pairs: [
      { userA: 1, userB: 2, segment: null, figures },
      { userA: 1, userB: 2, segment: 'Ground-glass, "GGO"', figures: { ...figures, dice: 1 } },
    ],
    form: [],
    reads: [],
    computedAt: '2026-12-03T10:00:00.000Z',
  };
}

describe('csvField', () => {
  it('quotes commas, quotes and line breaks, doubling quotes (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
  });

  it('writes numbers at full precision, and nothing for null or a non-finite number', () => {
    expect(csvField(2 / 3)).toBe('0.6666666666666666');
    expect(csvField(-0.25)).toBe('-0.25');
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
  });

  it('keeps a text that starts like a formula from running as one', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-Case')).toBe("'-Case");
    expect(csvField('@sum')).toBe("'@sum");
  });

  it('joins fields', () => {
    expect(csvLine(['a', 1, null, 'b,c'])).toBe('a,1,,"b,c"');
  });
});

describe('agreementCsv', () => {
  const names: Record<number, string> = { 1: 'Dr. A, senior', 2: 'B' };
  const csv = agreementCsv('Study "X"', [{ caseId: 12, label: 'Case 0012', agreement: agreement(12) }, { caseId: 3, label: 'Case 0003', agreement: agreement(3) }], (id) => names[id]);
  const lines = csv.split('\r\n');

  it('has a header row naming the figures as src/metrics does', () => {
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(CSV_HEADER).toContain('volume_diff_pct');
    expect(CSV_HEADER).toContain('hd95_mm');
    expect(CSV_HEADER).toContain('lesion_f1');
  });

  it('writes one row per case, reader pair and segment, cases in label order', () => {
    expect(lines).toHaveLength(1 + 4 + 1); // header, 2 cases × 2 pairs, final empty after the last CRLF
    expect(lines[5]).toBe('');
    expect(lines[1]).toBe(
      '"Study ""X""",3,Case 0003,1,"Dr. A, senior",2,B,all lesions,,0.6666666666666666,0.5,6,6,0.012,0.012,-0.25,,1.4142135623730951,,0.5,2,2,2,1,0,1,0.75,2026-12-03T10:00:00.000Z',
    );
    expect(lines[2]).toContain(',segment,"Ground-glass, ""GGO""",1,0.5,');
    expect(lines[3].split(',')[1]).toBe('12');
  });

  it('has as many fields in each row as in the header', () => {
    const fields = (line: string) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.filter((f) => f !== '').length;
    for (const line of lines.slice(1, 5)) expect(fields(line)).toBe(CSV_HEADER.length);
  });
});

describe('agreementTable', () => {
  it('writes the columns asked for, in the order asked, and the cases in the order given', () => {
    const csv = agreementTable([{ caseId: 12, label: 'Case 0012', agreement: agreement(12) }, { caseId: 3, label: 'Case 0003', agreement: agreement(3) }], (id) => `R${id}`, { columns: ['case', 'reader_b', 'dice'] });
    expect(csv.split('\r\n')).toEqual(['case,reader_b,dice', 'Case 0012,R2,0.6666666666666666', 'Case 0012,R2,1', 'Case 0003,R2,0.6666666666666666', 'Case 0003,R2,1', '']);
  });

  it('refuses a column it does not have', () => {
    expect(() => agreementTable([], String, { columns: ['case', 'patient_name'] })).toThrow(/no column patient_name/);
  });
});

describe('definitionsCsv', () => {
  it('lists each column with its definition, escaped', () => {
    const csv = definitionsCsv({ dice: 'Dice: 2·|A ∩ B| / (|A| + |B|), 1 when both are empty.' });
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('column,definition');
    expect(lines).toContain('dice,"Dice: 2·|A ∩ B| / (|A| + |B|), 1 when both are empty."');
  });
});

describe('fileSlug', () => {
  it('keeps a file name to safe characters', () => {
    expect(fileSlug('COVID-19 chest CT / "pilot"')).toBe('COVID-19-chest-CT-pilot');
    expect(fileSlug('../..')).toBe('study');
  });
});
