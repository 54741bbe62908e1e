import { describe, expect, it } from 'vitest';
import { PlanError, planAssignments } from './assignmentPlan.ts';

const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);

function loads(plan: ReturnType<typeof planAssignments>): Map<number, number> {
  const m = new Map<number, number>();
  for (const p of plan) for (const r of p.readerIds) m.set(r, (m.get(r) ?? 0) + 1);
  return m;
}

describe('planAssignments', () => {
  it('gives the same plan for the same seed, and another for another seed', () => {
    const input = { caseIds: range(50), readerIds: range(7, 100), readersPerCase: 2, seed: 'study-1' };
    const a = planAssignments(input);
    expect(planAssignments({ ...input, readerIds: [...input.readerIds].reverse() })).toEqual(a);
    expect(planAssignments(input)).toEqual(a);
    expect(planAssignments({ ...input, seed: 'study-2' })).not.toEqual(a);
  });

  it('picks N distinct readers per case', () => {
    for (const n of [1, 2, 3, 5]) {
      const plan = planAssignments({ caseIds: range(40), readerIds: range(5), readersPerCase: n, seed: `distinct-${n}` });
      expect(plan).toHaveLength(40);
      for (const p of plan) {
        expect(p.readerIds).toHaveLength(n);
        expect(new Set(p.readerIds).size).toBe(n);
      }
    }
  });

  it('keeps the loads within one of each other, after every case', () => {
    for (const [cases, readers, n] of [[10_000, 20, 2], [13, 4, 3], [101, 7, 2], [5, 9, 1], [1, 3, 3]] as const) {
      const plan = planAssignments({ caseIds: range(cases), readerIds: range(readers), readersPerCase: n, seed: 'balance' });
      const counts = [...loads(plan).values()];
      const total = counts.reduce((s, c) => s + c, 0);
      expect(total).toBe(cases * n);
      const present = readers <= cases * n ? readers : cases * n;
      expect(counts.length).toBe(present);
      expect(Math.max(...counts) - Math.min(...(counts.length === readers ? counts : [...counts, 0]))).toBeLessThanOrEqual(1);
      // Every prefix is balanced too.
      const running = new Map(range(readers).map((r) => [r, 0]));
      for (const p of plan.slice(0, 200)) {
        for (const r of p.readerIds) running.set(r, running.get(r)! + 1);
        const v = [...running.values()];
        expect(Math.max(...v) - Math.min(...v)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('evens out an existing load with a second batch', () => {
    const existingLoad = new Map([[1, 4], [2, 4], [3, 0], [4, 0]]);
    const plan = planAssignments({ caseIds: range(4, 10), readerIds: [1, 2, 3, 4], readersPerCase: 2, seed: 'x', existingLoad });
    const total = loads(plan);
    expect(total.get(3)).toBe(4);
    expect(total.get(4)).toBe(4);
    expect(total.get(1) ?? 0).toBe(0);
  });

  it('does not reshuffle earlier cases when cases are added at the end', () => {
    const base = planAssignments({ caseIds: range(30), readerIds: range(6), readersPerCase: 2, seed: 's' });
    const more = planAssignments({ caseIds: range(40), readerIds: range(6), readersPerCase: 2, seed: 's' });
    expect(more.slice(0, 30)).toEqual(base);
  });

  it('refuses more readers per case than there are readers', () => {
    expect(() => planAssignments({ caseIds: [1], readerIds: [1], readersPerCase: 2, seed: 's' })).toThrow(PlanError);
    expect(() => planAssignments({ caseIds: [1], readerIds: [1, 2], readersPerCase: 0, seed: 's' })).toThrow(PlanError);
  });

  it('has a known plan for a fixed seed (a change of algorithm shows here)', () => {
    const plan = planAssignments({ caseIds: [1, 2, 3, 4], readerIds: [10, 20, 30], readersPerCase: 2, seed: 'fixed' });
    expect(plan.map((p) => p.readerIds)).toMatchInlineSnapshot(`
      [
        [
          20,
          30,
        ],
        [
          10,
          20,
        ],
        [
          10,
          30,
        ],
        [
          10,
          30,
        ],
      ]
    `);
  });
});
