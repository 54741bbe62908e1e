// A case's agreement as a lead's browser sends it (PUT /api/cases/:id/agreement), read strictly:
// every field of src/model/review.ts's CaseAgreement and nothing else, numbers finite and in
// their range, user ids those of the case's assigned readers, lists and texts bounded. The route
// takes the JSON without a Fastify schema on purpose: Fastify's Ajv coerces types ("1" becomes 1)
// and drops unknown fields instead of refusing them. What comes out is rebuilt field by field,
// versions in their canonical order, so the server keeps exactly the shape it documents.
import type { CaseAgreement, FormItemAgreement, PairAgreement, PairFigures, ReadFigures, ReadVersion } from '../../src/model/review.ts';

/** PUT bodies larger than this are refused (413) before they are parsed. */
export const AGREEMENT_MAX_BYTES = 2 * 1024 * 1024;

const MAX_PAIRS = 10_000;
const MAX_FORM_ITEMS = 1_000;
const MAX_ANSWERS_PER_READ = 1_000;
const MAX_ID_CHARS = 200;
const MAX_LABEL_CHARS = 1_000;
const MAX_ANSWER_CHARS = 4_000;
const UID = /^[0-9]+(\.[0-9]+)*$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

class Invalid extends Error {}

function fail(path: string, what: string): never {
  throw new Invalid(`${path} ${what}`);
}

function fields(value: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'is not an object');
  const extra = Object.keys(value).find((k) => !keys.includes(k));
  if (extra !== undefined) fail(path, `has a field ${JSON.stringify(extra.slice(0, 64))} that an agreement does not have`);
  const missing = keys.find((k) => !Object.hasOwn(value, k));
  if (missing !== undefined) fail(`${path}.${missing}`, 'is missing');
  return value as Record<string, unknown>;
}

function list(value: unknown, path: string, max: number): unknown[] {
  if (!Array.isArray(value)) fail(path, 'is not an array');
  if (value.length > max) fail(path, `has more than ${max} entries`);
  return value;
}

function finite(value: unknown, path: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'is not a finite number');
  if (value < min || value > max) fail(path, `is not within ${min} to ${max}`);
  return value;
}

function count(value: unknown, path: string): number {
  const n = finite(value, path, 0);
  if (!Number.isInteger(n)) fail(path, 'is not a whole number');
  return n;
}

function orNull<T>(value: unknown, read: (v: unknown) => T): T | null {
  return value === null ? null : read(value);
}

function text(value: unknown, path: string, max: number): string {
  if (typeof value !== 'string') fail(path, 'is not a string');
  if (value.length > max) fail(path, `is longer than ${max} characters`);
  return value;
}

function uid(value: unknown, path: string): string {
  const s = text(value, path, 64);
  if (!UID.test(s)) fail(path, 'is not a DICOM UID');
  return s;
}

function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, 'is not true or false');
  return value;
}

function reader(value: unknown, path: string, readers: ReadonlySet<number>): number {
  if (typeof value !== 'number' || !readers.has(value)) fail(path, 'is not the user id of a reader assigned to this case');
  return value;
}

/** Each user id at most once in a list. */
function once(ids: number[], path: string): void {
  if (new Set(ids).size !== ids.length) fail(path, 'names a reader more than once');
}

const FIGURE_KEYS = [
  'dice', 'jaccard', 'voxelsA', 'voxelsB', 'volumeAMl', 'volumeBMl', 'volumeDiffMl', 'volumeDiffPct', 'hdMm', 'hd95Mm', 'msdMm',
  'lesionsA', 'lesionsB', 'matchedA', 'matchedB', 'missed', 'extra', 'lesionF1',
] as const satisfies ReadonlyArray<keyof PairFigures>;

function figures(value: unknown, path: string): PairFigures {
  const f = fields(value, path, FIGURE_KEYS);
  const at = (k: string) => `${path}.${k}`;
  const distance = (k: 'hdMm' | 'hd95Mm' | 'msdMm') => orNull(f[k], (v) => finite(v, at(k), 0));
  return {
    dice: finite(f.dice, at('dice'), 0, 1),
    jaccard: finite(f.jaccard, at('jaccard'), 0, 1),
    voxelsA: count(f.voxelsA, at('voxelsA')),
    voxelsB: count(f.voxelsB, at('voxelsB')),
    volumeAMl: finite(f.volumeAMl, at('volumeAMl'), 0),
    volumeBMl: finite(f.volumeBMl, at('volumeBMl'), 0),
    volumeDiffMl: finite(f.volumeDiffMl, at('volumeDiffMl')),
    volumeDiffPct: orNull(f.volumeDiffPct, (v) => finite(v, at('volumeDiffPct'), -200, 200)),
    hdMm: distance('hdMm'),
    hd95Mm: distance('hd95Mm'),
    msdMm: distance('msdMm'),
    lesionsA: count(f.lesionsA, at('lesionsA')),
    lesionsB: count(f.lesionsB, at('lesionsB')),
    matchedA: count(f.matchedA, at('matchedA')),
    matchedB: count(f.matchedB, at('matchedB')),
    missed: count(f.missed, at('missed')),
    extra: count(f.extra, at('extra')),
    lesionF1: finite(f.lesionF1, at('lesionF1'), 0, 1),
  };
}

/** Versions in their canonical order (by user id, fields in one order): how they are kept and compared. */
export function canonicalVersions(versions: readonly ReadVersion[]): ReadVersion[] {
  return [...versions]
    .sort((a, b) => a.userId - b.userId)
    .map((v) => ({ userId: v.userId, segSopInstanceUid: v.segSopInstanceUid, srSopInstanceUid: v.srSopInstanceUid }));
}

export function sameVersions(a: readonly ReadVersion[], b: readonly ReadVersion[]): boolean {
  const x = canonicalVersions(a);
  const y = canonicalVersions(b);
  return x.length === y.length && x.every((v, i) => v.userId === y[i].userId && v.segSopInstanceUid === y[i].segSopInstanceUid && v.srSopInstanceUid === y[i].srSopInstanceUid);
}

/** The body as a CaseAgreement of this case, or what is wrong with it (the first problem found). */
export function parseCaseAgreement(body: unknown, ctx: { caseId: number; readerIds: readonly number[] }): { agreement: CaseAgreement } | { error: string } {
  const readers = new Set(ctx.readerIds);
  try {
    const b = fields(body, 'the agreement', ['caseId', 'versions', 'pairs', 'form', 'reads', 'computedAt']);
    if (b.caseId !== ctx.caseId) fail('caseId', 'is not the case of the path');

    const versions = list(b.versions, 'versions', readers.size).map((value, i): ReadVersion => {
      const v = fields(value, `versions[${i}]`, ['userId', 'segSopInstanceUid', 'srSopInstanceUid']);
      return {
        userId: reader(v.userId, `versions[${i}].userId`, readers),
        segSopInstanceUid: orNull(v.segSopInstanceUid, (u) => uid(u, `versions[${i}].segSopInstanceUid`)),
        srSopInstanceUid: orNull(v.srSopInstanceUid, (u) => uid(u, `versions[${i}].srSopInstanceUid`)),
      };
    });
    once(versions.map((v) => v.userId), 'versions');

    const pairs = list(b.pairs, 'pairs', MAX_PAIRS).map((value, i): PairAgreement => {
      const p = fields(value, `pairs[${i}]`, ['userA', 'userB', 'segment', 'figures']);
      const userA = reader(p.userA, `pairs[${i}].userA`, readers);
      const userB = reader(p.userB, `pairs[${i}].userB`, readers);
      if (userA === userB) fail(`pairs[${i}]`, 'pairs a reader with themselves');
      return { userA, userB, segment: orNull(p.segment, (s) => text(s, `pairs[${i}].segment`, MAX_ID_CHARS)), figures: figures(p.figures, `pairs[${i}].figures`) };
    });

    const form = list(b.form, 'form', MAX_FORM_ITEMS).map((value, i): FormItemAgreement => {
      const f = fields(value, `form[${i}]`, ['itemId', 'label', 'answers', 'agree']);
      const answers = list(f.answers, `form[${i}].answers`, readers.size).map((a, j) => {
        const ans = fields(a, `form[${i}].answers[${j}]`, ['userId', 'answer']);
        return { userId: reader(ans.userId, `form[${i}].answers[${j}].userId`, readers), answer: orNull(ans.answer, (s) => text(s, `form[${i}].answers[${j}].answer`, MAX_ANSWER_CHARS)) };
      });
      once(answers.map((a) => a.userId), `form[${i}].answers`);
      return { itemId: text(f.itemId, `form[${i}].itemId`, MAX_ID_CHARS), label: text(f.label, `form[${i}].label`, MAX_LABEL_CHARS), answers, agree: bool(f.agree, `form[${i}].agree`) };
    });

    const reads = list(b.reads, 'reads', readers.size).map((value, i): ReadFigures => {
      const r = fields(value, `reads[${i}]`, ['userId', 'lesionVolumeMl', 'severityScore', 'answers', 'readingTimeS']);
      if (typeof r.answers !== 'object' || r.answers === null || Array.isArray(r.answers)) fail(`reads[${i}].answers`, 'is not an object');
      const raw = r.answers as Record<string, unknown>;
      const keys = Object.keys(raw);
      if (keys.length > MAX_ANSWERS_PER_READ) fail(`reads[${i}].answers`, `has more than ${MAX_ANSWERS_PER_READ} items`);
      const answers: Record<string, string | null> = Object.create(null) as Record<string, string | null>;
      for (const k of keys) {
        if (k.length > MAX_ID_CHARS) fail(`reads[${i}].answers`, `has an item id longer than ${MAX_ID_CHARS} characters`);
        answers[k] = orNull(raw[k], (s) => text(s, `reads[${i}].answers[${JSON.stringify(k.slice(0, 64))}]`, MAX_ANSWER_CHARS));
      }
      return {
        userId: reader(r.userId, `reads[${i}].userId`, readers),
        lesionVolumeMl: finite(r.lesionVolumeMl, `reads[${i}].lesionVolumeMl`, 0),
        severityScore: orNull(r.severityScore, (v) => finite(v, `reads[${i}].severityScore`)),
        answers: { ...answers },
        readingTimeS: orNull(r.readingTimeS, (v) => finite(v, `reads[${i}].readingTimeS`, 0)),
      };
    });
    once(reads.map((r) => r.userId), 'reads');

    const computedAt = text(b.computedAt, 'computedAt', 64);
    if (!ISO_TIME.test(computedAt) || !Number.isFinite(Date.parse(computedAt))) fail('computedAt', 'is not an ISO 8601 date and time');

    return { agreement: { caseId: ctx.caseId, versions: canonicalVersions(versions), pairs, form, reads, computedAt } };
  } catch (err) {
    if (err instanceof Invalid) return { error: err.message };
    throw err;
  }
}
