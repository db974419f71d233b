import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateUniverse } from '../../data/synthetic/index.ts';
import { DEFAULT_STRATEGY_CONFIG } from '../../strategies/smc/config.ts';
import { FeatureCache } from '../../strategies/smc/context/feature-cache.ts';
import { REASON_NAMES } from '../../strategies/smc/decision.ts';
import { runPipeline, SmcStrategy } from '../../strategies/smc/pipeline.ts';
import { packDecision, type Strategy, unpackAction, unpackReason } from '../../strategies/strategy.ts';
import { variantArb } from '../lookahead/kit.ts';
import { allTimeframes } from './kit.ts';

describe('feature cache (sweeps)', () => {
  const bases = generateUniverse({ symbols: 2, timeframe: '15m', length: 96 * 60, seed: 8 });
  const candles = bases.map(allTimeframes);

  it('gives the same decisions as uncached runs, whatever variants share it', () => {
    const cache = new FeatureCache();
    fc.assert(
      fc.property(variantArb({ maxEma: 30 }), fc.nat({ max: 1 }), (cfg, k) => {
        const cached = runPipeline(candles[k], cfg, { cache });
        const fresh = runPipeline(candles[k], cfg);
        expect(Array.from(cached.decisions.action)).toEqual(Array.from(fresh.decisions.action));
        expect(Array.from(cached.decisions.reason)).toEqual(Array.from(fresh.decisions.reason));
        expect(cached.decisions.signals).toEqual(fresh.decisions.signals);
      }),
      { numRuns: 15, seed: 4 },
    );
    expect(cache.hits).toBeGreaterThan(0);
  });
});

describe('SmcStrategy implements the common Strategy interface', () => {
  const strategy: Strategy = new SmcStrategy(DEFAULT_STRATEGY_CONFIG);

  it('declares its timeframes, warm-up and reason names', () => {
    expect(strategy.id).toBe('smc');
    expect(strategy.requiredTimeframes('15m')).toEqual(['15m', '1h', '4h', '1d']);
    expect(strategy.requiredTimeframes('1h')).toEqual(['1h', '4h', '1d']);
    // EMA 200 on 1D: 201 days of 15m bars
    expect(strategy.warmupBars('15m')).toBe(201 * 96);
    expect(strategy.reasonNames).toEqual(REASON_NAMES);
    expect(() => strategy.requiredTimeframes('4h')).toThrow(/use 15m or 1h/);
  });

  it('packs action and reason into one small integer', () => {
    for (const a of [-1, 0, 1] as const) {
      for (let r = 0; r < 256; r++) {
        const code = packDecision(a, r);
        expect([unpackAction(code), unpackReason(code)]).toEqual([a, r]);
      }
    }
  });

  it('prepare refuses missing timeframes with the fix in the message', () => {
    const [base] = generateUniverse({ symbols: 1, timeframe: '15m', length: 96, seed: 1 });
    expect(() => strategy.prepare({ symbol: 'BTC', baseTimeframe: '15m', candles: { '15m': base } })).toThrow(
      /SMC needs 1d candles for BTC: resample them from the 15m base/,
    );
  });
});
