import { describe, expect, it } from 'vitest';
import { parseWorklistQuery } from './worklist.ts';

describe('parseWorklistQuery', () => {
  it('has defaults: every state, state then label order, 100 rows', () => {
    expect(parseWorklistQuery({})).toEqual({
      states: null,
      studyId: null,
      label: null,
      sort: [{ key: 'state', desc: false }, { key: 'label', desc: false }],
      limit: 100,
      offset: 0,
    });
  });

  it('reads filters, sort keys and paging', () => {
    expect(parseWorklistQuery({ state: 'new,in_progress', study: '3', q: ' Case 00 ', sort: '-assignedAt,label', limit: '20', offset: '40' })).toEqual({
      states: ['new', 'in_progress'],
      studyId: 3,
      label: 'Case 00',
      sort: [{ key: 'assignedAt', desc: true }, { key: 'label', desc: false }],
      limit: 20,
      offset: 40,
    });
  });

  it('refuses unknown states and sort keys, and out-of-range paging', () => {
    for (const q of [{ state: 'done' }, { sort: 'patientName' }, { sort: 'label;DROP TABLE' }, { limit: '1001' }, { limit: '-1' }, { offset: 'x' }, { study: 'abc' }]) {
      expect(parseWorklistQuery(q), JSON.stringify(q)).toHaveProperty('error');
    }
  });
});
