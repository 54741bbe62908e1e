// The study's configuration (public/study-config.json): the segment list readers paint, the codes
// of a segment added by hand and the read form's schema. Checked on load so a typo in the file is
// a message, not a broken viewer.
//
// The check lives here, not in src/contouring, because it is about what a valid study
// configuration is (at most 255 segments for a one-byte labelmap, unique labels, complete codes, a
// same-origin form), not about editing: the viewer, the offline prefetch and the contouring tools
// all depend on it, and it is pure, so the server could hold a study's segment list to the same
// rules. Fetching the file is I/O and stays outside the model (loadStudyConfig in
// src/contouring/segmentConfig.ts).
import type { CodedConcept } from './codedConcept.ts';
import type { Rgb } from './color.ts';
import type { SegmentDefinition } from './segment.ts';

export interface StudyConfig {
  version: number;
  study: string;
  segments: SegmentDefinition[];
  /**
   * Segments a reader may add from a list but does not start with (the lobes, for the lobar
   * score): in every labelmap they would be empty segments of every SEG otherwise.
   */
  optionalSegments?: SegmentDefinition[];
  newSegment: { category: CodedConcept; type: CodedConcept };
  /** URL of the study's read form schema (a JSON file beside this one); null: no form */
  form: string | null;
}

export class StudyConfigError extends Error {}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function concept(x: unknown, where: string): CodedConcept {
  if (!isObject(x) || typeof x.value !== 'string' || typeof x.scheme !== 'string' || typeof x.meaning !== 'string' || !x.value || !x.scheme || !x.meaning) {
    throw new StudyConfigError(`${where} must be a code with "value", "scheme" and "meaning"`);
  }
  return { value: x.value, scheme: x.scheme, meaning: x.meaning };
}

function color(x: unknown, where: string): Rgb {
  if (!Array.isArray(x) || x.length !== 3 || !x.every((c) => Number.isInteger(c) && c >= 0 && c <= 255)) {
    throw new StudyConfigError(`${where} must be [r, g, b] with integers 0-255`);
  }
  return [x[0], x[1], x[2]];
}

export function parseStudyConfig(json: unknown): StudyConfig {
  if (!isObject(json)) throw new StudyConfigError('the study configuration must be a JSON object');
  if (json.version !== 1) throw new StudyConfigError(`unsupported study configuration version ${String(json.version)} (expected 1)`);
  if (!Array.isArray(json.segments) || json.segments.length === 0) throw new StudyConfigError('"segments" must list at least one segment');
  if (json.segments.length > 255) throw new StudyConfigError('at most 255 segments fit a one-byte labelmap');
  const labels = new Set<string>();
  const definition = (list: string) => (s: unknown, n: number): SegmentDefinition => {
    const where = `${list}[${n}]`;
    if (!isObject(s) || typeof s.label !== 'string' || !s.label.trim()) throw new StudyConfigError(`${where} needs a "label"`);
    if (labels.has(s.label)) throw new StudyConfigError(`${where}: the label "${s.label}" is used twice`);
    labels.add(s.label);
    return { label: s.label, color: color(s.color, `${where}.color`), category: concept(s.category, `${where}.category`), type: concept(s.type, `${where}.type`) };
  };
  const segments = json.segments.map(definition('segments'));
  if (json.optionalSegments !== undefined && !Array.isArray(json.optionalSegments)) throw new StudyConfigError('"optionalSegments" must be a list of segments');
  const optionalSegments = (json.optionalSegments ?? []).map(definition('optionalSegments'));
  if (segments.length + optionalSegments.length > 255) throw new StudyConfigError('at most 255 segments fit a one-byte labelmap');
  const fallback = segments[segments.length - 1];
  const ns = isObject(json.newSegment) ? json.newSegment : { category: fallback.category, type: fallback.type };
  return {
    version: 1,
    study: typeof json.study === 'string' ? json.study : '',
    segments,
    optionalSegments,
    newSegment: { category: concept(ns.category, 'newSegment.category'), type: concept(ns.type, 'newSegment.type') },
    form: formUrl(json.form),
  };
}

function formUrl(x: unknown): string | null {
  if (x === undefined || x === null) return null;
  // Same-origin paths only: the schema decides what readers are asked.
  if (typeof x !== 'string' || !/^\/[\w./-]+\.json$/.test(x) || x.includes('..')) throw new StudyConfigError('"form" must be a path like "/forms/chest-ct.v1.json"');
  return x;
}
