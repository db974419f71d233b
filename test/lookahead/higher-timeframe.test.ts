import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateSeries, type CandleSeries } from '../../data/candles/series.ts';
import { generateUniverse } from '../../data/synthetic/index.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../data/timeframes.ts';
import { parseStrategyConfig } from '../../strategies/smc/config.ts';
import { allCodes, candlesFor, prepare, variantArb } from './kit.ts';

/**
 * No lookahead across timeframes (issue 3 acceptance): a higher-timeframe bar is never used before it
 * closes. Changing what a 1h/4h/1d bar will still become after base bar i (its "future part") must not
 * change any decision up to i; changing it must change some decisions after its close (else the test
 * could not fail).
 */
const DAY = 96;
const [base] = generateUniverse({ symbols: 1, timeframe: '15m', length: DAY * 100, seed: 5 });
const config = parseStrategyConfig({
  bias: { ema_period: 20 },
  warmup: { daily_bars: 20, decision_bars: 10 },
  regimes: { allowed: ['tight_smc', 'wide_smc', 'volatile_smc'], atr_percentile_window: 30 },
  ote: { tolerance: 0.1 },
  score: { threshold: 30 },
});

function copy(s: CandleSeries): CandleSeries {
  const c = allocateSeries(s, s.length);
  for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) c[k].set(s[k]);
  return c;
}

const tfArb = fc.constantFrom<Timeframe>('1h', '4h', '1d');

describe('a higher-timeframe bar is not used before it closes', () => {
  it('perturbing the base bars of a higher bar after bar i leaves every decision up to i unchanged', () => {
    const honest = prepare(candlesFor(base, config), base, config);
    const codes = allCodes(honest);
    fc.assert(
      fc.property(
        tfArb,
        fc.integer({ min: DAY * 25, max: base.length - DAY - 1 }),
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        (tf, i, factor) => {
          const per = TIMEFRAME_MS[tf] / TIMEFRAME_MS['15m'];
          const bucketEnd = (Math.floor(i / per) + 1) * per; // first base bar of the next bucket
          if (bucketEnd - 1 === i) return; // bar i closes its bucket: nothing of it lies in the future
          const p = copy(base);
          // the rest of the bucket (bars i+1 … end of bucket) and everything after: a different future
          for (let k = i + 1; k < p.length; k++) {
            const c = p.close[k] * factor;
            p.open[k] = p.open[k] * factor;
            p.close[k] = c;
            p.high[k] = Math.max(p.open[k], c) * 1.05;
            p.low[k] = Math.min(p.open[k], c) * 0.95;
          }
          const perturbed = prepare(candlesFor(p, config), p, config);
          for (let k = 0; k <= i; k++) {
            if (perturbed.decide(k) !== codes[k]) {
              throw new Error(`${tf}: decision at bar ${k} ≤ ${i} changed when bars after ${i} changed`);
            }
          }
          expect(perturbed.describe(i)).toEqual(honest.describe(i));
        },
      ),
      { numRuns: 30, seed: 7 },
    );
  });

  it('replacing a closed higher bar changes nothing before its close time and something after it', () => {
    let changedAfter = 0;
    fc.assert(
      fc.property(
        variantArb({ maxEma: 20 }),
        tfArb,
        fc.double({ min: 0.3, max: 0.9, noNaN: true }),
        (cfg, tf, u) => {
          const candles = candlesFor(base, cfg);
          const refCodes = allCodes(prepare(candles, base, cfg));
          const htf = candles[tf];
          if (htf === undefined) return;
          const j = Math.floor(u * htf.length);
          const wild = copy(htf);
          wild.high[j] *= 1.3;
          wild.low[j] *= 0.7;
          wild.close[j] = j % 2 === 0 ? wild.high[j] : wild.low[j];
          const p = prepare({ ...candles, [tf]: wild }, base, cfg);
          const closeAt = htf.ts[j] + TIMEFRAME_MS[tf];
          for (let k = 0; k < base.length; k++) {
            const decisionTime = base.ts[k] + TIMEFRAME_MS['15m'];
            const same = p.decide(k) === refCodes[k];
            if (decisionTime < closeAt && !same) {
              throw new Error(
                `${tf} bar ${j} (closes ${closeAt}) changed the decision at bar ${k} (${decisionTime})`,
              );
            }
            if (decisionTime >= closeAt && !same) changedAfter++;
          }
        },
      ),
      { numRuns: 25, seed: 9 },
    );
    // the perturbation is seen once the bar has closed: the check above could have failed
    expect(changedAfter).toBeGreaterThan(0);
  });
});
