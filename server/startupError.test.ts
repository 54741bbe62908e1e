import { describe, expect, it } from 'vitest';
import { StartupError, shownValue, startupLines } from './startupError.ts';

describe('startupLines', () => {
  it('prints a StartupError as its message, after "ctaw: "', () => {
    expect(startupLines(new StartupError('CTAW_PORT', 'CTAW_PORT=5173 is in use by another program: stop it or set CTAW_PORT to a free port'), false)).toBe(
      'ctaw: CTAW_PORT=5173 is in use by another program: stop it or set CTAW_PORT to a free port',
    );
  });

  it('gives an unexpected error its message and the way to its stack', () => {
    expect(startupLines(new Error('disk on fire\n  and more'), false)).toBe('ctaw: could not start: disk on fire and more (set CTAW_DEBUG=1 to see where)');
    expect(startupLines('thrown string', false)).toBe('ctaw: could not start: thrown string (set CTAW_DEBUG=1 to see where)');
    const debug = startupLines(new Error('outer', { cause: new Error('inner') }), true).split('\n');
    expect(debug[0]).toBe('ctaw: could not start: outer');
    expect(debug.some((l) => l.startsWith('    at '))).toBe(true);
    expect(debug).toContain('caused by: Error: inner');
  });

  it('adds the stack with CTAW_DEBUG=1 only', () => {
    const err = new StartupError('CTAW_HOST', 'CTAW_HOST=x is not an address of this machine');
    expect(startupLines(err, false)).not.toContain('\n');
    expect(startupLines(err, true).split('\n')[0]).toBe('ctaw: CTAW_HOST=x is not an address of this machine');
    expect(startupLines(err, true)).toContain('    at ');
  });
});

describe('shownValue', () => {
  it('keeps printable ASCII, quotes anything else, and shortens a long value', () => {
    expect(shownValue('5180')).toBe('5180');
    expect(shownValue('a\tb')).toBe('"a\\tb"');
    expect(shownValue('é')).toBe('"?"');
    expect(shownValue('x'.repeat(100))).toBe(`${'x'.repeat(77)}...`);
  });
});
