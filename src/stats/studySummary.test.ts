import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blandAltman } from './blandAltman.ts';
import { cohenKappa } from './cohenKappa.ts';
import { fleissKappa } from './fleissKappa.ts';
import { icc1, intraclassCorrelations, twoWayAnova } from './intraclassCorrelation.ts';
import { summarizeStudy, type StudyFormItem, type StudyRead } from './studySummary.ts';

const ITEMS: StudyFormItem[] = [
  { id: 'nodule', kind: 'nominal', categories: ['absent', 'present'] },
  { id: 'grade', kind: 'ordinal', categories: ['1', '2', '3'] },
];

// 4 readers, 6 cases, 3 reads per case except c5 (2: a missing read); r4 did not answer 'grade' on c3.
// [case, reader, nodule, grade, volume mL]
const ROWS: [string, string, string | null, string | null, number | null][] = [
  ['c1', 'r1', 'present', '3', 12.5], ['c1', 'r2', 'present', '2', 11.0], ['c1', 'r3', 'present', '3', 13.1],
  ['c2', 'r1', 'absent', '1', 0.0], ['c2', 'r2', 'absent', '1', 0.4], ['c2', 'r3', 'present', '2', 1.2],
  ['c3', 'r4', 'present', null, 30.2], ['c3', 'r1', 'present', '2', 28.0], ['c3', 'r2', 'absent', '2', 27.5],
  ['c4', 'r2', 'present', '3', 45.0], ['c4', 'r3', 'present', '3', null], ['c4', 'r4', 'present', '2', 41.3],
  ['c5', 'r1', 'absent', '1', 2.2], ['c5', 'r3', 'absent', '2', 2.0],
  ['c6', 'r3', 'present', '1', 8.8], ['c6', 'r1', 'absent', '1', 7.9], ['c6', 'r2', 'present', '2', 9.4],
];
const READS: StudyRead[] = ROWS.map(([caseId, readerId, nodule, grade, lesionVolumeMl]) => ({ caseId, readerId, answers: { nodule, grade, comment: 'ignored' }, lesionVolumeMl }));

const find = (c: string, r: string) => ROWS.find((x) => x[0] === c && x[1] === r);

/** The two readers' answers (category indices) on the cases both read and both answered, case order c1..c6. */
function pairAnswers(item: 0 | 1, a: string, b: string): [number[], number[]] {
  const col = item === 0 ? 2 : 3;
  const cats = ITEMS[item].categories;
  const xa: number[] = [];
  const xb: number[] = [];
  for (const c of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']) {
    const ra = find(c, a);
    const rb = find(c, b);
    if (ra && rb && ra[col] !== null && rb[col] !== null) {
      xa.push(cats.indexOf(ra[col] as string));
      xb.push(cats.indexOf(rb[col] as string));
    }
  }
  return [xa, xb];
}

describe('study summary', () => {
  const s = summarizeStudy({ items: ITEMS, reads: READS });

  it('forms reader pairs from the cases both read, in reader order', () => {
    expect(s.cases).toBe(6);
    expect(s.reads).toBe(17);
    expect(s.readers).toEqual(['r1', 'r2', 'r3', 'r4']);
    const pairs = s.items[0].pairs.map((p) => `${p.readerA}-${p.readerB}:${p.casesBothRead}`);
    expect(pairs).toEqual(['r1-r2:4', 'r1-r3:4', 'r1-r4:1', 'r2-r3:4', 'r2-r4:2', 'r3-r4:1']);
  });

  it("gives each pair Cohen's kappa over the cases both answered: unweighted for nominal, linear and quadratic for ordinal", () => {
    for (const p of s.items[0].pairs) {
      const [a, b] = pairAnswers(0, p.readerA, p.readerB);
      expect(p.n).toBe(a.length);
      expect(p.unweighted).toEqual(cohenKappa(a, b, 2, 'unweighted'));
      expect(p.linear).toBeNull();
      expect(p.quadratic).toBeNull();
    }
    for (const p of s.items[1].pairs) {
      const [a, b] = pairAnswers(1, p.readerA, p.readerB);
      expect(p.n).toBe(a.length);
      expect(p.unweighted).toBeNull();
      expect(p.linear).toEqual(cohenKappa(a, b, 3, 'linear'));
      expect(p.quadratic).toEqual(cohenKappa(a, b, 3, 'quadratic'));
    }
    // r2–r4 on 'grade': c3 is unanswered by r4, so only c4 remains.
    expect(s.items[1].pairs.find((p) => p.readerA === 'r2' && p.readerB === 'r4')!.n).toBe(1);
    // A hand value: r1–r2 on 'nodule', cases c1 c2 c3 c6: (P,P) (A,A) (P,A) (A,P) → p_o = ½, p_e = ½, κ = 0.
    expect(s.items[0].pairs[0].unweighted!.kappa).toBe(0);
  });

  it("takes Fleiss' kappa over the cases with the most common number of answers (3), from whichever readers", () => {
    // nodule: c5 has 2 reads → excluded. Rows (absent, present): c1 0 3, c2 2 1, c3 1 2, c4 0 3, c6 1 2.
    const nodule = s.items[0].fleiss;
    expect(nodule.ratersPerSubject).toBe(3);
    expect(nodule.subjects).toBe(5);
    expect(nodule.casesExcluded).toBe(1);
    const want = fleissKappa([0, 3, 2, 1, 1, 2, 0, 3, 1, 2], 2);
    expect(nodule.kappa).toBe(want.kappa);
    // grade: c3 has 2 answers and c5 has 2 → both excluded. Rows (1, 2, 3): c1 0 1 2, c2 2 1 0, c4 0 1 2, c6 2 1 0.
    const grade = s.items[1].fleiss;
    expect(grade.subjects).toBe(4);
    expect(grade.casesExcluded).toBe(2);
    expect(grade.kappa).toBe(fleissKappa([0, 1, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0], 3).kappa);
    expect(s.items[1].answers).toBe(16);
  });

  it('gives each pair Bland–Altman (readerA − readerB) and ICC(2,1), ICC(3,1) over the cases where both gave a volume', () => {
    for (const p of s.volume.pairs) {
      const a: number[] = [];
      const b: number[] = [];
      const ids: string[] = [];
      for (const c of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']) {
        const va = find(c, p.readerA)?.[4];
        const vb = find(c, p.readerB)?.[4];
        if (va != null && vb != null) {
          a.push(va);
          b.push(vb);
          ids.push(c);
        }
      }
      expect(p.n).toBe(a.length);
      expect(p.caseIds).toEqual(ids);
      expect(p.blandAltman).toEqual(blandAltman(a, b));
      if (a.length >= 2) {
        const want = intraclassCorrelations(a.flatMap((v, i) => [v, b[i]]), a.length, 2);
        expect(p.icc2).toEqual(want.icc2);
        expect(p.icc3).toEqual(want.icc3);
      } else {
        expect(p.icc2.value).toBeNull();
        expect(p.icc2.reason).toMatch(/at least 2/);
      }
    }
    // r3–r4: their only shared case, c4, has no volume from r3.
    const r34 = s.volume.pairs.find((p) => p.readerA === 'r3' && p.readerB === 'r4')!;
    expect(r34.n).toBe(0);
    expect(r34.blandAltman.bias).toBeNull();
    expect(s.volume.volumes).toBe(16);
  });

  it('says why ICC over all readers is unavailable when no case was read by all of them; ICC(1,1) covers the N-of-R design', () => {
    expect(s.volume.allReaders.cases).toBe(0);
    expect(s.volume.allReaders.icc2.value).toBeNull();
    expect(s.volume.allReaders.icc2.reason).toMatch(/all 4 readers/);
    // Cases with 3 volumes: c1, c2, c3, c6 (c4 lacks r3's, c5 has 2 reads); rows in reader order.
    const oneWay = s.volume.oneWay;
    expect(oneWay.readersPerCase).toBe(3);
    expect(oneWay.cases).toBe(4);
    expect(oneWay.casesExcluded).toBe(2);
    const x = [12.5, 11.0, 13.1, 0.0, 0.4, 1.2, 28.0, 27.5, 30.2, 7.9, 9.4, 8.8];
    expect(oneWay.icc1).toEqual(icc1(twoWayAnova(x, 4, 3)));
  });

  it('computes ICC(2,1), ICC(3,1) over all readers for a fully crossed study, columns in reader order', () => {
    const reads: StudyRead[] = [];
    const volumes = [[10, 12, 11], [20, 19, 23], [5, 6, 5.5], [33, 30, 31]];
    volumes.forEach((row, c) => row.forEach((v, j) => reads.push({ caseId: `k${c}`, readerId: ['b', 'c', 'a'][j], answers: {}, lesionVolumeMl: v })));
    const r = summarizeStudy({ items: [], reads }).volume.allReaders;
    // Readers sorted a, b, c: column a is the third value.
    const x = volumes.flatMap(([b, c, a]) => [a, b, c]);
    const want = intraclassCorrelations(x, 4, 3);
    expect(r.cases).toBe(4);
    expect(r.readers).toBe(3);
    expect(r.anova).toEqual(want.anova);
    expect(r.icc2).toEqual(want.icc2);
    expect(r.icc3).toEqual(want.icc3);
    expect(r.icc3.value).not.toBeNull();
  });

  it('histograms the per-case mean of the pair Dice values', () => {
    const r = summarizeStudy({
      items: ITEMS,
      reads: READS,
      pairDice: [
        { caseId: 'c1', readerA: 'r1', readerB: 'r2', dice: 0.8 },
        { caseId: 'c1', readerA: 'r3', readerB: 'r1', dice: 0.9 },
        { caseId: 'c1', readerA: 'r2', readerB: 'r3', dice: 0.7 }, // c1: mean 0.8 → bin 16
        { caseId: 'c2', readerA: 'r1', readerB: 'r2', dice: 0.1 }, // c2: 0.1 → bin 2
        { caseId: 'c5', readerA: 'r1', readerB: 'r3', dice: 1 }, // c5: 1 → bin 19
      ],
    }).dice;
    expect(r.binWidth).toBe(0.05);
    expect(r.cases).toBe(3);
    expect(r.pairs).toBe(5);
    const want = new Array(20).fill(0);
    want[16] = 1;
    want[2] = 1;
    want[19] = 1;
    expect(r.counts).toEqual(want);
  });

  it('gives null with a reason, never NaN, for degenerate items, and nothing NaN anywhere', () => {
    const reads = READS.map((r) => ({ ...r, answers: { ...r.answers, nodule: 'present' } }));
    const r = summarizeStudy({ items: ITEMS, reads });
    for (const p of r.items[0].pairs) {
      if (p.n > 0) expect(p.unweighted!.reason).toMatch(/expected agreement is 1/);
      expect(p.unweighted!.kappa).toBeNull();
    }
    expect(r.items[0].fleiss.kappa).toBeNull();
    const nan: string[] = [];
    const walk = (v: unknown, path: string): void => {
      if (typeof v === 'number') {
        if (Number.isNaN(v)) nan.push(path);
      } else if (v instanceof Float64Array) {
        v.forEach((x, i) => walk(x, `${path}[${i}]`));
      } else if (v && typeof v === 'object') {
        for (const [key, x] of Object.entries(v)) walk(x, `${path}.${key}`);
      }
    };
    walk(r, 'summary');
    walk(s, 'summary');
    expect(nan).toEqual([]);
  });

  it('handles an empty study', () => {
    const r = summarizeStudy({ items: ITEMS, reads: [] });
    expect(r.cases).toBe(0);
    expect(r.items[0].pairs).toEqual([]);
    expect(r.items[0].fleiss.kappa).toBeNull();
    expect(r.volume.allReaders.icc2.value).toBeNull();
    expect(r.volume.oneWay.icc1.value).toBeNull();
    expect(r.dice.counts).toEqual(new Array(20).fill(0));
  });

  it('refuses a repeated read, an answer outside the categories, a bad volume and Dice for reads that do not exist or twice', () => {
    const read = (caseId: string, readerId: string, extra: Partial<StudyRead> = {}): StudyRead => ({ caseId, readerId, answers: {}, lesionVolumeMl: null, ...extra });
    expect(() => summarizeStudy({ items: ITEMS, reads: [read('a', 'x'), read('a', 'y'), read('a', 'x')] })).toThrow(/reader "x" read case "a" twice/);
    expect(() => summarizeStudy({ items: ITEMS, reads: [read('a', 'x', { answers: { grade: '4' } })] })).toThrow(/answer "4" to item "grade"/);
    expect(() => summarizeStudy({ items: ITEMS, reads: [read('a', 'x', { lesionVolumeMl: -1 })] })).toThrow(/lesion volume -1/);
    expect(() => summarizeStudy({ items: ITEMS, reads: [read('a', 'x', { lesionVolumeMl: NaN })] })).toThrow(/lesion volume NaN/);
    const two = [read('a', 'x'), read('a', 'y')];
    expect(() => summarizeStudy({ items: ITEMS, reads: two, pairDice: [{ caseId: 'a', readerA: 'x', readerB: 'z', dice: 0.5 }] })).toThrow(/no such pair/);
    expect(() => summarizeStudy({ items: ITEMS, reads: two, pairDice: [{ caseId: 'a', readerA: 'x', readerB: 'x', dice: 0.5 }] })).toThrow(/no such pair/);
    expect(() => summarizeStudy({ items: ITEMS, reads: two, pairDice: [{ caseId: 'a', readerA: 'x', readerB: 'y', dice: 1.5 }] })).toThrow(/\[0, 1\]/);
    expect(() =>
      summarizeStudy({ items: ITEMS, reads: two, pairDice: [{ caseId: 'a', readerA: 'x', readerB: 'y', dice: 0.5 }, { caseId: 'a', readerA: 'y', readerB: 'x', dice: 0.5 }] }),
    ).toThrow(/given twice/);
    expect(() => summarizeStudy({ items: [ITEMS[0], ITEMS[0]], reads: [] })).toThrow(/appears twice/);
    expect(() => summarizeStudy({ items: ITEMS, reads: [], confidence: 95 })).toThrow(/confidence/);
    expect(() => summarizeStudy({ items: [{ id: 'q', kind: 'ordinal', categories: ['a', 'a'] }], reads: [] })).toThrow(/repeats a category/);
  });
});

describe('src/stats modules', () => {
  it('import nothing from node:* and touch no DOM (they run in a worker and in Node)', () => {
    const dir = import.meta.dirname;
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThanOrEqual(6);
    for (const f of sources) {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(text, f).not.toMatch(/from '(node:|fs|path|os|crypto)/);
      expect(text, f).not.toMatch(/\b(document|window|localStorage|navigator)\./);
      for (const m of text.matchAll(/from '([^']+)'/g)) expect(m[1], f).toMatch(/^\.\/[A-Za-z]+\.ts$/);
    }
  });
});
