import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allItems, FormSchemaError, parseFormSchema } from './formSchema.ts';

const shipped = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../public/forms/chest-ct-comorbidity.v1.json'), 'utf8'));

const code = (value: string) => ({ value, scheme: '99TEST', meaning: value });

/** A small valid schema; each test breaks one thing in a copy. */
function base() {
  return {
    schemaId: 'test',
    version: '1',
    title: 'Test form',
    sections: [
      {
        id: 'first',
        title: 'First',
        items: [
          { id: 'severity', type: 'choice', label: 'Severity', required: true, concept: code('SEV'), choices: [{ value: 'none', label: 'None', code: code('N') }, { value: 'mild', label: 'Mild', code: code('M') }] },
          { id: 'size', type: 'number', label: 'Size', required: false, concept: code('SIZE'), unit: { code: 'mm', meaning: 'millimeter' }, min: 0, max: 50 },
        ],
      },
      {
        id: 'second',
        title: 'Second',
        items: [
          { id: 'pa_diameter', type: 'measurement', measurementKind: 'length', label: 'PA', required: false, concept: code('PA'), unit: { code: 'mm', meaning: 'millimeter' }, min: 10, max: 60 },
          { id: 'note', type: 'text', label: 'Note', required: false, concept: code('NOTE'), maxLength: 20, condition: { item: 'severity', equals: 'mild' } },
        ],
      },
    ],
  };
}

type Schema = ReturnType<typeof base>;
type AnyItem = Record<string, unknown>;

function withItem(section: number, index: number, change: (item: AnyItem) => AnyItem): Schema {
  const s = structuredClone(base());
  (s.sections[section].items as AnyItem[])[index] = change((s.sections[section].items as AnyItem[])[index]);
  return s;
}

function problemsOf(json: unknown): string[] {
  try {
    parseFormSchema(json);
  } catch (e) {
    expect(e).toBeInstanceOf(FormSchemaError);
    return (e as FormSchemaError).problems;
  }
  throw new Error('the schema was accepted');
}

describe('form schema', () => {
  it('the shipped chest CT form parses, with its items in order and its coding notes kept', () => {
    const schema = parseFormSchema(shipped);
    expect(schema.schemaId).toBe('chest-ct-comorbidity');
    expect(allItems(schema).map((i) => `${i.id}:${i.type}`)).toEqual([
      'covid_pattern:choice',
      'pneumonia_extent:choice',
      'coronary_calcification:choice',
      'aortic_calcification:choice',
      'pa_diameter:measurement',
      'aorta_diameter:measurement',
      'emphysema:choice',
      'emphysema_type:choice',
      'fibrosis:choice',
      'fibrosis_description:text',
      'pleural_effusion:choice',
      'subcutaneous_fat:measurement',
      'epicardial_fat:choice',
      'other_findings:text',
    ]);
    expect(allItems(schema).filter((i) => i.required && !i.condition).map((i) => i.id)).toEqual(['covid_pattern', 'pneumonia_extent']);
    expect(schema.codingNotes).toMatch(/99CTAW/);
  });

  it('the shipped form uses SNOMED CT, DICOM or the private 99CTAW scheme only, and states each private code in its notes', () => {
    const schema = parseFormSchema(shipped);
    const codes = allItems(schema).flatMap((i) => [i.concept, ...(i.type === 'choice' ? i.choices.map((c) => c.code) : [])]);
    for (const c of codes) expect(['SCT', 'DCM', '99CTAW']).toContain(c.scheme);
    for (const c of codes.filter((x) => x.scheme === 'SCT' || x.scheme === 'DCM')) {
      expect(c.value).toMatch(/^\d+$/);
      expect(schema.codingNotes).toContain(`${c.value} ${c.meaning}`);
    }
  });

  it('accepts a minimal valid schema, with a condition on a later item', () => {
    const s = structuredClone(base());
    const [severity, size] = s.sections[0].items as AnyItem[];
    s.sections[0].items = [{ ...size, condition: { item: 'severity', in: ['mild'] } }, severity] as typeof s.sections[0]['items'];
    expect(allItems(parseFormSchema(s)).map((i) => i.id)).toEqual(['size', 'severity', 'pa_diameter', 'note']);
  });

  it('names the path and id of an item with an unknown type', () => {
    expect(() => parseFormSchema(withItem(1, 0, (i) => ({ ...i, type: 'nmber' })))).toThrow('form schema: sections[1].items[0] ("pa_diameter"): unknown type "nmber"');
  });

  it('rejects non-objects, missing fields and empty sections', () => {
    expect(problemsOf(42)).toEqual(['the form schema must be a JSON object']);
    expect(problemsOf({ ...base(), title: '' })).toEqual(['"title" must be a non-empty string']);
    expect(problemsOf({ ...base(), sections: [] })).toEqual(['"sections" must list at least one section']);
    expect(problemsOf(withItem(0, 1, (i) => ({ ...i, label: undefined })))).toEqual(['sections[0].items[1] ("size"): "label" must be a non-empty string']);
    expect(problemsOf(withItem(0, 1, (i) => ({ ...i, required: 'yes' })))).toEqual(['sections[0].items[1] ("size"): "required" must be true or false']);
    expect(problemsOf(withItem(0, 1, (i) => ({ ...i, id: 'Size' })))).toEqual(['sections[0].items[1] ("Size"): "id" must match ^[a-z][a-zA-Z0-9_]*$']);
  });

  it('rejects a duplicate id, naming both places', () => {
    expect(problemsOf(withItem(1, 1, (i) => ({ ...i, id: 'size', condition: undefined })))).toEqual([
      'sections[1].items[1] ("size"): duplicate id "size" (first used at sections[0].items[1] ("size"))',
    ]);
  });

  it('rejects conditions on a missing item, a non-choice item, an unknown value or the item itself', () => {
    expect(problemsOf(withItem(1, 1, (i) => ({ ...i, condition: { item: 'severty', equals: 'mild' } })))).toEqual([
      'sections[1].items[1] ("note"): the condition refers to a missing item "severty"',
    ]);
    expect(problemsOf(withItem(1, 1, (i) => ({ ...i, condition: { item: 'size', equals: 'mild' } })))).toEqual([
      'sections[1].items[1] ("note"): the condition refers to "size", a number item (conditions can only read choice items)',
    ]);
    expect(problemsOf(withItem(1, 1, (i) => ({ ...i, condition: { item: 'severity', in: ['mild', 'severe'] } })))).toEqual([
      'sections[1].items[1] ("note"): the condition tests "severe", not a choice of "severity" ("none", "mild")',
    ]);
    expect(problemsOf(withItem(0, 0, (i) => ({ ...i, condition: { item: 'severity', notEquals: 'none' } })))).toEqual([
      'sections[0].items[0] ("severity"): the condition refers to the item itself',
    ]);
    expect(problemsOf(withItem(1, 1, (i) => ({ ...i, condition: { item: 'severity', equals: 'mild', notEquals: 'none' } })))).toEqual([
      'sections[1].items[1] ("note").condition must have exactly one of "equals", "in" or "notEquals"',
    ]);
  });

  it('rejects a cycle of conditions', () => {
    const s = structuredClone(base());
    const items = s.sections[0].items as AnyItem[];
    items.push({ id: 'other', type: 'choice', label: 'Other', required: false, concept: code('O'), choices: [{ value: 'yes', label: 'Yes', code: code('Y') }], condition: { item: 'severity', equals: 'mild' } });
    items[0] = { ...items[0], condition: { item: 'other', equals: 'yes' } };
    expect(problemsOf(s)).toEqual(['sections[0].items[0] ("severity"): conditions form a cycle ("severity" -> "other" -> "severity")']);
  });

  it('rejects choice items without choices or with duplicate values', () => {
    expect(problemsOf(withItem(0, 0, (i) => ({ ...i, choices: [] })))).toEqual(['sections[0].items[0] ("severity"): a choice item needs at least one entry in "choices"']);
    expect(problemsOf(withItem(0, 0, (i) => ({ ...i, choices: [...(i.choices as unknown[]), { value: 'none', label: 'Nothing', code: code('N2') }] })))).toEqual([
      'sections[0].items[0] ("severity").choices[2]: duplicate choice value "none"',
    ]);
  });

  it('rejects min > max, a bad unit, a bad measurement kind and a bad maxLength', () => {
    expect(problemsOf(withItem(0, 1, (i) => ({ ...i, min: 60, max: 10 })))).toEqual(['sections[0].items[1] ("size"): min 60 is greater than max 10']);
    expect(problemsOf(withItem(0, 1, (i) => ({ ...i, unit: 'mm' })))).toEqual(['sections[0].items[1] ("size").unit must be a UCUM unit with non-empty "code" and "meaning"']);
    expect(problemsOf(withItem(1, 0, (i) => ({ ...i, measurementKind: 'area' })))).toEqual(['sections[1].items[0] ("pa_diameter"): "measurementKind" must be "length" or "ellipse"']);
    expect(problemsOf(withItem(1, 1, (i) => ({ ...i, maxLength: 0 })))).toEqual(['sections[1].items[1] ("note"): "maxLength" must be a positive integer']);
  });

  it('rejects missing or malformed coded concepts, including ones too long for DICOM', () => {
    expect(problemsOf(withItem(0, 1, (i) => ({ ...i, concept: undefined })))).toEqual(['sections[0].items[1] ("size").concept must be a code with non-empty "value", "scheme" and "meaning"']);
    expect(problemsOf(withItem(0, 0, (i) => ({ ...i, choices: [{ value: 'none', label: 'None', code: { value: 'N', scheme: 'SCT' } }, { value: 'mild', label: 'Mild', code: code('M') }] })))).toEqual([
      'sections[0].items[0] ("severity").choices[0].code must be a code with non-empty "value", "scheme" and "meaning"',
    ]);
    expect(problemsOf(withItem(0, 1, (i) => ({ ...i, concept: code('A-CODE-VALUE-OF-20C') })))).toEqual([
      'sections[0].items[1] ("size").concept: code value "A-CODE-VALUE-OF-20C" is longer than 16 characters',
    ]);
  });

  it('lists every problem in one message', () => {
    const s = withItem(1, 0, (i) => ({ ...i, type: 'nmber' }));
    (s.sections[0].items as AnyItem[])[1].min = 99;
    const error = (() => {
      try {
        parseFormSchema(s);
      } catch (e) {
        return e as FormSchemaError;
      }
      throw new Error('accepted');
    })();
    expect(error.problems).toHaveLength(2);
    expect(error.message).toBe(
      'form schema has 2 problems:\n- sections[0].items[1] ("size"): min 99 is greater than max 50\n- sections[1].items[0] ("pa_diameter"): unknown type "nmber" (expected "choice", "number", "text", "measurement")',
    );
  });
});
