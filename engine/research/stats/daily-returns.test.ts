import { describe, expect, it } from 'vitest';
import { alignDaily, dailyReturnsFromEquity } from './daily-returns.ts';
import { annualisedSharpe, annualisedSortino, maxDrawdownOfReturns, totalReturn } from './return-stats.ts';

const D = 86_400_000;
const H = 3_600_000;

describe('daily returns from an equity curve', () => {
  it('takes the last sample of each UTC day and carries it over days without samples', () => {
    const ts = [0, 5 * H, 23 * H, D + 2 * H, 3 * D + H];
    const eq = [100, 105, 110, 99, 108.9];
    const r = dailyReturnsFromEquity(ts, eq);
    expect(Array.from(r.days)).toEqual([0, D, 2 * D, 3 * D]);
    expect(r.returns[0]).toBeCloseTo(0.1, 14);
    expect(r.returns[1]).toBeCloseTo(-0.1, 14);
    expect(r.returns[2]).toBe(0);
    expect(r.returns[3]).toBeCloseTo(0.1, 14);
    expect(totalReturn(r.returns)).toBeCloseTo(108.9 / 100 - 1, 12);
  });

  it('aligns two curves on their common days', () => {
    const a = { days: Float64Array.from([0, D, 2 * D]), returns: Float64Array.from([0.1, 0.2, 0.3]) };
    const b = { days: Float64Array.from([D, 2 * D, 3 * D]), returns: Float64Array.from([1, 2, 3]) };
    const r = alignDaily(a, b);
    expect(Array.from(r.days)).toEqual([D, 2 * D]);
    expect(Array.from(r.a)).toEqual([0.2, 0.3]);
    expect(Array.from(r.b)).toEqual([1, 2]);
  });

  it('refuses equity that goes back in time', () => {
    expect(() => dailyReturnsFromEquity([0, 2 * H, H], [1, 1, 1])).toThrow(/increase/);
  });
});

describe('return statistics', () => {
  it('max drawdown of +10%, −50%, +20% is 50%', () => {
    expect(maxDrawdownOfReturns([0.1, -0.5, 0.2])).toBeCloseTo(0.5, 14);
  });
  it('Sharpe and Sortino annualise with √365', () => {
    const r = [0.01, -0.01, 0.02, 0.0];
    const m = 0.005;
    const sd = Math.sqrt((0.005 ** 2 * 2 + 0.015 ** 2 + 0.015 ** 2) / 3);
    expect(annualisedSharpe(r)).toBeCloseTo((m / sd) * Math.sqrt(365), 12);
    expect(annualisedSortino(r)).toBeCloseTo((m / Math.sqrt(0.0001 / 4)) * Math.sqrt(365), 12);
  });
});
