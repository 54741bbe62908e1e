import { describe, expect, it } from 'vitest';
import { handleAgreementRequest } from './agreement.worker.ts';

const read = (userId: number, painted: number[]) => {
  const labels = new Uint8Array(8);
  for (const i of painted) labels[i] = 1;
  return { userId, labels, segments: [{ value: 1, label: 'GGO' }], answers: null, readingTimeS: null };
};

describe('the agreement worker', () => {
  const base = { caseId: 1, versions: [], dims: [2, 2, 2] as const, spacingMm: [1, 1, 1] as const, formItems: [], computedAt: '2026-12-03T00:00:00.000Z' };

  it('answers the case agreement', () => {
    const r = handleAgreementRequest({ id: 4, input: { ...base, reads: [read(1, [0, 1]), read(2, [1])] } });
    expect(r.ok && r.id).toBe(4);
    expect(r.ok && r.agreement.pairs[0].figures.dice).toBe(2 / 3);
  });

  it('answers a refused input as an error with its name', () => {
    const r = handleAgreementRequest({ id: 5, input: { ...base, reads: [read(1, [0]), { ...read(2, []), labels: new Uint8Array(7) }] } });
    expect(r).toEqual({ id: 5, ok: false, error: { name: 'AgreementInputError', message: expect.stringContaining('not on one grid') } });
  });
});
