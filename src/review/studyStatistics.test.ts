import { describe, expect, it } from 'vitest';
import { parseFormSchema } from '../form/formSchema.ts';
import type { StudyAgreement } from '../model/api.ts';
import type { CaseAgreement, PairFigures } from '../model/review.ts';
import { statsFormItems, studyStatistics } from './studyStatistics.ts';
import { escapeHtml, plotSvg, studyReportHtml } from './exportReport.ts';

const code = (v: string) => ({ value: v, scheme: '99X', meaning: v });
const schema = parseFormSchema({
  schemaId: 's',
  version: '1',
  title: 'T',
  sections: [
    {
      id: 'a',
      title: 'A',
      items: [
        { id: 'pattern', type: 'choice', label: 'Pattern <b>', required: true, concept: code('P'), choices: [{ value: 't', label: 'Typical', code: code('Typical') }, { value: 'a', label: 'Atypical', code: code('Atypical') }] },
        { id: 'diameter', type: 'number', label: 'Diameter', required: false, concept: code('D'), unit: { code: 'mm', meaning: 'millimeter' }, min: 0, max: 100 },
      ],
    },
  ],
});

const figures = (dice: number): PairFigures => ({
  dice, jaccard: dice / (2 - dice), voxelsA: 1, voxelsB: 1, volumeAMl: 1, volumeBMl: 1, volumeDiffMl: 0, volumeDiffPct: 0,
  hdMm: 0, hd95Mm: 0, msdMm: 0, lesionsA: 1, lesionsB: 1, matchedA: 1, matchedB: 1, missed: 0, extra: 0, lesionF1: 1,
});

function agreement(caseId: number, dice: number, volumes: [number, number], answers: [string | null, string | null], times: [number | null, number | null]): CaseAgreement {
  return {
    caseId,
    versions: [],
    pairs: [{ userA: 1, userB: 2, segment: null, figures: figures(dice) }, { userA: 1, userB: 2, segment: 'GGO', figures: figures(0) }],
    form: [],
    reads: [1, 2].map((userId, i) => ({ userId, lesionVolumeMl: volumes[i], severityScore: null, answers: { pattern: answers[i], diameter: '12 mm' }, readingTimeS: times[i] })),
    computedAt: '2026-12-03T10:00:00.000Z',
  };
}

const study: StudyAgreement = {
  cases: [
    { caseId: 1, label: '<script>alert(1)</script>', agreement: agreement(1, 0.9, [10, 12], ['Typical', 'Typical'], [600, 300]) },
    { caseId: 2, label: 'Case 2', agreement: agreement(2, 0.5, [20, 19], ['Atypical', 'Typical'], [null, 120]) },
    { caseId: 3, label: 'Case 3', agreement: agreement(3, 0.7, [5, 7], ['Atypical', 'Atypical'], [60, 60]) },
    { caseId: 4, label: 'Case 4', agreement: agreement(4, 1, [0, 0], ['Old answer', 'Typical'], [null, null]) },
  ],
};
const names: Record<number, string> = { 1: 'Dr <img src=x onerror=alert(1)>', 2: 'B & C' };
const stats = studyStatistics({ studyId: 9, studyName: 'Study "9" <i>', agreement: study, formItems: statsFormItems(schema), readerNames: names, generatedAt: '2026-12-03T11:00:00.000Z' });

describe('studyStatistics', () => {
  it('has a kappa for choice items only, nominal, over the answers among the choices', () => {
    expect(stats.items.map((i) => [i.id, i.kind, i.categories])).toEqual([['pattern', 'nominal', ['Typical', 'Atypical']]]);
    const item = stats.summary.items[0];
    // Cases 1-3 (case 4's "Old answer" is not a choice): table [[1,0],[1,1]]: p_o = 2/3,
    // margins A (1, 2), B (2, 1): p_e = (1·2 + 2·1) / 9 = 4/9, κ = (2/3 − 4/9) / (5/9) = 0.4.
    expect(item.pairs[0].n).toBe(3);
    expect(item.pairs[0].unweighted?.kappa).toBeCloseTo(0.4, 12);
    expect(item.pairs[0].linear).toBeNull();
    expect(stats.notes.some((n) => n.includes('does not mark any item as ordinal'))).toBe(true);
    expect(stats.notes.some((n) => n.includes('1 answer(s) to "Pattern <b>"'))).toBe(true);
    expect(stats.notes.some((n) => n.includes('(Diameter)'))).toBe(true);
  });

  it('gives Bland–Altman of lesion volume per reader pair, with one point per case', () => {
    const pair = stats.summary.volume.pairs[0];
    expect(pair.n).toBe(4);
    // differences −2, 1, −2, 0: bias −0.75
    expect(pair.blandAltman.bias).toBeCloseTo(-0.75, 12);
    expect(stats.volumePairs[0].plot.points.map((p) => p.caseId)).toEqual([1, 2, 3, 4]);
    expect(stats.volumePairs[0].plot.lines.map((l) => l.kind)).toEqual(['zero', 'bias', 'limit', 'limit']);
    expect(stats.volumePairs[0].plot.points[0].tip).toContain('<script>');
  });

  it('plots the Dice of each case from its merged pairs and the reading time of each read', () => {
    expect(stats.summary.dice.cases).toBe(4);
    expect(stats.dicePlot.points.map((p) => p.caseId)).toEqual([2, 3, 1, 4]);
    expect(stats.readingTimePlot.points).toHaveLength(5);
    expect(stats.readingTimePlot.groups).toEqual([names[1], names[2]]);
  });
});

describe('studyReportHtml', () => {
  const html = studyReportHtml(stats, { figures: { dice: 'Dice <def>' } });

  it('escapes every text from the data', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<i>');
    expect(html).not.toContain('Pattern <b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Dr &lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('B &amp; C');
    expect(html).toContain('Dice &lt;def&gt;');
  });

  it('is one self-contained document with the tables, the plots and the definitions', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|src=["']?http|<link/i);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('Cohen&#39;s kappa per form item and reader pair');
    expect(html).toContain('0.400');
    expect((html.match(/<svg /g) ?? []).length).toBe(5);
    expect(html).toContain('<dt>dice</dt>');
  });

  it('names each point in its SVG title', () => {
    const svg = plotSvg(stats.dicePlot);
    expect(svg).toContain('<title>Case 2: Dice 0.500</title>');
  });
});
