import { describe, expect, it } from 'vitest';
import { stowInstance } from './stowClient.ts';

const answer = (status: number, body: unknown) => (async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/dicom+json' } })) as unknown as typeof fetch;
const failed = (reason: number) => ({ '00081198': { vr: 'SQ', Value: [{ '00081197': { vr: 'US', Value: [reason] } }] } });
const bytes = new Uint8Array([1, 2, 3]);

describe('STOW-RS outcome', () => {
  it('a stored instance, and one the archive already holds, count as sent', async () => {
    expect(await stowInstance('/dicom-web', bytes, 1000, answer(200, { '00081199': { vr: 'SQ', Value: [{}] } }))).toEqual({ ok: true, duplicate: false });
    expect(await stowInstance('/dicom-web', bytes, 1000, answer(409, failed(0x0111)))).toEqual({ ok: true, duplicate: true });
  });

  it('server errors and a lost connection are retried; a refusal is not', async () => {
    expect(await stowInstance('/dicom-web', bytes, 1000, answer(503, {}))).toMatchObject({ ok: false, retry: true });
    expect(await stowInstance('/dicom-web', bytes, 1000, answer(500, {}))).toMatchObject({ ok: false, retry: true });
    const down = (async () => { throw new TypeError('Failed to fetch'); }) as unknown as typeof fetch;
    expect(await stowInstance('/dicom-web', bytes, 1000, down)).toEqual({ ok: false, retry: true, reason: 'the server cannot be reached', unreachable: true, unanswered: true });
    // A time-out is a slow server, not a missing network.
    const slow = (async (_u: string, init: RequestInit) => new Promise((_r, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)))) as unknown as typeof fetch;
    expect(await stowInstance('/dicom-web', bytes, 20, slow)).toMatchObject({ ok: false, retry: true, unanswered: true, reason: 'no answer within 0 s' });
    expect(await stowInstance('/dicom-web', bytes, 20, slow)).not.toHaveProperty('unreachable');
    expect(await stowInstance('/dicom-web', bytes, 1000, answer(409, failed(0xa900)))).toMatchObject({ ok: false, retry: false, reason: expect.stringContaining('0xa900') });
    expect(await stowInstance('/dicom-web', bytes, 1000, answer(400, {}))).toMatchObject({ ok: false, retry: false });
  });

  it('an ended session keeps the result for after the next login, and the CSRF header goes out', async () => {
    let sent: Headers | null = null;
    const spy = (async (_url: string, init: RequestInit) => {
      sent = new Headers(init.headers);
      return new Response('{}', { status: 401 });
    }) as unknown as typeof fetch;
    expect(await stowInstance('/dicom-web', bytes, 1000, spy, { 'x-csrf-token': 'tok' })).toMatchObject({ ok: false, retry: true, loginNeeded: true });
    expect(sent!.get('x-csrf-token')).toBe('tok');
  });
});
