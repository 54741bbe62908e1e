// Which readers read which case: N distinct readers per case, the load balanced across readers
// (the counts never differ by more than one when they did not before), and the same plan for the
// same seed, cases and readers, so that an assignment can be reproduced and checked later.
//
// Greedy: case by case, the N least-loaded readers, ties broken by a permutation drawn from the
// seed for that case. If the loads are within one of each other before a case, they are after it
// (taking the N lowest of loads in {m, m+1} leaves them in {m, m+1} or {m+1, m+2}), so starting
// from equal loads the plan stays balanced throughout, not only at the end.
import { createHash } from 'node:crypto';

export interface PlanInput {
  /** case ids in the order they are assigned (ascending id) */
  caseIds: number[];
  /** reader user ids (the order does not matter: they are sorted) */
  readerIds: number[];
  readersPerCase: number;
  seed: string;
  /** cases each reader already has (absent: 0), so that a second batch keeps the whole balanced */
  existingLoad?: ReadonlyMap<number, number>;
}

export type Plan = Array<{ caseId: number; readerIds: number[] }>;

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counter): plenty for shuffling a reader list. */
function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** The random stream for one case: from the seed and the case id only, so adding a case to the
 * end does not change the draws of the others. */
function rngFor(seed: string, caseId: number): () => number {
  const h = createHash('sha256').update(`${seed}\u0000${caseId}`).digest();
  const rng = sfc32(h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12));
  for (let i = 0; i < 12; i++) rng();
  return rng;
}

export function planAssignments(input: PlanInput): Plan {
  const readers = [...new Set(input.readerIds)].sort((a, b) => a - b);
  const n = input.readersPerCase;
  if (!Number.isInteger(n) || n < 1) throw new PlanError('readers per case is a whole number of at least 1');
  if (readers.length < n) throw new PlanError(`${n} readers per case need at least ${n} readers; there ${readers.length === 1 ? 'is' : 'are'} ${readers.length}`);
  const load = new Map(readers.map((r) => [r, input.existingLoad?.get(r) ?? 0]));
  const plan: Plan = [];
  for (const caseId of input.caseIds) {
    const rng = rngFor(input.seed, caseId);
    // Fisher-Yates, then a stable sort by load: equal loads stay in the drawn order.
    const order = [...readers];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    order.sort((a, b) => load.get(a)! - load.get(b)!);
    const chosen = order.slice(0, n).sort((a, b) => a - b);
    for (const r of chosen) load.set(r, load.get(r)! + 1);
    plan.push({ caseId, readerIds: chosen });
  }
  return plan;
}
