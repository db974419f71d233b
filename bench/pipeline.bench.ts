import type { CandleSeries } from '../data/candles/series.ts';
import { resample } from '../data/resample/resample.ts';
import { generateUniverse } from '../data/synthetic/index.ts';
import { DEFAULT_STRATEGY_CONFIG, parseStrategyConfig } from '../strategies/smc/config.ts';
import { FeatureCache } from '../strategies/smc/context/feature-cache.ts';
import { createSmcStrategy, runPipeline } from '../strategies/smc/pipeline.ts';
import type { CandlesByTimeframe } from '../strategies/strategy.ts';

/**
 * SMC decision-pipeline throughput (issue 3 target: ≥ 1M base bars/s per core, all four timeframes):
 * 10 synthetic symbols × 1 year of 15m bars, single thread.
 * - full: resample 15m → 1h/4h/1d, build every causal feature (swings, BOS/CHoCH on 1h and 4h, EMA on 1D,
 *   ATR on 4H) and decide at every 15m close;
 * - cached: a second gate variant over the same candles with the feature cache warm (what a sweep worker
 *   does when only OTE/regime/score differ);
 * - stepping: the live per-bar API (`onBarClose`) on one symbol.
 */
const TARGET = 1_000_000;

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

function best<T>(reps: number, f: () => T): { seconds: number; result: T } {
  let seconds = Number.POSITIVE_INFINITY;
  let result = f();
  for (let r = 0; r < reps; r++) {
    const t0 = now();
    result = f();
    seconds = Math.min(seconds, now() - t0);
  }
  return { seconds, result };
}

function line(label: string, bars: number, seconds: number, target = true): void {
  const rate = bars / seconds;
  const ratio = target
    ? `  (${(rate / TARGET).toFixed(1)}× the 1M/s/core target)`
    : '  (live: one bar per close)';
  process.stdout.write(`${label.padEnd(52)} ${(rate / 1e6).toFixed(2).padStart(7)}M 15m bars/s${ratio}\n`);
}

export async function run(_args: string[]): Promise<void> {
  const symbols = 10;
  const bases = generateUniverse({ symbols, timeframe: '15m', seed: 1 });
  const bars = bases.reduce((n, b) => n + b.length, 0);
  process.stdout.write(
    `${symbols} synthetic symbols × ${bases[0].length} 15m bars = ${bars} base bars, 1 thread\n`,
  );

  const higher = (base: CandleSeries): CandlesByTimeframe => ({
    '15m': base,
    '1h': resample(base, '1h'),
    '4h': resample(base, '4h'),
    '1d': resample(base, '1d'),
  });

  const full = best(3, () => {
    let signals = 0;
    for (const b of bases) signals += runPipeline(higher(b), DEFAULT_STRATEGY_CONFIG).funnel.signals;
    return signals;
  });
  line('full pipeline (resample + features + decisions)', bars, full.seconds);

  const candles = bases.map(higher);
  const noResample = best(3, () => {
    let signals = 0;
    for (const c of candles) signals += runPipeline(c, DEFAULT_STRATEGY_CONFIG).funnel.signals;
    return signals;
  });
  line('pipeline on given 1h/4h/1d candles', bars, noResample.seconds);

  const cache = new FeatureCache();
  for (const c of candles) runPipeline(c, DEFAULT_STRATEGY_CONFIG, { cache });
  const relaxed = parseStrategyConfig({ ote: { tolerance: 0.05 } });
  const cached = best(3, () => {
    let signals = 0;
    for (const c of candles) signals += runPipeline(c, relaxed, { cache }).funnel.signals;
    return signals;
  });
  line('another gate variant, features cached (sweep)', bars, cached.seconds);

  const one = bases[0];
  const stepping = best(1, () => {
    const live = createSmcStrategy(DEFAULT_STRATEGY_CONFIG, { symbol: one.symbol, baseTimeframe: '15m' });
    let signals = 0;
    for (let i = 0; i < one.length; i++) {
      const d = live.onBarClose({
        ts: one.ts[i],
        open: one.open[i],
        high: one.high[i],
        low: one.low[i],
        close: one.close[i],
        volume: one.volume[i],
      });
      if (d.action !== 'NO_SIGNAL') signals++;
    }
    return signals;
  });
  line('stepping API (live onBarClose, full Decision per bar)', one.length, stepping.seconds, false);
  process.stdout.write(
    `signals: default ${full.result} (${((100 * full.result) / bars).toFixed(2)}% of bars), ` +
      `relaxed OTE ${cached.result}; cache hits ${cache.hits}, misses ${cache.misses}\n`,
  );
}
