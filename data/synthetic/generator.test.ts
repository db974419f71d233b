import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CandleSeries } from '../candles/series.ts';
import { UserError } from '../errors.ts';
import { TIMEFRAME_MS, TIMEFRAMES } from '../timeframes.ts';
import { generateSynthetic, REGIME_CODE, REGIMES, syntheticSeries } from './generator.ts';
import { closesFromLegs, seriesFromCloses, seriesFromLegs } from './scripted.ts';
import { generateUniverse, SYNTHETIC_UNIVERSE_45 } from './universe.ts';

/** Index of the first bar that breaks an OHLC invariant, or -1. */
function firstInvalidBar(s: CandleSeries): number {
  const step = TIMEFRAME_MS[s.timeframe];
  for (let i = 0; i < s.length; i++) {
    const vals = [s.open[i], s.high[i], s.low[i], s.close[i], s.volume[i]];
    if (!vals.every(Number.isFinite)) return i;
    if (s.low[i] <= 0 || s.volume[i] < 0) return i;
    if (s.high[i] < Math.max(s.open[i], s.close[i])) return i;
    if (s.low[i] > Math.min(s.open[i], s.close[i])) return i;
    if (s.ts[i] % step !== 0) return i;
    if (i > 0 && s.ts[i] - s.ts[i - 1] !== step) return i;
  }
  return -1;
}

describe('generateSynthetic', () => {
  it('same options → identical arrays; another seed → different prices', () => {
    const a = generateSynthetic({ symbol: 'BTC', length: 2000, seed: 42 });
    const b = generateSynthetic({ symbol: 'btc', length: 2000, seed: 42 });
    const c = generateSynthetic({ symbol: 'BTC', length: 2000, seed: 43 });
    for (const col of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
      expect(Array.from(b.series[col])).toEqual(Array.from(a.series[col]));
    }
    expect(Array.from(b.regime)).toEqual(Array.from(a.regime));
    expect(Array.from(c.series.close)).not.toEqual(Array.from(a.series.close));
  });

  it('labels the series and opens each bar at the previous close', () => {
    const { series: s } = generateSynthetic({ symbol: 'PF_ETHUSD', length: 500, seed: 3, timeframe: '1h' });
    expect([s.source, s.symbol, s.timeframe, s.length]).toEqual(['synthetic', 'ETH', '1h', 500]);
    for (let i = 1; i < s.length; i++) expect(s.open[i]).toBe(s.close[i - 1]);
    expect(s.ts[0]).toBe(Date.UTC(2024, 0, 1));
  });

  it('keeps OHLC invariants for any seed, timeframe, regime mix and tick (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom(...TIMEFRAMES),
        fc.integer({ min: 1, max: 3000 }),
        fc.double({ min: 1e-6, max: 1e5, noNaN: true }),
        fc.option(fc.constantFrom(1e-8, 0.01, 0.5), { nil: undefined }),
        fc.double({ min: 0.05, max: 3, noNaN: true }),
        (seed, timeframe, length, startPrice, tickSize, annualVol) => {
          const { series } = generateSynthetic({
            symbol: 'X',
            seed,
            timeframe,
            length,
            startPrice,
            tickSize,
            annualVol,
          });
          expect(series.length).toBe(length);
          expect(firstInvalidBar(series)).toBe(-1);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('visits every regime over a year of 15m bars, with the expected character', () => {
    const { series: s, regime } = generateSynthetic({
      symbol: 'BTC',
      length: 35_040,
      seed: 7,
      startPrice: 40_000,
    });
    const seen = new Set(regime);
    expect(seen.size).toBe(4);
    // mean |return| per regime: volatile stretches move more than ranges
    const absRet = new Map<number, { sum: number; n: number }>();
    for (let i = 1; i < s.length; i++) {
      const e = absRet.get(regime[i]) ?? { sum: 0, n: 0 };
      e.sum += Math.abs(Math.log(s.close[i] / s.close[i - 1]));
      e.n++;
      absRet.set(regime[i], e);
    }
    const mean = (k: number) => {
      const e = absRet.get(k);
      return e ? e.sum / e.n : Number.NaN;
    };
    expect(mean(REGIME_CODE.volatile)).toBeGreaterThan(2 * mean(REGIME_CODE.range));
    expect(firstInvalidBar(s)).toBe(-1);
  });

  it('follows a regime script: trend legs go their way', () => {
    const { series: s, regime } = generateSynthetic({
      symbol: 'SOL',
      length: 3000,
      seed: 11,
      regimes: [
        { kind: 'trend_up', bars: 1000 },
        { kind: 'trend_down', bars: 1000 },
        { kind: 'range', bars: 1000 },
      ],
    });
    expect(regime[0]).toBe(REGIME_CODE.trend_up);
    expect(regime[999]).toBe(REGIME_CODE.trend_up);
    expect(regime[1000]).toBe(REGIME_CODE.trend_down);
    expect(regime[2999]).toBe(REGIME_CODE.range);
    expect(s.close[999]).toBeGreaterThan(s.open[0] * 1.1);
    expect(s.close[1999]).toBeLessThan(s.close[999] * 0.9);
    // the range stays near where it started
    const rangeMove = Math.abs(Math.log(s.close[2999] / s.close[1999]));
    expect(rangeMove).toBeLessThan(0.1);
    expect(REGIMES).toHaveLength(4);
  });

  it('refuses a start that is not a bar open time, naming the field', () => {
    expect(() => syntheticSeries({ symbol: 'BTC', length: 10, start: Date.UTC(2024, 0, 1, 0, 7) })).toThrow(
      UserError,
    );
    expect(() => syntheticSeries({ symbol: 'BTC', length: 10, start: Date.UTC(2024, 0, 1, 0, 7) })).toThrow(
      'start',
    );
    expect(() => syntheticSeries({ symbol: 'BTC', length: 0 })).toThrow('length');
  });
});

describe('generateUniverse', () => {
  it('makes 45 symbols × one year of 15m by default, each stable when others are added', () => {
    const all = generateUniverse({ length: 1000, seed: 5 });
    expect(all.map((s) => s.symbol)).toEqual([...SYNTHETIC_UNIVERSE_45]);
    expect(new Set(all.map((s) => s.symbol)).size).toBe(45);
    const few = generateUniverse({ symbols: ['DOGE', 'BTC'], length: 1000, seed: 5 });
    expect(Array.from(few[1].close)).toEqual(Array.from(all[0].close));
    expect(Array.from(few[0].close)).toEqual(Array.from(all[3].close));
    expect(all[0].close[0]).toBeCloseTo(42_000, -3);
    for (const s of all) expect(firstInvalidBar(s)).toBe(-1);
    expect(generateUniverse({ symbols: 2 })[0].length).toBe(35_040);
  });

  it('can allocate in SharedArrayBuffers for workers', () => {
    const [s] = generateUniverse({ symbols: 1, length: 10, shared: true });
    expect(s.close.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});

describe('scripted series', () => {
  it('builds exact bars from closes', () => {
    const s = seriesFromCloses([100, 102, 101], { wickPct: 0.01, symbol: 'ETH', timeframe: '1h' });
    expect(Array.from(s.open)).toEqual([100, 100, 102]);
    expect(Array.from(s.close)).toEqual([100, 102, 101]);
    expect(s.high[1]).toBeCloseTo(103.02, 10);
    expect(s.low[2]).toBeCloseTo(99.99, 10);
    expect(s.ts[1] - s.ts[0]).toBe(3_600_000);
    expect(firstInvalidBar(s)).toBe(-1);
  });

  it('interpolates legs and refuses a bad close or leg', () => {
    expect(
      closesFromLegs(100, [
        { to: 110, bars: 2 },
        { to: 100, bars: 1 },
      ]),
    ).toEqual([105, 110, 100]);
    expect(seriesFromLegs(100, [{ to: 90, bars: 10 }]).close[9]).toBe(90);
    expect(() => seriesFromCloses([100, Number.NaN])).toThrow('close #1');
    expect(() => closesFromLegs(100, [{ to: 1, bars: 0 }])).toThrow('bars=0');
  });
});
