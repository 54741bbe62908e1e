// study_stats_ms: the whole study agreement summary (src/stats/studySummary.ts) of a synthetic
// reading study: 10,000 cases, 20 readers, each case read by 3 of them, 5 form items (3 nominal,
// 2 ordinal), a lesion volume per read and a Dice per reader pair. Fixed seed; the data are built
// once, the summary timed 5 times, the median reported. Goal: ≤ 2000 ms. Node, no server.
//   tsx bench/studyStats.ts           (prints the JSON line)
//   import { studyStatsBench } from './studyStats.ts'   (npm run bench -- review)
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { summarizeStudy, type PairDice, type StudyFormItem, type StudyInput, type StudyRead } from '../src/stats/studySummary.ts';
import { emit, median } from './report.ts';

const CASES = 10_000;
const READERS = 20;
const READERS_PER_CASE = 3;
const RUNS = 5;
const SEED = 20261203;
const GOAL_MS = 2000;

const ITEMS: StudyFormItem[] = [
  { id: 'nodule_present', kind: 'nominal', categories: ['no', 'yes'] },
  { id: 'lobe', kind: 'nominal', categories: ['RUL', 'RML', 'RLL', 'LUL', 'LLL'] },
  { id: 'calcification', kind: 'nominal', categories: ['none', 'central', 'peripheral', 'popcorn'] },
  { id: 'lung_rads', kind: 'ordinal', categories: ['1', '2', '3', '4A', '4B', '4X'] },
  { id: 'confidence', kind: 'ordinal', categories: ['1', '2', '3', '4', '5'] },
];

/** mulberry32: a small, fast, seeded 32-bit PRNG, uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A synthetic study: answers agree with a per-case truth most of the time, volumes carry reader bias and noise. */
export function syntheticStudy(seed = SEED): StudyInput {
  const rand = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const pick = (n: number) => Math.floor(rand() * n);
  const readers = Array.from({ length: READERS }, (_, i) => `reader${String(i + 1).padStart(2, '0')}`);
  const readerBiasMl = readers.map(() => 0.5 * normal());
  const reads: StudyRead[] = [];
  const pairDice: PairDice[] = [];
  const pool = readers.map((_, i) => i);
  for (let c = 0; c < CASES; c++) {
    const caseId = `case${String(c + 1).padStart(5, '0')}`;
    // The case's readers: a partial Fisher–Yates shuffle of the pool.
    for (let i = 0; i < READERS_PER_CASE; i++) {
      const j = i + pick(READERS - i);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    const truth = ITEMS.map((item) => pick(item.categories.length));
    const trueVolumeMl = Math.exp(2 + normal());
    for (let i = 0; i < READERS_PER_CASE; i++) {
      const r = pool[i];
      const answers: Record<string, string | null> = {};
      ITEMS.forEach((item, q) => {
        const k = item.categories.length;
        let v = truth[q];
        if (rand() < 0.02) {
          answers[item.id] = null; // unanswered
          return;
        }
        if (item.kind === 'nominal') {
          if (rand() > 0.75) v = pick(k);
        } else {
          v = Math.min(k - 1, Math.max(0, v + Math.round(0.8 * normal())));
        }
        answers[item.id] = item.categories[v];
      });
      const lesionVolumeMl = rand() < 0.01 ? null : Math.max(0, trueVolumeMl * Math.exp(0.1 * normal()) + readerBiasMl[r]);
      reads.push({ caseId, readerId: readers[r], answers, lesionVolumeMl });
    }
    for (let i = 0; i < READERS_PER_CASE; i++) {
      for (let j = i + 1; j < READERS_PER_CASE; j++) {
        pairDice.push({ caseId, readerA: readers[pool[i]], readerB: readers[pool[j]], dice: Math.min(1, Math.max(0, 0.85 + 0.08 * normal())) });
      }
    }
  }
  return { items: ITEMS, reads, pairDice };
}

export async function studyStatsBench(): Promise<void> {
  const input = syntheticStudy();
  const runs: number[] = [];
  let summary: ReturnType<typeof summarizeStudy> | undefined;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    summary = summarizeStudy(input);
    runs.push(performance.now() - t0);
  }
  const s = summary!;
  const rads = s.items[3].fleiss;
  process.stderr.write(
    `[study stats bench] ${s.cases} cases, ${s.reads} reads, ${s.readers.length} readers, ${s.volume.pairs.length} pairs; ` +
      `lung_rads Fleiss κ ${rads.kappa?.toFixed(3)} over ${rads.subjects} cases; ` +
      `volume ICC(1,1) ${s.volume.oneWay.icc1.value?.toFixed(3)}; all-readers ICC: ${s.volume.allReaders.icc2.reason}\n`,
  );
  emit('study_stats_ms', median(runs), 'ms', `synthetic-${CASES}-cases-${READERS_PER_CASE}-of-${READERS}-readers`, {
    runs: runs.map((r) => Math.round(r * 10) / 10),
    goal_ms: GOAL_MS,
    items: ITEMS.length,
    ordinal_items: ITEMS.filter((i) => i.kind === 'ordinal').length,
    seed: SEED,
    runtime: 'node',
  });
}

const invokedAlone = process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (invokedAlone) await studyStatsBench();
