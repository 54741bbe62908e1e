import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFormSchema } from './formSchema.ts';
import { formToSrAnswers } from './formToSr.ts';
import type { Measurement } from '../measure/measurementModel.ts';

const schema = parseFormSchema(JSON.parse(readFileSync(join(import.meta.dirname, '../../public/forms/chest-ct-comorbidity.v1.json'), 'utf8')));

const pa: Measurement = { id: 'm1', kind: 'length', points: [[10, 20, -100], [40, 20, -100]], normal: [0, 0, 1], itemId: 'pa_diameter', lengthMm: 30, stats: null, createdAt: 1 };

describe('formToSrAnswers', () => {
  it('writes choices as their codes, numbers with unit and measurement, text as text, in form order', () => {
    const answers = formToSrAnswers(schema, { other_findings: 'Hiatal hernia <b>', covid_pattern: 'typical', pa_diameter: 30, emphysema: 'none' }, [pa]);
    expect(answers.map((a) => a.itemId)).toEqual(['covid_pattern', 'pa_diameter', 'emphysema', 'other_findings']);
    expect(answers[0]).toMatchObject({ kind: 'code', value: { value: 'COVID-TYPICAL', scheme: '99CTAW' } });
    expect(answers[1]).toMatchObject({ kind: 'num', value: 30, unit: { code: 'mm' }, measurement: { graphicType: 'POLYLINE', points: [[10, 20, -100], [40, 20, -100]] } });
    expect(answers[2]).toMatchObject({ kind: 'code', value: { value: '260413007', scheme: 'SCT' } });
    expect(answers[3]).toEqual({ itemId: 'other_findings', concept: schema.sections.flatMap((s) => s.items).find((i) => i.id === 'other_findings')!.concept, kind: 'text', value: 'Hiatal hernia <b>' });
  });

  it('leaves out hidden and unanswered items, and numbers typed without a measurement carry none', () => {
    const answers = formToSrAnswers(schema, { emphysema: 'none', emphysema_type: 'paraseptal', fibrosis: null, aorta_diameter: 33.5 }, [pa]);
    expect(answers.map((a) => a.itemId)).toEqual(['aorta_diameter', 'emphysema']);
    expect(answers[0]).not.toHaveProperty('measurement');
  });
});
