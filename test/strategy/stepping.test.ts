import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CandleSeries, seriesFromColumns, sliceSeries } from '../../data/candles/series.ts';
import { resample } from '../../data/resample/resample.ts';
import { generateUniverse } from '../../data/synthetic/index.ts';
import type { Timeframe } from '../../data/timeframes.ts';
import { parseStrategyConfig, type StrategyConfig } from '../../strategies/smc/config.ts';
import { createSmcStrategy, SmcStrategy } from '../../strategies/smc/pipeline.ts';
import { allTimeframes, barAt, loadSample1h, resampleClosed } from './kit.ts';

/** Drops bars (exchange maintenance gaps) where keep() says so. */
function withGaps(s: CandleSeries, drop: (i: number) => boolean): CandleSeries {
  const idx: number[] = [];
  for (let i = 0; i < s.length; i++) if (!drop(i)) idx.push(i);
  const col = (c: Float64Array) => Float64Array.from(idx, (i) => c[i]);
  return seriesFromColumns(s, {
    ts: col(s.ts),
    open: col(s.open),
    high: col(s.high),
    low: col(s.low),
    close: col(s.close),
    volume: col(s.volume),
  });
}

describe('IncrementalResampler (live) agrees with data/resample (batch, closed buckets)', () => {
  it('bar for bar, with gaps anywhere, on every higher timeframe', () => {
    const [base] = generateUniverse({ symbols: 1, timeframe: '15m', length: 96 * 12, seed: 2 });
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: base.length - 1 }), { maxLength: 60 }),
        fc.constantFrom<Timeframe>('1h', '4h', '1d'),
        (dropped, tf) => {
          const set = new Set(dropped);
          const gappy = withGaps(base, (i) => set.has(i));
          const a = resample(gappy, tf);
          const b = resampleClosed(gappy, tf);
          expect(b.length).toBe(a.length);
          for (const c of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
            expect(Array.from(b[c])).toEqual(Array.from(a[c]));
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

function expectSameDecisions(base: CandleSeries, config: StrategyConfig, from: number) {
  const prepared = new SmcStrategy(config).prepare({
    symbol: base.symbol,
    baseTimeframe: base.timeframe,
    candles: allTimeframes(base),
  });
  const live = createSmcStrategy(config, { symbol: base.symbol, baseTimeframe: base.timeframe });
  let signals = 0;
  for (let i = 0; i < base.length; i++) {
    const d = live.onBarClose(barAt(base, i));
    if (i < from) continue;
    const batch = prepared.describe(i);
    if (JSON.stringify(d) !== JSON.stringify(batch)) expect(d).toEqual(batch);
    if (d.action !== 'NO_SIGNAL') signals++;
  }
  return signals;
}

describe('stepping API (live) equals the batch pipeline with the real primitives', () => {
  let btc: CandleSeries;
  beforeAll(async () => {
    const full = await loadSample1h('BTC');
    btc = sliceSeries(full, 0, 24 * 420); // 420 days of 1h: EMA 200 warm-up and ~220 days of decisions
  });

  it('on the bundled real sample (1h base), default gates and the 1h-fallback variant', () => {
    const def = expectSameDecisions(btc, parseStrategyConfig({}), 24 * 200);
    const fb = expectSameDecisions(
      btc,
      parseStrategyConfig({ structure: { accept_1h_fallback: true }, ote: { tolerance: 0.05 } }),
      24 * 200,
    );
    expect(def).toBeGreaterThan(0);
    expect(fb).toBeGreaterThanOrEqual(def);
  });

  it('on synthetic 15m data with gaps (all four timeframes)', () => {
    const [base] = generateUniverse({ symbols: 1, timeframe: '15m', length: 96 * 90, seed: 4 });
    const gappy = withGaps(base, (i) => i % 997 === 13 || (i > 5000 && i < 5012));
    const cfg = parseStrategyConfig({
      bias: { ema_period: 20 },
      warmup: { daily_bars: 20 },
      structure: { timeframe: '1h' },
    });
    const signals = expectSameDecisions(gappy, cfg, 96 * 20);
    expect(signals).toBeGreaterThan(0);
  });

  it('refuses bars out of order or off the base grid', () => {
    const live = createSmcStrategy(parseStrategyConfig({}), { symbol: 'BTC', baseTimeframe: '1h' });
    live.onBarClose(barAt(btc, 1));
    expect(() => live.onBarClose(barAt(btc, 0))).toThrow(/not after the last bar/);
    expect(() => live.onBarClose({ ...barAt(btc, 2), ts: btc.ts[2] + 60_000 })).toThrow(
      /not aligned to the 1h grid/,
    );
  });
});
