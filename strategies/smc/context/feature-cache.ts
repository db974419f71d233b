import type { CandleSeries } from '../../../data/candles/series.ts';

/**
 * Per-worker cache of causal feature series, keyed by the candle arrays they were built from (object
 * identity, so two different series can never collide) and by the parameters that affect them. A sweep
 * over configs that differ only in later gates (OTE, regime, score) builds structure, EMA and ATR once.
 * Entries die with the candle arrays (WeakMap).
 */
export class FeatureCache {
  private readonly bySeries = new WeakMap<Float64Array, Map<string, unknown>>();
  hits = 0;
  misses = 0;

  /** The entry if there is one (not counted as a hit or a miss), without making it. */
  peek<T>(series: CandleSeries, key: string): T | undefined {
    return this.bySeries.get(series.close)?.get(key) as T | undefined;
  }

  get<T>(series: CandleSeries, key: string, make: () => T): T {
    let entries = this.bySeries.get(series.close);
    if (entries === undefined) {
      entries = new Map();
      this.bySeries.set(series.close, entries);
    }
    if (entries.has(key)) {
      this.hits++;
      return entries.get(key) as T;
    }
    this.misses++;
    const value = make();
    entries.set(key, value);
    return value;
  }
}
