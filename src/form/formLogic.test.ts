import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answersToSubmit, choiceForKey, isVisible, validateAnswers, visibleItems, type FormAnswers } from './formLogic.ts';
import { findItem, parseFormSchema, type ChoiceItem } from './formSchema.ts';

const schema = parseFormSchema(JSON.parse(readFileSync(resolve(import.meta.dirname, '../../public/forms/chest-ct-comorbidity.v1.json'), 'utf8')));

const code = (value: string) => ({ value, scheme: '99TEST', meaning: value });
const choice = (id: string, values: string[], condition?: object) => ({
  id, type: 'choice', label: id, required: true, concept: code(id), choices: values.map((v) => ({ value: v, label: v, code: code(v) })), ...(condition ? { condition } : {}),
});

/** a -> b (when a = yes) -> c (when b is not "no") -> d (when c is x or y). */
const chain = parseFormSchema({
  schemaId: 'chain', version: '1', title: 'Chain',
  sections: [{ id: 's', title: 'S', items: [
    choice('a', ['yes', 'no']),
    choice('b', ['yes', 'no'], { item: 'a', equals: 'yes' }),
    choice('c', ['x', 'y', 'z'], { item: 'b', notEquals: 'no' }),
    choice('d', ['one'], { item: 'c', in: ['x', 'y'] }),
  ] }],
});

const ids = (answers: FormAnswers) => visibleItems(chain, answers).map((i) => i.id);

describe('conditional items', () => {
  it('appear when their condition is met and a chain hides with its first link', () => {
    expect(ids({})).toEqual(['a']);
    expect(ids({ a: 'no' })).toEqual(['a']);
    expect(ids({ a: 'yes' })).toEqual(['a', 'b']); // c waits for b: an unanswered question shows no follow-up
    expect(ids({ a: 'yes', b: 'yes' })).toEqual(['a', 'b', 'c']);
    expect(ids({ a: 'yes', b: 'yes', c: 'y' })).toEqual(['a', 'b', 'c', 'd']);
    expect(ids({ a: 'yes', b: 'yes', c: 'z' })).toEqual(['a', 'b', 'c']);
    expect(ids({ a: 'yes', b: 'no', c: 'x' })).toEqual(['a', 'b']);
    // a changes to "no": b hides, and with it c and d although their own answers still match.
    expect(ids({ a: 'no', b: 'yes', c: 'x' })).toEqual(['a']);
    expect(isVisible(chain, 'd', { a: 'no', b: 'yes', c: 'x' })).toBe(false);
    expect(isVisible(chain, 'unknown', {})).toBe(false);
  });

  it('in the chest CT form: emphysema type unless none, fibrosis description only when present', () => {
    expect(isVisible(schema, 'emphysema_type', {})).toBe(false);
    expect(isVisible(schema, 'emphysema_type', { emphysema: 'none' })).toBe(false);
    expect(isVisible(schema, 'emphysema_type', { emphysema: 'trace' })).toBe(true);
    expect(isVisible(schema, 'emphysema_type', { emphysema: 'advanced_destructive' })).toBe(true);
    expect(isVisible(schema, 'fibrosis_description', { fibrosis: 'none' })).toBe(false);
    expect(isVisible(schema, 'fibrosis_description', { fibrosis: 'present' })).toBe(true);
    expect(visibleItems(schema, {})).toHaveLength(12);
  });
});

describe('answer checks', () => {
  it('asks for the required answers of shown items only', () => {
    expect(validateAnswers(schema, {})).toEqual([
      { itemId: 'covid_pattern', label: 'COVID-19 CT pattern', message: 'Required' },
      { itemId: 'pneumonia_extent', label: 'Visual extent of pneumonia', message: 'Required' },
    ]);
    expect(validateAnswers(schema, { covid_pattern: 'typical', pneumonia_extent: 'under10' })).toEqual([]);
    // The fibrosis description is required once it shows; blank text is no answer.
    expect(validateAnswers(schema, { covid_pattern: 'typical', pneumonia_extent: 'under10', fibrosis: 'present', fibrosis_description: '   ' })).toEqual([
      { itemId: 'fibrosis_description', label: 'Fibrosis / ILA description', message: 'Required' },
    ]);
  });

  it('checks ranges, numbers, choice values and text length', () => {
    const ok = { covid_pattern: 'typical', pneumonia_extent: 'none' };
    expect(validateAnswers(schema, { ...ok, pa_diameter: 10, aorta_diameter: 80, subcutaneous_fat: 0 })).toEqual([]);
    expect(validateAnswers(schema, { ...ok, pa_diameter: 9.9 })).toEqual([{ itemId: 'pa_diameter', label: 'Pulmonary artery trunk diameter', message: 'Must be between 10 and 60 mm' }]);
    expect(validateAnswers(schema, { ...ok, pa_diameter: 60.01 })[0].message).toBe('Must be between 10 and 60 mm');
    expect(validateAnswers(schema, { ...ok, subcutaneous_fat: NaN })[0]).toMatchObject({ itemId: 'subcutaneous_fat', message: 'Enter a number' });
    expect(validateAnswers(schema, { ...ok, subcutaneous_fat: Infinity })[0].message).toBe('Enter a number');
    expect(validateAnswers(schema, { ...ok, subcutaneous_fat: '12' })[0].message).toBe('Enter a number');
    expect(validateAnswers(schema, { ...ok, covid_pattern: 'likely' })).toEqual([{ itemId: 'covid_pattern', label: 'COVID-19 CT pattern', message: '"likely" is not one of the choices' }]);
    expect(validateAnswers(schema, { ...ok, other_findings: 'x'.repeat(2000) })).toEqual([]);
    expect(validateAnswers(schema, { ...ok, other_findings: 'x'.repeat(2001) })).toEqual([{ itemId: 'other_findings', label: 'Other findings', message: 'At most 2000 characters (now 2001)' }]);
  });

  it('ignores and drops the answers of hidden items', () => {
    const answers = { covid_pattern: 'typical', pneumonia_extent: 'none', emphysema: 'none', emphysema_type: 'bogus', fibrosis: 'none', fibrosis_description: 'x'.repeat(900), other_findings: '', stray: 5 };
    expect(validateAnswers(schema, answers)).toEqual([]);
    expect(answersToSubmit(schema, answers)).toEqual({ covid_pattern: 'typical', pneumonia_extent: 'none', emphysema: 'none', fibrosis: 'none' });
    expect(answersToSubmit(schema, { ...answers, emphysema: 'mild', emphysema_type: 'paraseptal', pa_diameter: 31.5 })).toEqual({
      covid_pattern: 'typical', pneumonia_extent: 'none', pa_diameter: 31.5, emphysema: 'mild', emphysema_type: 'paraseptal', fibrosis: 'none',
    });
  });
});

describe('keyboard choice', () => {
  it('keys 1..9 pick the nth choice; others pick nothing', () => {
    const emphysema = findItem(schema, 'emphysema') as ChoiceItem;
    expect(choiceForKey(emphysema, '1')?.value).toBe('none');
    expect(choiceForKey(emphysema, '6')?.value).toBe('advanced_destructive');
    expect(choiceForKey(emphysema, '7')).toBeNull();
    expect(choiceForKey(emphysema, '0')).toBeNull();
    expect(choiceForKey(emphysema, '10')).toBeNull();
    expect(choiceForKey(emphysema, 'a')).toBeNull();
  });
});
