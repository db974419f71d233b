import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollingPercentileRank } from './percentile-rank.ts';

describe('RollingPercentileRank', () => {
  it('ranks the new value among the last window values, NaN until the window is full', () => {
    const r = new RollingPercentileRank(4);
    expect(Number.isNaN(r.push(3))).toBe(true);
    expect(Number.isNaN(r.push(Number.NaN))).toBe(true); // skipped, does not fill the window
    expect(Number.isNaN(r.push(1))).toBe(true);
    expect(Number.isNaN(r.push(2))).toBe(true);
    expect(r.push(5)).toBe(1); // [3,1,2,5]: all ≤ 5
    expect(r.push(1)).toBe(0.5); // [1,2,5,1]: 1,1 ≤ 1
    expect(r.push(2.5)).toBe(0.75); // [2,5,1,2.5]
  });
});

/** The definition, one comparison per window value. */
function naiveRanks(values: readonly number[], window: number): number[] {
  const win: number[] = [];
  const out: number[] = [];
  for (const x of values) {
    if (Number.isNaN(x)) {
      out.push(Number.NaN);
      continue;
    }
    win.push(x);
    if (win.length > window) win.shift();
    out.push(win.length < window ? Number.NaN : win.filter((v) => v <= x).length / window);
  }
  return out;
}

describe('RollingPercentileRank against the definition', () => {
  it('gives the same rank as counting the window, ties, zeros and NaN gaps included', () => {
    const value = fc.oneof(
      fc.integer({ min: -3, max: 3 }),
      fc.constantFrom(Number.NaN, -0, 0, Number.POSITIVE_INFINITY),
      fc.double({ noNaN: true, min: -10, max: 10 }),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 200 }), fc.integer({ min: 2, max: 12 }), (values, window) => {
        const r = new RollingPercentileRank(window);
        expect(values.map((x) => r.push(x))).toEqual(naiveRanks(values, window));
      }),
    );
  });
});
