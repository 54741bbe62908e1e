import { describe, expect, it } from 'vitest';
import { handleQuantRequest, type QuantWorkerState } from './quant.worker.ts';
import type { QuantResponse } from '../src/quant/quantWorkerClient.ts';
import { chestPhantom } from '../src/quant/phantom.testSupport.ts';
import { segmentLungs } from '../src/quant/lungMask.ts';
import { suggestLesions } from '../src/quant/lesionSuggestion.ts';
import { readFigures } from '../src/quant/readFigures.ts';

function run(state: QuantWorkerState, request: Parameters<typeof handleQuantRequest>[1]) {
  const posted: Array<{ response: QuantResponse; transfer: ArrayBuffer[] }> = [];
  handleQuantRequest(state, request, (response, transfer) => posted.push({ response, transfer }));
  return posted;
}

describe('the quantification worker', () => {
  const { ct } = chestPhantom({ dims: [64, 64, 32] });

  it('answers the lung masks of the CT it is given, with progress first and the labels transferred', () => {
    const state: QuantWorkerState = { ct: null };
    const posted = run(state, { id: 3, op: 'lungs', ct });
    const last = posted.at(-1)!;
    expect(posted.slice(0, -1).every((p) => p.response.kind === 'progress' && p.response.id === 3)).toBe(true);
    expect(posted.length).toBeGreaterThan(1);
    expect(last.response.kind).toBe('lungs');
    if (last.response.kind !== 'lungs') return;
    expect(last.transfer).toEqual([last.response.result.labels.buffer]);
    expect(last.response.result.labels).toEqual(segmentLungs(ct).labels);
    expect(state.ct).toBe(ct);
  });

  it('suggests on the CT it kept from an earlier request', () => {
    const state: QuantWorkerState = { ct };
    const lungs = segmentLungs(ct).labels;
    const last = run(state, { id: 4, op: 'suggest', lungs }).at(-1)!.response;
    expect(last.kind).toBe('suggest');
    if (last.kind === 'suggest') expect(last.result.components).toEqual(suggestLesions(ct, lungs).components);
  });

  it('measures the read on the lung mask sent once and kept for the next request', () => {
    const state: QuantWorkerState = { ct };
    const lungs = segmentLungs(ct).labels;
    const labels = new Uint8Array(lungs.length);
    for (let n = 0; n < labels.length; n += 97) if (lungs[n] !== 0) labels[n] = 1;
    const request = { labels, lesionValues: [1], lobeValues: [[], [], [], [], []] };
    const first = run(state, { id: 6, op: 'figures', lungs, ...request }).at(-1)!.response;
    expect(first).toEqual({ id: 6, kind: 'figures', result: readFigures(ct, lungs, request) });
    expect(state.lungs).toBe(lungs);
    const again = run(state, { id: 7, op: 'figures', ...request }).at(-1)!.response;
    expect(again.kind).toBe('figures');
    expect(run({ ct }, { id: 8, op: 'figures', ...request }).at(-1)!.response.kind).toBe('error');
  });

  it('answers an error without a CT', () => {
    expect(run({ ct: null }, { id: 5, op: 'lungs' })).toEqual([{ response: { id: 5, kind: 'error', error: { name: 'Error', message: expect.stringContaining('no CT') } }, transfer: [] }]);
  });
});
