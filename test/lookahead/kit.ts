import fc from 'fast-check';
import { type CandleSeries, sliceSeries } from '../../data/candles/series.ts';
import { resample } from '../../data/resample/resample.ts';
import {
  parseStrategyConfig,
  REGIMES,
  type StrategyConfig,
  type StrategyConfigInput,
} from '../../strategies/smc/config.ts';
import type { SmcDecision } from '../../strategies/smc/decision.ts';
import { type PreparedSmc, SmcStrategy, smcTimeframes } from '../../strategies/smc/pipeline.ts';
import type { CandlesByTimeframe } from '../../strategies/strategy.ts';

/** Base series and every timeframe the config reads, resampled from it (closed buckets only). */
export function candlesFor(base: CandleSeries, config: StrategyConfig): CandlesByTimeframe {
  const out: CandlesByTimeframe = {};
  for (const tf of smcTimeframes(base.timeframe, config)) out[tf] = resample(base, tf);
  return out;
}

export function prepare(
  candles: CandlesByTimeframe,
  base: CandleSeries,
  config: StrategyConfig,
): PreparedSmc {
  return new SmcStrategy(config).prepare({ symbol: base.symbol, baseTimeframe: base.timeframe, candles });
}

/** Packed decision codes of every bar. */
export function allCodes(p: PreparedSmc): Int32Array {
  const out = new Int32Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = p.decide(i);
  return out;
}

export interface TruncationMismatch {
  t: number;
  bar: number;
  full: SmcDecision;
  truncated: SmcDecision;
}

/**
 * Recomputes every decision up to bar t on the data cut after bar t (base bars 0..t, higher timeframes
 * resampled from that cut) and compares it with the decision on the full data. Returns the first bar
 * that differs, or null.
 */
export function truncationMismatch(
  base: CandleSeries,
  config: StrategyConfig,
  full: PreparedSmc,
  fullCodes: Int32Array,
  t: number,
): TruncationMismatch | null {
  const cut = sliceSeries(base, 0, t + 1);
  const part = prepare(candlesFor(cut, config), cut, config);
  for (let i = 0; i <= t; i++) {
    if (part.decide(i) !== fullCodes[i])
      return { t, bar: i, full: full.describe(i), truncated: part.describe(i) };
  }
  const a = full.describe(t);
  const b = part.describe(t);
  if (JSON.stringify(a) !== JSON.stringify(b)) return { t, bar: t, full: a, truncated: b };
  return null;
}

/** Gate variants users sweep: every knob of the config within plausible ranges. */
export function variantArb(opts: { maxEma: number }): fc.Arbitrary<StrategyConfig> {
  return fc
    .record({
      oteEnabled: fc.boolean(),
      zoneLow: fc.double({ min: 0.45, max: 0.7, noNaN: true }),
      zoneHigh: fc.double({ min: 0.72, max: 0.95, noNaN: true }),
      tolerance: fc.constantFrom(0, 0.02, 0.05, 0.1),
      tf: fc.constantFrom('4h' as const, '1h' as const),
      fallback: fc.boolean(),
      allowed: fc.subarray([...REGIMES], { minLength: 1 }),
      threshold: fc.integer({ min: 20, max: 70 }),
      swing: fc.integer({ min: 2, max: 8 }),
      ema: fc.integer({ min: 10, max: opts.maxEma }),
      maxAge: fc.integer({ min: 3, max: 60 }),
      atrPeriod: fc.integer({ min: 5, max: 20 }),
      window: fc.integer({ min: 10, max: 120 }),
    })
    .map((v) => {
      const input: StrategyConfigInput = {
        bias: { ema_period: v.ema },
        structure: {
          timeframe: v.tf,
          accept_1h_fallback: v.fallback,
          swing_length: v.swing,
          max_age_bars: v.maxAge,
        },
        regimes: { allowed: v.allowed, atr_percentile_window: v.window },
        ote: { enabled: v.oteEnabled, zone_low: v.zoneLow, zone_high: v.zoneHigh, tolerance: v.tolerance },
        stop: { atr_period: v.atrPeriod },
        score: { threshold: v.threshold },
        warmup: { daily_bars: v.ema, decision_bars: 10 },
      };
      return parseStrategyConfig(input);
    });
}
