// The structured read form of a study (public/forms/*.json): questions, their coded names for the
// DICOM SR and the conditions that show follow-up questions. Checked on load so a typo in the file
// is one message listing every problem with its path, not a form that silently drops a question.
import type { CodedConcept } from '../model/codedConcept.ts';

export type { CodedConcept };

/** Shows an item only when another choice item's answer matches. Exactly one of equals / in / notEquals. */
export interface ItemCondition {
  item: string;
  equals?: string;
  in?: string[];
  notEquals?: string;
}

interface ItemBase {
  id: string;
  label: string;
  required: boolean;
  /** The question's coded name: the concept name of its SR content item. */
  concept: CodedConcept;
  help?: string;
  condition?: ItemCondition;
}

export interface Choice {
  value: string;
  label: string;
  code: CodedConcept;
}

/** A UCUM unit, e.g. { code: 'mm', meaning: 'millimeter' }. */
export interface Unit {
  code: string;
  meaning: string;
}

export interface ChoiceItem extends ItemBase {
  type: 'choice';
  choices: Choice[];
}

export interface NumberItem extends ItemBase {
  type: 'number';
  unit: Unit;
  min: number;
  max: number;
  step?: number;
}

export interface TextItem extends ItemBase {
  type: 'text';
  maxLength: number;
}

/** A number filled from a measuring tool on the MPR views (or typed). */
export interface MeasurementItem extends ItemBase {
  type: 'measurement';
  measurementKind: 'length' | 'ellipse';
  unit: Unit;
  min: number;
  max: number;
  step?: number;
}

export type FormItem = ChoiceItem | NumberItem | TextItem | MeasurementItem;
export type FormItemType = FormItem['type'];

export interface FormSection {
  id: string;
  title: string;
  items: FormItem[];
}

export interface FormSchema {
  schemaId: string;
  version: string;
  title: string;
  sections: FormSection[];
  /** Free text for people reading the file (which codes are private and why); not used by the form. */
  codingNotes?: string;
}

export class FormSchemaError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? `form schema: ${problems[0]}` : `form schema has ${problems.length} problems:\n- ${problems.join('\n- ')}`);
    this.name = 'FormSchemaError';
  }
}

const ITEM_TYPES: readonly FormItemType[] = ['choice', 'number', 'text', 'measurement'];
const ID_PATTERN = /^[a-z][a-zA-Z0-9_]*$/;
// Code Value and Coding Scheme Designator are SH (16 chars), Code Meaning is LO (64 chars):
// PS3.3 Table 8.8-1. A longer one would make the SR writer fail at submit time, so refuse it here.
const MAX_CODE_VALUE = 16;
const MAX_SCHEME = 16;
const MAX_MEANING = 64;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function nonEmptyString(x: unknown): x is string {
  return typeof x === 'string' && x.trim() !== '';
}

/** Every item in form order. */
export function allItems(schema: FormSchema): FormItem[] {
  return schema.sections.flatMap((s) => s.items);
}

export function findItem(schema: FormSchema, id: string): FormItem | undefined {
  for (const section of schema.sections) {
    const item = section.items.find((i) => i.id === id);
    if (item) return item;
  }
  return undefined;
}

/** Parses and checks a form schema; throws FormSchemaError listing every problem found. */
export function parseFormSchema(json: unknown): FormSchema {
  const problems: string[] = [];
  const fail = (message: string): void => {
    problems.push(message);
  };

  if (!isObject(json)) throw new FormSchemaError(['the form schema must be a JSON object']);
  for (const key of ['schemaId', 'version', 'title'] as const) {
    if (!nonEmptyString(json[key])) fail(`"${key}" must be a non-empty string`);
  }
  if (json.codingNotes !== undefined && typeof json.codingNotes !== 'string') fail('"codingNotes" must be a string when present');
  if (!Array.isArray(json.sections) || json.sections.length === 0) {
    fail('"sections" must list at least one section');
    throw new FormSchemaError(problems);
  }

  const sections: FormSection[] = [];
  const sectionIds = new Set<string>();
  const itemPaths = new Map<string, string>(); // id -> path of its first definition
  json.sections.forEach((s: unknown, n: number) => {
    const where = `sections[${n}]`;
    if (!isObject(s)) return fail(`${where} must be an object`);
    const sectionWhere = nonEmptyString(s.id) ? `${where} ("${s.id}")` : where;
    if (!nonEmptyString(s.id) || !ID_PATTERN.test(s.id)) fail(`${sectionWhere}: "id" must match ${ID_PATTERN.source}`);
    else if (sectionIds.has(s.id)) fail(`${sectionWhere}: duplicate section id "${s.id}"`);
    else sectionIds.add(s.id);
    if (!nonEmptyString(s.title)) fail(`${sectionWhere}: "title" must be a non-empty string`);
    if (!Array.isArray(s.items) || s.items.length === 0) return fail(`${sectionWhere}: "items" must list at least one item`);
    const items: FormItem[] = [];
    s.items.forEach((raw: unknown, m: number) => {
      const item = parseItem(raw, `${where}.items[${m}]`, fail);
      if (!item) return;
      const path = `${where}.items[${m}] ("${item.id}")`;
      const first = itemPaths.get(item.id);
      if (first) return fail(`${path}: duplicate id "${item.id}" (first used at ${first})`);
      itemPaths.set(item.id, path);
      items.push(item);
    });
    sections.push({ id: String(s.id), title: String(s.title), items });
  });

  const schema: FormSchema = {
    schemaId: String(json.schemaId),
    version: String(json.version),
    title: String(json.title),
    sections,
    ...(typeof json.codingNotes === 'string' ? { codingNotes: json.codingNotes } : {}),
  };
  checkConditions(schema, itemPaths, fail);
  if (problems.length > 0) throw new FormSchemaError(problems);
  return schema;
}

function parseConcept(x: unknown, where: string, fail: (m: string) => void): CodedConcept | null {
  if (!isObject(x) || !nonEmptyString(x.value) || !nonEmptyString(x.scheme) || !nonEmptyString(x.meaning)) {
    fail(`${where} must be a code with non-empty "value", "scheme" and "meaning"`);
    return null;
  }
  let ok = true;
  if (x.value.length > MAX_CODE_VALUE) { fail(`${where}: code value "${x.value}" is longer than ${MAX_CODE_VALUE} characters`); ok = false; }
  if (x.scheme.length > MAX_SCHEME) { fail(`${where}: coding scheme "${x.scheme}" is longer than ${MAX_SCHEME} characters`); ok = false; }
  if (x.meaning.length > MAX_MEANING) { fail(`${where}: code meaning "${x.meaning}" is longer than ${MAX_MEANING} characters`); ok = false; }
  return ok ? { value: x.value, scheme: x.scheme, meaning: x.meaning } : null;
}

function parseUnit(x: unknown, where: string, fail: (m: string) => void): Unit | null {
  if (!isObject(x) || !nonEmptyString(x.code) || !nonEmptyString(x.meaning)) {
    fail(`${where} must be a UCUM unit with non-empty "code" and "meaning"`);
    return null;
  }
  return { code: x.code, meaning: x.meaning };
}

function parseRange(x: Record<string, unknown>, where: string, fail: (m: string) => void): { min: number; max: number; step?: number } | null {
  const { min, max, step } = x;
  if (typeof min !== 'number' || !Number.isFinite(min) || typeof max !== 'number' || !Number.isFinite(max)) {
    fail(`${where}: "min" and "max" must be finite numbers`);
    return null;
  }
  if (min > max) {
    fail(`${where}: min ${min} is greater than max ${max}`);
    return null;
  }
  if (step !== undefined && (typeof step !== 'number' || !Number.isFinite(step) || step <= 0)) {
    fail(`${where}: "step" must be a positive number when present`);
    return null;
  }
  return step === undefined ? { min, max } : { min, max, step };
}

function parseCondition(x: unknown, where: string, fail: (m: string) => void): ItemCondition | null {
  if (!isObject(x) || !nonEmptyString(x.item)) {
    fail(`${where}.condition must be an object naming an "item"`);
    return null;
  }
  const tests = ['equals', 'in', 'notEquals'].filter((k) => x[k] !== undefined);
  if (tests.length !== 1) {
    fail(`${where}.condition must have exactly one of "equals", "in" or "notEquals"`);
    return null;
  }
  if (x.equals !== undefined && !nonEmptyString(x.equals)) { fail(`${where}.condition.equals must be a choice value`); return null; }
  if (x.notEquals !== undefined && !nonEmptyString(x.notEquals)) { fail(`${where}.condition.notEquals must be a choice value`); return null; }
  if (x.in !== undefined && (!Array.isArray(x.in) || x.in.length === 0 || !x.in.every(nonEmptyString))) {
    fail(`${where}.condition.in must list at least one choice value`);
    return null;
  }
  if (x.equals !== undefined) return { item: x.item, equals: x.equals as string };
  if (x.notEquals !== undefined) return { item: x.item, notEquals: x.notEquals as string };
  return { item: x.item, in: [...(x.in as string[])] };
}

// Returns the item even when some of its fields are bad (the parse throws anyway), so that the
// cross-item checks still see its id and do not add a misleading "missing item" for it.
function parseItem(x: unknown, at: string, fail: (m: string) => void): FormItem | null {
  if (!isObject(x)) {
    fail(`${at} must be an object`);
    return null;
  }
  const where = nonEmptyString(x.id) ? `${at} ("${x.id}")` : at;
  if (!nonEmptyString(x.id) || !ID_PATTERN.test(x.id)) fail(`${where}: "id" must match ${ID_PATTERN.source}`);
  if (!nonEmptyString(x.label)) fail(`${where}: "label" must be a non-empty string`);
  if (typeof x.required !== 'boolean') fail(`${where}: "required" must be true or false`);
  if (x.help !== undefined && typeof x.help !== 'string') fail(`${where}: "help" must be a string when present`);
  const concept = parseConcept(x.concept, `${where}.concept`, fail);
  const condition = x.condition === undefined ? null : parseCondition(x.condition, where, fail);
  if (!ITEM_TYPES.includes(x.type as FormItemType)) {
    fail(`${where}: unknown type ${JSON.stringify(x.type)} (expected ${ITEM_TYPES.map((t) => `"${t}"`).join(', ')})`);
    return null;
  }
  if (!nonEmptyString(x.id)) return null;
  const base = {
    id: x.id,
    label: String(x.label),
    required: x.required === true,
    concept: concept ?? { value: '', scheme: '', meaning: '' },
    ...(typeof x.help === 'string' && x.help !== '' ? { help: x.help } : {}),
    ...(condition ? { condition } : {}),
  };

  switch (x.type as FormItemType) {
    case 'choice': {
      if (!Array.isArray(x.choices) || x.choices.length === 0) {
        fail(`${where}: a choice item needs at least one entry in "choices"`);
        return { ...base, type: 'choice', choices: [] };
      }
      const choices: Choice[] = [];
      x.choices.forEach((c: unknown, k: number) => {
        const cw = `${where}.choices[${k}]`;
        if (!isObject(c) || !nonEmptyString(c.value) || !nonEmptyString(c.label)) return fail(`${cw} needs a non-empty "value" and "label"`);
        if (choices.some((other) => other.value === c.value)) return fail(`${cw}: duplicate choice value "${c.value}"`);
        const code = parseConcept(c.code, `${cw}.code`, fail);
        choices.push({ value: c.value, label: c.label, code: code ?? { value: '', scheme: '', meaning: '' } });
      });
      return { ...base, type: 'choice', choices };
    }
    case 'number':
    case 'measurement': {
      const unit = parseUnit(x.unit, `${where}.unit`, fail) ?? { code: '', meaning: '' };
      const range = parseRange(x, where, fail) ?? { min: 0, max: 0 };
      if (x.type === 'number') return { ...base, type: 'number', unit, ...range };
      if (x.measurementKind !== 'length' && x.measurementKind !== 'ellipse') fail(`${where}: "measurementKind" must be "length" or "ellipse"`);
      const measurementKind = x.measurementKind === 'ellipse' ? 'ellipse' : 'length';
      return { ...base, type: 'measurement', measurementKind, unit, ...range };
    }
    case 'text': {
      if (!Number.isInteger(x.maxLength) || (x.maxLength as number) < 1) fail(`${where}: "maxLength" must be a positive integer`);
      return { ...base, type: 'text', maxLength: Number(x.maxLength) };
    }
  }
}

/** Conditions name an existing choice item and values it has; the "shown when" graph has no cycle. */
function checkConditions(schema: FormSchema, paths: Map<string, string>, fail: (m: string) => void): void {
  const items = allItems(schema);
  const byId = new Map(items.map((i) => [i.id, i]));
  const edges = new Map<string, string>(); // item -> the item its condition reads
  for (const item of items) {
    const c = item.condition;
    if (!c) continue;
    const where = paths.get(item.id) ?? item.id;
    if (c.item === item.id) {
      fail(`${where}: the condition refers to the item itself`);
      continue;
    }
    const target = byId.get(c.item);
    if (!target) {
      fail(`${where}: the condition refers to a missing item "${c.item}"`);
      continue;
    }
    if (target.type !== 'choice') {
      fail(`${where}: the condition refers to "${c.item}", a ${target.type} item (conditions can only read choice items)`);
      continue;
    }
    if (target.choices.length === 0) continue; // already reported; "not a choice of ()" would only add noise
    const known = new Set(target.choices.map((ch) => ch.value));
    const values = c.in ?? [c.equals ?? c.notEquals ?? ''];
    const unknown = values.filter((v) => !known.has(v));
    if (unknown.length > 0) {
      fail(`${where}: the condition tests ${unknown.map((v) => `"${v}"`).join(', ')}, not a choice of "${c.item}" (${[...known].map((v) => `"${v}"`).join(', ')})`);
      continue;
    }
    edges.set(item.id, c.item);
  }
  // Each item reads at most one other, so a cycle is found by walking the chain from every item.
  const reported = new Set<string>();
  for (const start of edges.keys()) {
    const chain = [start];
    let next = edges.get(start);
    while (next !== undefined && !chain.includes(next)) {
      chain.push(next);
      next = edges.get(next);
    }
    if (next === undefined) continue;
    const cycle = chain.slice(chain.indexOf(next));
    const key = [...cycle].sort().join(',');
    if (reported.has(key)) continue;
    reported.add(key);
    fail(`${paths.get(next) ?? next}: conditions form a cycle (${[...cycle, next].map((id) => `"${id}"`).join(' -> ')})`);
  }
}
