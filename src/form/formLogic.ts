// What a form shows and what it still needs, as pure functions of the schema and the answers, so
// the component, the submit check and the SR writer all agree on which answers count.
import { allItems, findItem, type Choice, type ChoiceItem, type FormItem, type FormSchema, type ItemCondition } from './formSchema.ts';

/** choice -> choice value, number / measurement -> number, text -> string; null = not answered. */
export type FormAnswer = string | number | null;
export type FormAnswers = Record<string, FormAnswer>;

export interface FormIssue {
  itemId: string;
  label: string;
  message: string;
}

/** Unanswered: absent, null, or text that is only white space. */
export function isAnswered(value: FormAnswer | undefined): boolean {
  if (value === null || value === undefined) return false;
  return typeof value !== 'string' || value.trim() !== '';
}

function conditionMet(condition: ItemCondition, value: FormAnswer | undefined): boolean {
  // An unanswered question shows none of its follow-ups, "notEquals" included: the reader answers
  // the question first, then its follow-ups appear.
  if (typeof value !== 'string' || value === '') return false;
  if (condition.equals !== undefined) return value === condition.equals;
  if (condition.notEquals !== undefined) return value !== condition.notEquals;
  return condition.in?.includes(value) ?? false;
}

/** Whether an item is shown: its condition, and recursively its controlling item's, are met. */
export function isVisible(schema: FormSchema, itemId: string, answers: FormAnswers): boolean {
  const seen = new Set<string>();
  let item = findItem(schema, itemId);
  while (item) {
    if (!item.condition) return true;
    // parseFormSchema refuses cycles; this guard only keeps a hand-built schema from looping.
    if (seen.has(item.id)) return false;
    seen.add(item.id);
    if (!conditionMet(item.condition, answers[item.condition.item])) return false;
    // A condition on a hidden item counts as not met, so a chain of follow-ups hides together.
    item = findItem(schema, item.condition.item);
  }
  return false;
}

export function visibleItems(schema: FormSchema, answers: FormAnswers): FormItem[] {
  return allItems(schema).filter((item) => isVisible(schema, item.id, answers));
}

function problemWith(item: FormItem, value: FormAnswer): string | null {
  switch (item.type) {
    case 'choice':
      if (typeof value !== 'string' || !item.choices.some((c) => c.value === value)) return `"${String(value)}" is not one of the choices`;
      return null;
    case 'number':
    case 'measurement':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'Enter a number';
      if (value < item.min || value > item.max) return `Must be between ${item.min} and ${item.max} ${item.unit.code}`;
      return null;
    case 'text':
      if (typeof value !== 'string') return 'Enter text';
      if (value.length > item.maxLength) return `At most ${item.maxLength} characters (now ${value.length})`;
      return null;
  }
}

/** Problems with the shown items' answers, in form order; answers of hidden items are ignored. */
export function validateAnswers(schema: FormSchema, answers: FormAnswers): FormIssue[] {
  const issues: FormIssue[] = [];
  for (const item of visibleItems(schema, answers)) {
    const value = answers[item.id];
    const message = isAnswered(value) ? problemWith(item, value as FormAnswer) : item.required ? 'Required' : null;
    if (message) issues.push({ itemId: item.id, label: item.label, message });
  }
  return issues;
}

/** The answers that go into the report: shown items that are answered, in form order. */
export function answersToSubmit(schema: FormSchema, answers: FormAnswers): FormAnswers {
  const out: FormAnswers = {};
  for (const item of visibleItems(schema, answers)) {
    const value = answers[item.id];
    if (isAnswered(value)) out[item.id] = value as FormAnswer;
  }
  return out;
}

/** Keys 1..9 pick the nth choice (keyboard entry); any other key, or a number past the last choice, gives null. */
export function choiceForKey(item: ChoiceItem, key: string): Choice | null {
  if (!/^[1-9]$/.test(key)) return null;
  return item.choices[Number(key) - 1] ?? null;
}
