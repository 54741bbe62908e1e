// Study-level agreement of a double-blind reading study: each case is read by N of the study's R
// readers; a read answers the form's items and contours lesions of a known total volume (mL); a
// pair of reads of one case may come with the Dice of their contours.
//
// What is computed, and over which cases:
//   Per form item (categories of nominal items in any order, of ordinal items lowest first):
//   - Cohen's kappa per reader pair (cohenKappa.ts): unweighted for nominal items, linear and
//     quadratic for ordinal items, over the cases both readers read and both answered the item.
//   - Fleiss' kappa across readers (fleissKappa.ts; nominal agreement, also given for ordinal items):
//     Fleiss' m is the most common number of answers a case has for the item (ties: the larger);
//     only cases with exactly m answers enter, from whichever readers gave them (Fleiss 1971 does not
//     need the same raters per subject). A case with a missing read or an unanswered item therefore
//     drops out of that item's Fleiss kappa (counted in casesExcluded) but still counts in every
//     pair whose two reads answered it.
//   Lesion volume (mL; a read without a volume is left out of everything below):
//   - Per reader pair, over the cases where both gave a volume: Bland–Altman (readerA − readerB,
//     blandAltman.ts) and ICC(2,1), ICC(3,1) with their CIs (k = 2, intraclassCorrelation.ts).
//   - allReaders: ICC(2,1), ICC(3,1) over the cases with a volume from every reader of the study, the
//     fully crossed design those two-way models assume. When each case is read by N < R readers no
//     case qualifies, and the result says so.
//   - oneWay: ICC(1,1) over the cases with volumes from exactly m readers (m the most common count,
//     ties: the larger), any m readers: Shrout & Fleiss' case 1, the model of an N-of-R design.
//   Dice: the per-case Dice is the mean of the Dice values given for that case's reader pairs; the
//   histogram (diceHistogram.ts) counts cases in 20 bins of 0.05.
// Reader pairs are ordered by reader id (code-unit order); readerA < readerB.
// Input is checked strictly: a reader reading a case twice, an answer outside its item's categories,
// a negative or non-finite volume, a Dice outside [0, 1] or for reads that do not exist, or a pair's
// Dice given twice, is a thrown error naming the case and reader(s), never a silently dropped value.
// Pure and allocation-light (typed arrays, indices), so it runs in a worker and in Node.
// Longer than most files here (~490 lines) for a reason: one pass builds the per-reader-pair and
// per-item tables that every statistic above reads; the statistics themselves are modules of their own.
import { blandAltman, type BlandAltmanResult } from './blandAltman.ts';
import { cohenKappaFromTable, type KappaResult } from './cohenKappa.ts';
import { diceHistogram, DICE_BIN_WIDTH } from './diceHistogram.ts';
import { fleissKappa, type FleissKappaResult } from './fleissKappa.ts';
import { icc1, icc2, icc3, twoWayAnova, type IccEstimate, type TwoWayAnova } from './intraclassCorrelation.ts';

export type FormItemKind = 'nominal' | 'ordinal';

export interface StudyFormItem {
  id: string;
  kind: FormItemKind;
  /** The answer values; for an ordinal item in the scale's order, lowest first. */
  categories: readonly string[];
}

export interface StudyRead {
  caseId: string;
  readerId: string;
  /** Answers by item id; null or absent = not answered. Keys that are not items are ignored. */
  answers: Readonly<Record<string, string | null | undefined>>;
  /** Total contoured lesion volume in mL; null = no volume for this read. */
  lesionVolumeMl: number | null;
}

export interface PairDice {
  caseId: string;
  readerA: string;
  readerB: string;
  dice: number;
}

export interface StudyInput {
  items: readonly StudyFormItem[];
  reads: readonly StudyRead[];
  pairDice?: readonly PairDice[];
  /** Level of the ICC confidence intervals (default 0.95). */
  confidence?: number;
}

export interface ReaderPairKappa {
  readerA: string;
  readerB: string;
  /** Cases both readers read. */
  casesBothRead: number;
  /** Of those, cases where both answered the item: the n of the kappas. */
  n: number;
  /** Nominal items only (null for ordinal). */
  unweighted: KappaResult | null;
  /** Ordinal items only (null for nominal). */
  linear: KappaResult | null;
  quadratic: KappaResult | null;
}

export interface ItemFleiss extends FleissKappaResult {
  /** Cases left out: answered by a number of readers other than ratersPerSubject (0 included). */
  casesExcluded: number;
}

export interface ItemAgreement {
  itemId: string;
  kind: FormItemKind;
  categories: string[];
  /** Reads that answered the item. */
  answers: number;
  pairs: ReaderPairKappa[];
  fleiss: ItemFleiss;
}

export interface PairVolumeAgreement {
  readerA: string;
  readerB: string;
  /** Cases where both gave a volume: the n of everything below. */
  n: number;
  /** Case ids of the Bland–Altman points, in their order. */
  caseIds: string[];
  blandAltman: BlandAltmanResult;
  icc2: IccEstimate;
  icc3: IccEstimate;
}

export interface AllReadersIcc {
  /** R, the readers of the study. */
  readers: number;
  /** Cases with a volume from every one of them. */
  cases: number;
  anova: TwoWayAnova | null;
  icc2: IccEstimate;
  icc3: IccEstimate;
}

export interface OneWayIcc {
  /** m: volumes per case used. */
  readersPerCase: number;
  cases: number;
  /** Cases with a number of volumes other than m (0 included). */
  casesExcluded: number;
  icc1: IccEstimate;
}

export interface VolumeAgreement {
  /** Reads with a volume. */
  volumes: number;
  pairs: PairVolumeAgreement[];
  allReaders: AllReadersIcc;
  oneWay: OneWayIcc;
}

export interface DiceSummary {
  binWidth: number;
  /** Cases per bin, bin b from b·binWidth. */
  counts: number[];
  /** Cases with at least one pair Dice. */
  cases: number;
  /** Pair Dice values given. */
  pairs: number;
}

export interface StudySummary {
  cases: number;
  /** Reader ids in code-unit order: the order of the pairs. */
  readers: string[];
  reads: number;
  confidence: number;
  items: ItemAgreement[];
  volume: VolumeAgreement;
  dice: DiceSummary;
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function unavailable(reason: string): IccEstimate {
  return { value: null, lower: null, upper: null, reason, f: null, df1: 0, df2: 0 };
}

/** The most common value of counts[i] ≥ 1 (ties: the larger); 0 when there is none. */
function modalCount(counts: Int32Array): number {
  const freq = new Map<number, number>();
  for (let i = 0; i < counts.length; i++) if (counts[i] > 0) freq.set(counts[i], (freq.get(counts[i]) ?? 0) + 1);
  let best = 0;
  let bestFreq = 0;
  for (const [value, f] of freq) if (f > bestFreq || (f === bestFreq && value > best)) [best, bestFreq] = [value, f];
  return best;
}

function checkItems(items: readonly StudyFormItem[]): void {
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) throw new Error(`study summary: item "${item.id}" appears twice`);
    ids.add(item.id);
    if (item.kind !== 'nominal' && item.kind !== 'ordinal') throw new Error(`study summary: item "${item.id}" has kind "${String(item.kind)}"`);
    if (item.categories.length === 0) throw new Error(`study summary: item "${item.id}" has no categories`);
    if (new Set(item.categories).size !== item.categories.length) throw new Error(`study summary: item "${item.id}" repeats a category`);
  }
}

interface ReaderPair {
  a: number;
  b: number;
  /** Read indices of reader a and reader b, case by case. */
  readsA: number[];
  readsB: number[];
}

export function summarizeStudy(input: StudyInput): StudySummary {
  const confidence = input.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`study summary: confidence must be in (0, 1), got ${confidence}`);
  const { items, reads } = input;
  checkItems(items);
  const nReads = reads.length;

  // Readers in code-unit order, cases in order of first appearance.
  const readers = [...new Set(reads.map((r) => r.readerId))].sort(byCodeUnit);
  const R = readers.length;
  const readerIndex = new Map(readers.map((id, i) => [id, i]));
  const caseIds: string[] = [];
  const caseIndex = new Map<string, number>();
  const readCase = new Int32Array(nReads);
  const readReader = new Int32Array(nReads);
  for (let t = 0; t < nReads; t++) {
    const r = reads[t];
    let c = caseIndex.get(r.caseId);
    if (c === undefined) {
      c = caseIds.length;
      caseIndex.set(r.caseId, c);
      caseIds.push(r.caseId);
    }
    readCase[t] = c;
    readReader[t] = readerIndex.get(r.readerId)!;
  }
  const C = caseIds.length;

  // Reads grouped by case (counting sort), each case's reads in reader order.
  const caseStart = new Int32Array(C + 1);
  for (let t = 0; t < nReads; t++) caseStart[readCase[t] + 1]++;
  for (let c = 0; c < C; c++) caseStart[c + 1] += caseStart[c];
  const byCase = new Int32Array(nReads);
  const fill = caseStart.slice(0, C);
  for (let t = 0; t < nReads; t++) byCase[fill[readCase[t]]++] = t;
  for (let c = 0; c < C; c++) {
    const s = caseStart[c];
    const e = caseStart[c + 1];
    for (let i = s + 1; i < e; i++) {
      const t = byCase[i];
      let j = i - 1;
      while (j >= s && readReader[byCase[j]] > readReader[t]) {
        byCase[j + 1] = byCase[j];
        j--;
      }
      byCase[j + 1] = t;
    }
    for (let i = s + 1; i < e; i++) {
      if (readReader[byCase[i]] === readReader[byCase[i - 1]]) {
        throw new Error(`study summary: reader "${readers[readReader[byCase[i]]]}" read case "${caseIds[c]}" twice`);
      }
    }
  }

  // Reader pairs from the cases both read.
  const pairSlot = new Map<number, number>();
  const pairs: ReaderPair[] = [];
  for (let c = 0; c < C; c++) {
    for (let i = caseStart[c]; i < caseStart[c + 1]; i++) {
      for (let j = i + 1; j < caseStart[c + 1]; j++) {
        const ta = byCase[i];
        const tb = byCase[j];
        const key = readReader[ta] * R + readReader[tb];
        let slot = pairSlot.get(key);
        if (slot === undefined) {
          slot = pairs.length;
          pairSlot.set(key, slot);
          pairs.push({ a: readReader[ta], b: readReader[tb], readsA: [], readsB: [] });
        }
        pairs[slot].readsA.push(ta);
        pairs[slot].readsB.push(tb);
      }
    }
  }
  pairs.sort((p, q) => p.a - q.a || p.b - q.b);

  const itemResults = items.map((item) => summarizeItem(item, reads, pairs, readers, caseStart, byCase, C));
  const volume = summarizeVolume(reads, pairs, readers, caseIds, caseStart, byCase, readReader, confidence);
  const dice = summarizeDice(input.pairDice ?? [], caseIndex, readerIndex, readCase, readReader, R, C);
  return { cases: C, readers, reads: nReads, confidence, items: itemResults, volume, dice };
}

function summarizeItem(
  item: StudyFormItem,
  reads: readonly StudyRead[],
  pairs: ReaderPair[],
  readers: string[],
  caseStart: Int32Array,
  byCase: Int32Array,
  C: number,
): ItemAgreement {
  const K = item.categories.length;
  const categoryIndex = new Map(item.categories.map((c, i) => [c, i]));
  const answer = new Int32Array(reads.length);
  let answers = 0;
  for (let t = 0; t < reads.length; t++) {
    const v = reads[t].answers[item.id];
    if (v === null || v === undefined) {
      answer[t] = -1;
      continue;
    }
    const idx = categoryIndex.get(v);
    if (idx === undefined) {
      throw new Error(`study summary: case "${reads[t].caseId}", reader "${reads[t].readerId}": answer "${v}" to item "${item.id}" is not one of its categories`);
    }
    answer[t] = idx;
    answers++;
  }

  const table = new Float64Array(K * K);
  const pairResults: ReaderPairKappa[] = pairs.map((p) => {
    table.fill(0);
    let n = 0;
    for (let i = 0; i < p.readsA.length; i++) {
      const x = answer[p.readsA[i]];
      const y = answer[p.readsB[i]];
      if (x >= 0 && y >= 0) {
        table[x * K + y]++;
        n++;
      }
    }
    const nominal = item.kind === 'nominal';
    return {
      readerA: readers[p.a],
      readerB: readers[p.b],
      casesBothRead: p.readsA.length,
      n,
      unweighted: nominal ? cohenKappaFromTable(table, K, 'unweighted') : null,
      linear: nominal ? null : cohenKappaFromTable(table, K, 'linear'),
      quadratic: nominal ? null : cohenKappaFromTable(table, K, 'quadratic'),
    };
  });

  // Fleiss: the cases with exactly m answers.
  const answered = new Int32Array(C);
  for (let c = 0; c < C; c++) for (let i = caseStart[c]; i < caseStart[c + 1]; i++) if (answer[byCase[i]] >= 0) answered[c]++;
  const m = modalCount(answered);
  let included = 0;
  for (let c = 0; c < C; c++) if (m > 0 && answered[c] === m) included++;
  const counts = new Int32Array(included * K);
  let row = 0;
  for (let c = 0; c < C; c++) {
    if (m === 0 || answered[c] !== m) continue;
    for (let i = caseStart[c]; i < caseStart[c + 1]; i++) {
      const x = answer[byCase[i]];
      if (x >= 0) counts[row * K + x]++;
    }
    row++;
  }
  const fleiss: ItemFleiss = { ...fleissKappa(counts, K), casesExcluded: C - included };
  if (m === 0) fleiss.reason = 'no case has an answer to this item';
  return { itemId: item.id, kind: item.kind, categories: [...item.categories], answers, pairs: pairResults, fleiss };
}

function summarizeVolume(
  reads: readonly StudyRead[],
  pairs: ReaderPair[],
  readers: string[],
  caseIds: string[],
  caseStart: Int32Array,
  byCase: Int32Array,
  readReader: Int32Array,
  confidence: number,
): VolumeAgreement {
  const R = readers.length;
  const C = caseIds.length;
  const volume = new Float64Array(reads.length);
  let volumes = 0;
  for (let t = 0; t < reads.length; t++) {
    const v = reads[t].lesionVolumeMl;
    if (v === null) {
      volume[t] = NaN; // internal marker for "no volume", never in the output
      continue;
    }
    if (!(v >= 0) || !Number.isFinite(v)) {
      throw new Error(`study summary: case "${reads[t].caseId}", reader "${reads[t].readerId}": lesion volume ${v} mL is not a finite number ≥ 0`);
    }
    volume[t] = v;
    volumes++;
  }
  const has = (t: number): boolean => !Number.isNaN(volume[t]);
  const readCaseId = (t: number): string => reads[t].caseId;

  const pairResults: PairVolumeAgreement[] = pairs.map((p) => {
    const a: number[] = [];
    const b: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < p.readsA.length; i++) {
      const ta = p.readsA[i];
      const tb = p.readsB[i];
      if (has(ta) && has(tb)) {
        a.push(volume[ta]);
        b.push(volume[tb]);
        ids.push(readCaseId(ta));
      }
    }
    const n = a.length;
    let pairIcc2: IccEstimate;
    let pairIcc3: IccEstimate;
    if (n < 2) {
      pairIcc2 = pairIcc3 = unavailable(`${n} case(s) with volumes from both readers: an ICC needs at least 2`);
    } else {
      const x = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        x[2 * i] = a[i];
        x[2 * i + 1] = b[i];
      }
      const anova = twoWayAnova(x, n, 2);
      pairIcc2 = icc2(anova, confidence);
      pairIcc3 = icc3(anova, confidence);
    }
    return { readerA: readers[p.a], readerB: readers[p.b], n, caseIds: ids, blandAltman: blandAltman(a, b), icc2: pairIcc2, icc3: pairIcc3 };
  });

  // Volumes per case, and the fully crossed cases (every reader of the study).
  const perCase = new Int32Array(C);
  for (let c = 0; c < C; c++) for (let i = caseStart[c]; i < caseStart[c + 1]; i++) if (has(byCase[i])) perCase[c]++;
  let crossed = 0;
  for (let c = 0; c < C; c++) if (perCase[c] === R) crossed++;
  let allReaders: AllReadersIcc;
  if (R < 2 || crossed < 2) {
    const why =
      R < 2
        ? `${R} reader(s): an ICC needs at least 2`
        : `${crossed} case(s) with a volume from all ${R} readers: ICC(2,1) and ICC(3,1) assume every reader measured every case, and need at least 2 such cases`;
    allReaders = { readers: R, cases: crossed, anova: null, icc2: unavailable(why), icc3: unavailable(why) };
  } else {
    const x = new Float64Array(crossed * R);
    let row = 0;
    for (let c = 0; c < C; c++) {
      if (perCase[c] !== R) continue;
      // The case's reads are in reader order and number R, so column j is reader j.
      for (let i = caseStart[c]; i < caseStart[c + 1]; i++) x[row * R + readReader[byCase[i]]] = volume[byCase[i]];
      row++;
    }
    const anova = twoWayAnova(x, crossed, R);
    allReaders = { readers: R, cases: crossed, anova, icc2: icc2(anova, confidence), icc3: icc3(anova, confidence) };
  }

  const m = modalCount(perCase);
  let oneWayCases = 0;
  for (let c = 0; c < C; c++) if (m > 0 && perCase[c] === m) oneWayCases++;
  let oneWayIcc: IccEstimate;
  if (m < 2 || oneWayCases < 2) {
    oneWayIcc = unavailable(m < 2 ? `${m} volume(s) per case: an ICC needs at least 2` : `${oneWayCases} case(s) with ${m} volumes: an ICC needs at least 2`);
  } else {
    const x = new Float64Array(oneWayCases * m);
    let w = 0;
    for (let c = 0; c < C; c++) {
      if (perCase[c] !== m) continue;
      for (let i = caseStart[c]; i < caseStart[c + 1]; i++) if (has(byCase[i])) x[w++] = volume[byCase[i]];
    }
    oneWayIcc = icc1(twoWayAnova(x, oneWayCases, m), confidence);
  }
  return {
    volumes,
    pairs: pairResults,
    allReaders,
    oneWay: { readersPerCase: m, cases: oneWayCases, casesExcluded: C - oneWayCases, icc1: oneWayIcc },
  };
}

function summarizeDice(
  given: readonly PairDice[],
  caseIndex: Map<string, number>,
  readerIndex: Map<string, number>,
  readCase: Int32Array,
  readReader: Int32Array,
  R: number,
  C: number,
): DiceSummary {
  const readKeys = new Set<number>();
  for (let t = 0; t < readCase.length; t++) readKeys.add(readCase[t] * R + readReader[t]);
  const seen = new Set<number>();
  const sum = new Float64Array(C);
  const count = new Int32Array(C);
  for (const d of given) {
    const c = caseIndex.get(d.caseId);
    const a = readerIndex.get(d.readerA);
    const b = readerIndex.get(d.readerB);
    const where = `case "${d.caseId}", readers "${d.readerA}" and "${d.readerB}"`;
    if (c === undefined || a === undefined || b === undefined || a === b || !readKeys.has(c * R + a) || !readKeys.has(c * R + b)) {
      throw new Error(`study summary: Dice for ${where}: no such pair of reads`);
    }
    if (!(d.dice >= 0 && d.dice <= 1)) throw new Error(`study summary: Dice for ${where} is ${d.dice}, expected a value in [0, 1]`);
    const key = (c * R + Math.min(a, b)) * R + Math.max(a, b);
    if (seen.has(key)) throw new Error(`study summary: Dice for ${where} given twice`);
    seen.add(key);
    sum[c] += d.dice;
    count[c]++;
  }
  const perCase: number[] = [];
  for (let c = 0; c < C; c++) if (count[c] > 0) perCase.push(Math.min(1, sum[c] / count[c]));
  return { binWidth: DICE_BIN_WIDTH, counts: Array.from(diceHistogram(perCase)), cases: perCase.length, pairs: given.length };
}
