import { describe, expect, it } from 'vitest';
import { formToSrAnswers } from './formToSr.ts';
import { parseFormSchema } from './formSchema.ts';
import { srToFormAnswers } from './srToForm.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe('SR answers back to form answers', () => {
  it('is the inverse of formToSr for choices, numbers and text', () => {
    const file = readFileSync(join(import.meta.dirname, '../../public/forms/chest-ct-comorbidity.v1.json'), 'utf8');
    const schema = parseFormSchema(JSON.parse(file));
    const answers: Record<string, string | number> = {};
    for (const section of schema.sections) {
      for (const item of section.items) {
        if (item.type === 'choice') answers[item.id] = item.choices[item.choices.length - 1].value;
        else if (item.type === 'text') answers[item.id] = 'a note, with "quotes"';
        else answers[item.id] = item.min + (item.step ?? 1);
      }
    }
    const sr = formToSrAnswers(schema, answers, []);
    const back = srToFormAnswers(schema, sr);
    for (const a of sr) expect(back[a.itemId]).toBe(answers[a.itemId]);
    expect(Object.keys(back).length).toBe(sr.length);
  });
});
