import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../data/candles/series.ts';
import { generateUniverse } from '../../data/synthetic/index.ts';
import { DEFAULT_STRATEGY_CONFIG, type StrategyConfig } from '../../strategies/smc/config.ts';
import { unpackAction } from '../../strategies/strategy.ts';
import { loadSample1h } from '../strategy/kit.ts';
import { allCodes, candlesFor, prepare, truncationMismatch, variantArb } from './kit.ts';

/**
 * No lookahead, proven by truncation (issue 3 acceptance): for random bars t, symbols and gate variants,
 * every decision up to t computed on data that ends at t equals the decision on the full data. Half of
 * the sampled t are signal bars of the full run, so the whole gate chain is exercised, not just warm-up
 * rejections.
 */
function checkTruncation(
  bases: readonly CandleSeries[],
  variants: fc.Arbitrary<StrategyConfig>,
  runs: number,
) {
  let signalsSeen = 0;
  fc.assert(
    fc.property(
      fc.nat({ max: bases.length - 1 }),
      variants,
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.boolean(),
      (k, config, u, onSignal) => {
        const base = bases[k];
        const full = prepare(candlesFor(base, config), base, config);
        const codes = allCodes(full);
        const signals: number[] = [];
        for (let i = 0; i < codes.length; i++) if (unpackAction(codes[i]) !== 0) signals.push(i);
        signalsSeen += signals.length > 0 ? 1 : 0;
        const t =
          onSignal && signals.length > 0
            ? signals[Math.floor(u * signals.length)]
            : Math.min(codes.length - 1, Math.floor(u * codes.length));
        const mismatch = truncationMismatch(base, config, full, codes, t);
        if (mismatch !== null) {
          throw new Error(
            `lookahead at bar ${mismatch.bar} (cut after ${t}) for ${base.symbol}: full ${JSON.stringify(mismatch.full)} vs truncated ${JSON.stringify(mismatch.truncated)}`,
          );
        }
      },
    ),
    { numRuns: runs, seed: 20240601 },
  );
  return signalsSeen;
}

describe('no lookahead: truncation invariance on the bundled real sample (1h base)', () => {
  const bases: CandleSeries[] = [];
  beforeAll(async () => {
    for (const s of ['BTC', 'ETH', 'SOL']) bases.push(await loadSample1h(s));
  });

  it('holds for the default gates', () => {
    const seen = checkTruncation(bases, fc.constant(DEFAULT_STRATEGY_CONFIG), 12);
    expect(seen).toBeGreaterThan(0);
  });

  it('holds for random gate variants', () => {
    const seen = checkTruncation(bases, variantArb({ maxEma: 200 }), 25);
    expect(seen).toBeGreaterThan(0);
  });
});

describe('no lookahead: truncation invariance on synthetic 15m data (all four timeframes)', () => {
  // 120 days of 15m bars: the variants' EMA ≤ 60 days leaves two months of decisions
  const bases = generateUniverse({ symbols: 3, timeframe: '15m', length: 96 * 120, seed: 11 });

  it('holds for random gate variants', () => {
    const seen = checkTruncation(bases, variantArb({ maxEma: 60 }), 25);
    expect(seen).toBeGreaterThan(0);
  });
});

describe('the truncation check can fail', () => {
  it('catches a strategy fed a higher timeframe one bar early (a classic resampling leak)', () => {
    const [base] = generateUniverse({ symbols: 1, timeframe: '15m', length: 96 * 90, seed: 3 });
    const config = DEFAULT_STRATEGY_CONFIG;
    const cfg: StrategyConfig = {
      ...config,
      bias: { ...config.bias, ema_period: 20 },
      warmup: { daily_bars: 20, decision_bars: 10 },
    };
    const honest = candlesFor(base, cfg);
    const h4 = honest['4h'];
    if (h4 === undefined) throw new Error('no 4h');
    // the leak: each 4h bar is labelled one bar earlier, so it is "closed" before its last 15m bar
    const leakyH4 = { ...h4, ts: h4.ts.map((t) => t - 4 * 3_600_000) };
    const leaky = prepare({ ...honest, '4h': leakyH4 }, base, cfg);
    const codes = allCodes(leaky);
    let found = 0;
    for (let t = 96 * 30; t < base.length && found === 0; t += 97) {
      // truncated run, same leak: the partial 4h bucket at the cut does not exist, so decisions differ
      const cut = {
        ...base,
        length: t + 1,
        ts: base.ts.subarray(0, t + 1),
        open: base.open.subarray(0, t + 1),
        high: base.high.subarray(0, t + 1),
        low: base.low.subarray(0, t + 1),
        close: base.close.subarray(0, t + 1),
        volume: base.volume.subarray(0, t + 1),
      };
      const cutCandles = candlesFor(cut, cfg);
      const c4 = cutCandles['4h'];
      if (c4 === undefined) throw new Error('no 4h');
      const part = prepare(
        { ...cutCandles, '4h': { ...c4, ts: c4.ts.map((x) => x - 4 * 3_600_000) } },
        cut,
        cfg,
      );
      for (let i = 0; i <= t; i++) if (part.decide(i) !== codes[i]) found++;
    }
    expect(found).toBeGreaterThan(0);
  });
});
