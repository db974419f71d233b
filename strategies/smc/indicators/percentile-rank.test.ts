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
