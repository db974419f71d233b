import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CandleSeries, seriesFromColumns } from '../candles/series.ts';
import { syntheticSeries } from '../synthetic/index.ts';
import { TIMEFRAME_MS, type Timeframe } from '../timeframes.ts';
import { compareSeries } from './compare.ts';
import { lastClosedHigherIndex, resample } from './resample.ts';

const M15 = 900_000;
const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

/** A 15m series with bars at the given slot numbers (slot k opens at T0 + k·15m); values from k. */
function bars15(slots: number[]): CandleSeries {
  return seriesFromColumns(
    { source: 'synthetic', symbol: 'BTC', timeframe: '15m' },
    {
      ts: slots.map((k) => T0 + k * M15),
      open: slots.map((k) => 100 + k),
      high: slots.map((k) => 110 + k + (k % 3)),
      low: slots.map((k) => 90 + k - (k % 5)),
      close: slots.map((k) => 101 + k),
      volume: slots.map((k) => 1 + k * 0.1),
    },
  );
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('resample', () => {
  it('aggregates first/max/min/last/sum per UTC bucket', () => {
    const h = resample(bars15(range(0, 8)), '1h');
    expect([...h.ts]).toEqual([T0, T0 + H]);
    expect(h.timeframe).toBe('1h');
    expect([...h.open]).toEqual([100, 104]);
    expect([...h.high]).toEqual([110 + 2 + 2, 110 + 7 + 1]); // max of 110+k+(k%3) over k=0..3 and 4..7
    expect([...h.low]).toEqual([90, 94 - 4]);
    expect([...h.close]).toEqual([104, 108]);
    expect(h.volume[0]).toBeCloseTo(1 + 1.1 + 1.2 + 1.3, 12);
  });

  it('never emits the trailing bucket the data has not closed', () => {
    const h = resample(bars15(range(0, 7)), '1h'); // second hour has 3 of 4 bars and the data ends there
    expect([...h.ts]).toEqual([T0]);
  });

  it('closed policy: a bucket with a gap is still a bar once later data closes it; an empty bucket is no bar', () => {
    const slots = [...range(0, 4), 4, 6, 7, ...range(12, 16)]; // hour 1 lacks 5; hour 2 is empty
    const closed = resample(bars15(slots), '1h');
    expect([...closed.ts]).toEqual([T0, T0 + H, T0 + 3 * H]);
    expect(closed.close[1]).toBe(108);
    const full = resample(bars15(slots), '1h', { policy: 'full' });
    expect([...full.ts]).toEqual([T0, T0 + 3 * H]);
  });

  it('a series starting mid-bucket gets that first partial bucket (as the publisher files do)', () => {
    const h = resample(bars15(range(2, 8)), '1h');
    expect([...h.ts]).toEqual([T0, T0 + H]);
    expect(h.open[0]).toBe(102);
  });

  it('closedUntil closes the trailing bucket when the caller knows time has passed', () => {
    const s = bars15(range(0, 7));
    expect([...resample(s, '1h', { closedUntil: T0 + 2 * H }).ts]).toEqual([T0, T0 + H]);
    expect([...resample(s, '1h', { closedUntil: T0 + 2 * H - 1 }).ts]).toEqual([T0]);
  });

  it('refuses a target that is not a longer multiple', () => {
    const s = bars15(range(0, 8));
    expect(() => resample(resample(s, '1h'), '15m')).toThrow(/cannot resample 1h to 15m/);
    expect(resample(s, '15m')).toBe(s);
  });

  it('15m → 1h → 4h equals 15m → 4h, with random gaps (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 150 }),
        (slots) => {
          const s = bars15([...slots].sort((a, b) => a - b));
          for (const policy of ['closed', 'full'] as const) {
            const direct = resample(s, '4h', { policy });
            const closedUntil = s.ts[s.length - 1] + M15;
            const viaHour = resample(resample(s, '1h', { policy }), '4h', { policy, closedUntil });
            const cmp = compareSeries(direct, viaHour, 1e-12);
            expect(cmp.onlyOurs).toEqual([]);
            expect(cmp.onlyTheirs).toEqual([]);
            expect(cmp.differences).toEqual([]);
          }
        },
      ),
    );
  });

  it('on synthetic 15m data every 1h bar equals its four base bars', () => {
    const s = syntheticSeries({ symbol: 'ETH', timeframe: '15m', length: 4 * 24 * 10 + 3, seed: 7 });
    const h = resample(s, '1h');
    expect(h.length).toBe(240);
    for (let j = 0; j < h.length; j++) {
      const i = j * 4;
      expect(h.ts[j]).toBe(s.ts[i]);
      expect(h.open[j]).toBe(s.open[i]);
      expect(h.high[j]).toBe(Math.max(s.high[i], s.high[i + 1], s.high[i + 2], s.high[i + 3]));
      expect(h.low[j]).toBe(Math.min(s.low[i], s.low[i + 1], s.low[i + 2], s.low[i + 3]));
      expect(h.close[j]).toBe(s.close[i + 3]);
    }
  });
});

describe('lastClosedHigherIndex', () => {
  it('points at the last higher bar closed by each base bar close, never the one still forming', () => {
    const s = bars15(range(0, 12));
    const h = resample(s, '1h');
    expect([...lastClosedHigherIndex(s, h)]).toEqual([-1, -1, -1, 0, 0, 0, 0, 1, 1, 1, 1, 2]);
  });

  it('property: chosen bar closed by base close, the next one not', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 200 }),
        fc.constantFrom<Timeframe>('1h', '4h', '1d'),
        (slots, tf) => {
          const s = bars15([...slots].sort((a, b) => a - b));
          const higher = resample(s, tf);
          const idx = lastClosedHigherIndex(s, higher);
          for (let i = 0; i < s.length; i++) {
            const now = s.ts[i] + M15;
            const k = idx[i];
            if (k >= 0) expect(higher.ts[k] + TIMEFRAME_MS[tf]).toBeLessThanOrEqual(now);
            if (k + 1 < higher.length) expect(higher.ts[k + 1] + TIMEFRAME_MS[tf]).toBeGreaterThan(now);
          }
        },
      ),
    );
  });
});
