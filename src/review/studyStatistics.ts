// A study's statistics from every case's kept agreement (GET /api/studies/:id/agreement): the
// study summary of src/stats (kappas per form item, Fleiss' kappa, ICCs and Bland–Altman of lesion
// volume, the Dice histogram), the plots' geometry, and what the numbers leave out, said in words.
// Pure: it runs in a worker (workers/statistics.worker.ts: ~0.3 s for 5,000 cases of 3 reads and
// 10 items), the statistics screen shows it and the study report writes it out.
import { allItems, type FormSchema, type FormItemType } from '../form/formSchema.ts';
import type { StudyAgreement } from '../model/api.ts';
import { summarizeStudy, type FormItemKind, type PairDice, type StudyFormItem, type StudyRead, type StudySummary } from '../stats/studySummary.ts';
import { blandAltmanPlot, diceHistogramPlot, estimatePlot, formatFigure, readingTimePlot, type DiceCase, type EstimateRow, type PlotSpec, type TimedRead } from './plots.ts';

export interface StatsFormItem {
  id: string;
  label: string;
  type: FormItemType;
  /** the answers a choice item can have, as the agreement keeps them (the choice's code meaning) */
  categories: string[] | null;
  kind: FormItemKind;
}

/**
 * The form's items for the statistics. The schema (src/form/formSchema.ts) has no notion of an
 * ordinal item, so every choice item is nominal (unweighted kappa): ordered-looking choices
 * (none, mild, moderate, severe) are not taken as a scale unless the schema says so.
 */
export function statsFormItems(schema: FormSchema | null): StatsFormItem[] {
  if (!schema) return [];
  return allItems(schema).map((item) => ({
    id: item.id,
    label: item.label,
    type: item.type,
    categories: item.type === 'choice' ? [...new Set(item.choices.map((c) => c.code.meaning))] : null,
    kind: 'nominal',
  }));
}

export interface StatsReader {
  userId: number;
  name: string;
}

export interface VolumePair {
  readerA: StatsReader;
  readerB: StatsReader;
  plot: PlotSpec;
}

export interface StudyStatistics {
  studyId: number;
  studyName: string;
  /** ISO 8601 */
  generatedAt: string;
  summary: StudySummary;
  readers: StatsReader[];
  /** the items that have a kappa (choice items), in form order */
  items: StatsFormItem[];
  /** the summary's per-pair volume agreement, with the readers named and its plot */
  volumePairs: VolumePair[];
  /** Cohen's kappa per item and reader pair, and Fleiss' kappa, as a dot plot */
  kappaPlot: PlotSpec;
  /** ICC(2,1) and ICC(3,1) of lesion volume with their CIs */
  iccPlot: PlotSpec;
  dicePlot: PlotSpec;
  readingTimePlot: PlotSpec;
  /** case id → label */
  caseLabels: Record<number, string>;
  /** what the figures leave out or assume, for the screen and the report */
  notes: string[];
}

export function studyStatistics(params: {
  studyId: number;
  studyName: string;
  agreement: StudyAgreement;
  formItems: readonly StatsFormItem[];
  /** user id → the name to show; a reader not in it is "Reader <id>" */
  readerNames: Readonly<Record<number, string>>;
  generatedAt: string;
}): StudyStatistics {
  const { agreement } = params;
  const readerName = (userId: number) => params.readerNames[userId] ?? `Reader ${userId}`;
  const choiceItems = params.formItems.filter((i) => i.categories !== null && i.categories.length > 0);
  const categories = new Map(choiceItems.map((i) => [i.id, new Set(i.categories)]));
  const outside = new Map<string, number>();
  const reads: StudyRead[] = [];
  const pairDice: PairDice[] = [];
  const diceCases: DiceCase[] = [];
  const timed: TimedRead[] = [];
  const caseLabels: Record<number, string> = {};
  const userIds = new Set<number>();

  for (const c of agreement.cases) {
    caseLabels[c.caseId] = c.label;
    for (const r of c.agreement.reads) {
      userIds.add(r.userId);
      const answers: Record<string, string | null> = {};
      for (const [id, allowed] of categories) {
        const a = r.answers[id] ?? null;
        // An answer that is not one of the item's choices now (the form changed since) is left
        // out, and counted, rather than breaking the whole summary.
        if (a !== null && !allowed.has(a)) outside.set(id, (outside.get(id) ?? 0) + 1);
        answers[id] = a !== null && allowed.has(a) ? a : null;
      }
      reads.push({ caseId: String(c.caseId), readerId: String(r.userId), answers, lesionVolumeMl: Number.isFinite(r.lesionVolumeMl) && r.lesionVolumeMl >= 0 ? r.lesionVolumeMl : null });
      if (r.readingTimeS !== null) timed.push({ caseId: c.caseId, label: c.label, userId: r.userId, reader: readerName(r.userId), readingTimeS: r.readingTimeS });
    }
    const merged = c.agreement.pairs.filter((p) => p.segment === null);
    for (const p of merged) pairDice.push({ caseId: String(c.caseId), readerA: String(p.userA), readerB: String(p.userB), dice: Math.min(1, Math.max(0, p.figures.dice)) });
    if (merged.length) diceCases.push({ caseId: c.caseId, label: c.label, dice: Math.min(1, merged.reduce((s, p) => s + p.figures.dice, 0) / merged.length) });
  }

  const items: StudyFormItem[] = choiceItems.map((i) => ({ id: i.id, kind: i.kind, categories: i.categories! }));
  const summary = summarizeStudy({ items, reads, pairDice });
  const readers = [...userIds].sort((a, b) => a - b).map((userId) => ({ userId, name: readerName(userId) }));
  const byId = new Map(readers.map((r) => [String(r.userId), r]));

  // The Bland–Altman points, case by case, from the volumes the summary used.
  const volumeOf = new Map(reads.map((r) => [`${r.caseId}/${r.readerId}`, r.lesionVolumeMl]));
  const volumePairs: VolumePair[] = summary.volume.pairs.map((p) => {
    const readerA = byId.get(p.readerA)!;
    const readerB = byId.get(p.readerB)!;
    const points = p.caseIds.map((caseId) => ({ caseId: Number(caseId), label: caseLabels[Number(caseId)] ?? caseId, a: volumeOf.get(`${caseId}/${p.readerA}`)!, b: volumeOf.get(`${caseId}/${p.readerB}`)! }));
    const ba = p.blandAltman;
    return { readerA, readerB, plot: blandAltmanPlot({ readerA: readerA.name, readerB: readerB.name, points, bias: ba.bias, lowerLimit: ba.lowerLimit, upperLimit: ba.upperLimit }) };
  });

  const pairName = (a: string, b: string) => `${byId.get(a)?.name ?? a} / ${byId.get(b)?.name ?? b}`;
  const kappaRows: EstimateRow[] = summary.items.map((item) => ({
    label: choiceItems.find((i) => i.id === item.itemId)?.label ?? item.itemId,
    estimates: [
      ...item.pairs.map((p) => {
        const k = p.unweighted ?? p.linear;
        return { series: pairName(p.readerA, p.readerB), value: k?.kappa ?? null, note: k?.kappa != null ? `κ ${formatFigure(k.kappa, 3)} (n = ${p.n})` : (k?.reason ?? 'undefined') };
      }),
      { series: "Fleiss' κ (all readers)", value: item.fleiss.kappa, note: item.fleiss.kappa !== null ? `κ ${formatFigure(item.fleiss.kappa, 3)} (${item.fleiss.subjects} cases)` : (item.fleiss.reason ?? 'undefined') },
    ],
  }));
  const iccRow = (label: string, icc2: StudySummary['volume']['allReaders']['icc2'], icc3: StudySummary['volume']['allReaders']['icc3']): EstimateRow => ({
    label,
    estimates: [
      { series: 'ICC(2,1)', value: icc2.value, lower: icc2.lower, upper: icc2.upper, note: icc2.value !== null ? `${formatFigure(icc2.value, 3)} (CI ${formatFigure(icc2.lower, 3)} to ${formatFigure(icc2.upper, 3)})` : (icc2.reason ?? 'undefined') },
      { series: 'ICC(3,1)', value: icc3.value, lower: icc3.lower, upper: icc3.upper, note: icc3.value !== null ? `${formatFigure(icc3.value, 3)} (CI ${formatFigure(icc3.lower, 3)} to ${formatFigure(icc3.upper, 3)})` : (icc3.reason ?? 'undefined') },
    ],
  });
  const iccRows = [...summary.volume.pairs.map((p) => iccRow(pairName(p.readerA, p.readerB), p.icc2, p.icc3)), iccRow('All readers', summary.volume.allReaders.icc2, summary.volume.allReaders.icc3)];
  const pct = Math.round(summary.confidence * 100);

  const notes: string[] = [];
  if (choiceItems.length > 0) {
    notes.push(
      "The read form's schema does not mark any item as ordinal, so every choice item is treated as nominal: its Cohen's kappa is unweighted, and no linear or quadratic weighted kappa is given. Choices that look ordered (none, mild, moderate, severe) count as unordered categories.",
    );
  }
  const noKappa = params.formItems.filter((i) => i.categories === null);
  if (noKappa.length > 0) notes.push(`No kappa for items that are not choices (${noKappa.map((i) => i.label).join(', ')}): their answers are numbers or text.`);
  for (const [id, n] of outside) {
    const label = params.formItems.find((i) => i.id === id)?.label ?? id;
    notes.push(`${n} answer(s) to "${label}" are not among the item's current choices and were left out of its kappas.`);
  }
  notes.push('Lesion volume is the volume of all lesion segments of a read merged (every nonzero voxel).');
  notes.push("Per-case Dice is the mean of the Dice of the case's reader pairs, all lesion segments merged.");

  return {
    studyId: params.studyId,
    studyName: params.studyName,
    generatedAt: params.generatedAt,
    summary,
    readers,
    items: choiceItems,
    volumePairs,
    kappaPlot: estimatePlot('Kappa per form item (nominal, unweighted)', 'κ (0: chance agreement, 1: perfect)', kappaRows),
    iccPlot: estimatePlot(`ICC of lesion volume (${pct}% CI)`, 'ICC', iccRows),
    dicePlot: diceHistogramPlot(diceCases, 'mean over reader pairs, all lesions merged'),
    readingTimePlot: readingTimePlot(timed),
    caseLabels,
    notes,
  };
}

// Worker protocol (workers/statistics.worker.ts <-> statisticsWorkerClient.ts).
export type StatisticsWorkerRequest = Parameters<typeof studyStatistics>[0];
export type StatisticsWorkerResponse = { ok: true; statistics: StudyStatistics } | { ok: false; message: string };
