import { describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../data/candles/series.ts';
import { syntheticSeries } from '../../data/synthetic/index.ts';
import { FeatureCache } from '../../strategies/smc/context/feature-cache.ts';
import type { BacktestConfigInput } from './config.ts';
import { type BacktestFeed, feedHash } from './feed.ts';
import { runBacktest } from './run.ts';

/** Two synthetic 1h symbols, long enough for the daily EMA 200 warm-up and some trades. */
function feed(): BacktestFeed {
  const candles: Record<string, { '1h': CandleSeries }> = {};
  ['AAA', 'BBB'].forEach((symbol, i) => {
    candles[symbol] = {
      '1h': syntheticSeries({ symbol, timeframe: '1h', length: 24 * 420, seed: 11 + i, startPrice: 100 }),
    };
  });
  return { baseTimeframe: '1h', candles };
}

// Configs that differ only in later gates (they share every feature series) and one that changes the
// structure itself (it must not reuse the others' swings).
const BASE: BacktestConfigInput = {};
const RELAXED: BacktestConfigInput = { strategy: { ote: { tolerance: 0.1 }, score: { threshold: 40 } } };
const OTHER_SWINGS: BacktestConfigInput = { strategy: { structure: { swing_length: 7 } } };

describe('runBacktest with a feature cache (sweep workers)', async () => {
  const f = feed();
  const plain = await Promise.all([BASE, RELAXED, OTHER_SWINGS].map((c) => runBacktest(c, f)));
  const cache = new FeatureCache();
  const cached: Awaited<ReturnType<typeof runBacktest>>[] = [];
  for (const c of [BASE, RELAXED, OTHER_SWINGS, BASE])
    cached.push(await runBacktest(c, f, { featureCache: cache }));

  it('gives the same results as runs without it, config by config', () => {
    expect(plain[0].trades.length).toBeGreaterThan(0);
    // The configs really differ, so equal hashes below are not a coincidence.
    expect(new Set(plain.map((r) => r.resultHash)).size).toBe(3);
    expect(cached.map((r) => r.resultHash)).toEqual([...plain.map((r) => r.resultHash), plain[0].resultHash]);
    expect(cached.map((r) => r.finalEquity)).toEqual([
      ...plain.map((r) => r.finalEquity),
      plain[0].finalEquity,
    ]);
  });

  it('reuses the features of configs that differ only in later gates', () => {
    // The first run builds everything; RELAXED and the second BASE hit for every series they need.
    expect(cache.hits).toBeGreaterThan(cache.misses);
    expect(cache.misses).toBeGreaterThan(0);
  });

  it('a precomputed data hash is taken as given, and equals the one the run computes', async () => {
    const hash = feedHash(f.candles, f.baseTimeframe, f.tradeFrom);
    expect(plain[0].dataHash).toBe(hash);
    const r = await runBacktest(BASE, f, { featureCache: cache, dataHash: hash });
    expect(r.dataHash).toBe(hash);
    expect(r.resultHash).toBe(plain[0].resultHash);
  });
});
