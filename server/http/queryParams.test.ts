import { describe, expect, it } from 'vitest';
import { QUERY_PROBLEM, parseQueryString } from './queryParams.ts';

describe('parseQueryString', () => {
  it('one string per name, decoded', () => {
    expect({ ...parseQueryString('state=new,in_progress&q=Case+00%31&sort=-assignedAt&empty=') }).toEqual({ state: 'new,in_progress', q: 'Case 001', sort: '-assignedAt', empty: '' });
    expect({ ...parseQueryString('') }).toEqual({});
  });

  it('names like __proto__ are plain names', () => {
    const q = parseQueryString('__proto__=x&constructor=y');
    expect(q.__proto__).toBe('x');
    expect(q.constructor).toBe('y');
    expect(Object.getPrototypeOf(q)).toBeNull();
  });

  it('a repeated name is a problem naming it, and leaves no parameters', () => {
    const q = parseQueryString('q=a&q=b');
    expect(q[QUERY_PROBLEM]).toBe('the query parameter "q" is given more than once');
    expect(Object.keys(q)).toEqual([]);
    expect(parseQueryString('state=new&limit=1&state=submitted')[QUERY_PROBLEM]).toBe('the query parameter "state" is given more than once');
  });

  it('array and object names (brackets, also percent-encoded) are a problem', () => {
    expect(parseQueryString('a[]=1')[QUERY_PROBLEM]).toBe('the query parameter "a[]" is not a plain name: arrays and objects are not taken');
    expect(parseQueryString('sort%5Bx%5D=1')[QUERY_PROBLEM]).toBe('the query parameter "sort[x]" is not a plain name: arrays and objects are not taken');
    expect(parseQueryString('=1')[QUERY_PROBLEM]).toBe('a query parameter has no name');
  });

  it('shows at most 64 characters of a name', () => {
    const long = 'x'.repeat(100);
    expect(parseQueryString(`${long}=1&${long}=2`)[QUERY_PROBLEM]).toBe(`the query parameter "${'x'.repeat(64)}…" is given more than once`);
  });
});
