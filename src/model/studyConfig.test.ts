import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudyConfig } from './studyConfig.ts';

const shipped = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../public/study-config.json'), 'utf8'));

describe('study configuration', () => {
  it('the shipped file lists GGO, consolidation and other lesion with codes', () => {
    const config = parseStudyConfig(shipped);
    expect(config.segments.map((s) => s.label)).toEqual(['Ground-glass opacity', 'Consolidation', 'Other lesion']);
    for (const s of config.segments) expect(s.type.value).toMatch(/^\d+$/);
    expect(config.form).toBe('/forms/chest-ct-comorbidity.v1.json');
  });

  it('rejects broken files with a message naming the problem', () => {
    expect(() => parseStudyConfig({ ...shipped, version: 2 })).toThrow(/version 2/);
    expect(() => parseStudyConfig({ ...shipped, segments: [] })).toThrow(/at least one/);
    expect(() => parseStudyConfig({ ...shipped, segments: [shipped.segments[0], shipped.segments[0]] })).toThrow(/used twice/);
    expect(() => parseStudyConfig({ ...shipped, segments: [{ ...shipped.segments[0], color: [0, 0, 300] }] })).toThrow(/segments\[0\]\.color/);
    expect(() => parseStudyConfig({ ...shipped, segments: [{ ...shipped.segments[0], type: { value: '1' } }] })).toThrow(/segments\[0\]\.type/);
    expect(() => parseStudyConfig({ ...shipped, form: 'https://elsewhere.example/form.json' })).toThrow(/"form" must be a path/);
    expect(() => parseStudyConfig({ ...shipped, form: '/forms/../x.json' })).toThrow(/"form"/);
    expect(parseStudyConfig({ ...shipped, form: undefined }).form).toBeNull();
    expect(() => parseStudyConfig({ ...shipped, optionalSegments: {} })).toThrow(/"optionalSegments"/);
    expect(() => parseStudyConfig({ ...shipped, optionalSegments: [shipped.segments[0]] })).toThrow(/optionalSegments\[0\]: the label "Ground-glass opacity" is used twice/);
  });

  it('offers the five lobes as optional segments, typed by their SNOMED CT codes', () => {
    const config = parseStudyConfig(shipped);
    expect(config.optionalSegments!.map((s) => [s.label, s.type.value, s.category.value])).toEqual([
      ['RUL (lobe)', '45653009', '91723000'],
      ['RML (lobe)', '72481006', '91723000'],
      ['RLL (lobe)', '90572001', '91723000'],
      ['LUL (lobe)', '44714003', '91723000'],
      ['LLL (lobe)', '41224006', '91723000'],
    ]);
    expect(parseStudyConfig({ ...shipped, optionalSegments: undefined }).optionalSegments).toEqual([]);
  });
});
