import { describe, expect, it } from 'vitest';
import { messageForStatus } from './httpClient.ts';

describe('messageForStatus', () => {
  it('says what an HTTP failure means to a reader', () => {
    expect(messageForStatus(404)).toEqual({ kind: 'not-found', message: expect.stringContaining('does not have this study') });
    expect(messageForStatus(500).message).toContain('HTTP 500');
    expect(messageForStatus(502).kind).toBe('server');
    expect(messageForStatus(504).kind).toBe('timeout');
    expect(messageForStatus(401).kind).toBe('refused');
  });
});
