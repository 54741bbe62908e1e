import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { LocalDb } from '../storage/localDb.ts';
import { ReadDraft } from './readDraft.ts';
import type { Measurement } from '../measure/measurementModel.ts';

const m = (id: string, createdAt: number): Measurement => ({ id, kind: 'length', points: [[0, 0, 0], [3, 4, 0]], normal: [0, 0, 1], itemId: 'pa_diameter', lengthMm: 5, stats: null, createdAt });

describe('ReadDraft', () => {
  it('keeps answers and measurements per case and reader, the latest answer winning', async () => {
    const db = new LocalDb('read-draft-test');
    const mine = new ReadDraft(db, 'case-1', 'Reader A');
    const other = new ReadDraft(db, 'case-1', 'Reader B');
    await mine.saveAnswer('covid_pattern', 'typical');
    await mine.saveAnswer('covid_pattern', 'atypical');
    await mine.saveAnswer('other_findings', 'Ünicode <i>text</i>');
    await other.saveAnswer('covid_pattern', 'negative');
    await mine.saveMeasurement(m('b', 2));
    await mine.saveMeasurement(m('a', 1));
    await mine.deleteMeasurement('b');
    const loaded = await mine.load();
    expect(loaded.answers).toEqual({ covid_pattern: 'atypical', other_findings: 'Ünicode <i>text</i>' });
    expect(loaded.measurements.map((x) => x.id)).toEqual(['a']);
    expect((await other.load()).answers).toEqual({ covid_pattern: 'negative' });
    db.close();
  });
});
