import { z } from 'zod';
import { allocateSeries, type CandleSeries } from '../candles/series.ts';
import { UserError } from '../errors.ts';
import { canonicalSymbol } from '../symbols/symbols.ts';
import { TIMEFRAME_MS, TimeframeSchema } from '../timeframes.ts';

export const ScriptOptionsSchema = z.object({
  symbol: z.string().min(1).default('TEST'),
  source: z.string().min(1).default('synthetic'),
  timeframe: TimeframeSchema.default('15m'),
  start: z
    .number()
    .int()
    .default(Date.UTC(2024, 0, 1)),
  /** Wick beyond the body on each side, as a fraction of the body's extreme price. */
  wickPct: z.number().min(0).default(0.001),
  volume: z.number().min(0).default(100),
});
export type ScriptOptions = z.input<typeof ScriptOptionsSchema>;

/** One straight leg of a scripted path: from the previous close to `to` over `bars` bars. */
export interface Leg {
  to: number;
  bars: number;
}

/**
 * A hand-written series for tests: bar i closes at `closes[i]` and opens at the previous close (the first
 * opens at its own close), with symmetric wicks of `wickPct`. Exact and obvious, so a test can say "the
 * swing high is bar 7" and mean it.
 */
export function seriesFromCloses(closes: readonly number[], opts: ScriptOptions = {}): CandleSeries {
  const o = ScriptOptionsSchema.parse(opts);
  closes.forEach((c, i) => {
    if (!(Number.isFinite(c) && c > 0)) {
      throw new UserError(`scripted series: close #${i} is ${c}; every close must be a positive number`);
    }
  });
  const tfMs = TIMEFRAME_MS[o.timeframe];
  const s = allocateSeries(
    { source: o.source, symbol: canonicalSymbol(o.symbol), timeframe: o.timeframe },
    closes.length,
  );
  for (let i = 0; i < closes.length; i++) {
    const c = closes[i];
    const op = i === 0 ? c : closes[i - 1];
    s.ts[i] = o.start + i * tfMs;
    s.open[i] = op;
    s.close[i] = c;
    s.high[i] = Math.max(op, c) * (1 + o.wickPct);
    s.low[i] = Math.min(op, c) * (1 - o.wickPct);
    s.volume[i] = o.volume;
  }
  return s;
}

/** Closes of straight legs from `startPrice`: `[{to: 110, bars: 10}, {to: 105, bars: 5}]`. */
export function closesFromLegs(startPrice: number, legs: readonly Leg[]): number[] {
  const out: number[] = [];
  let from = startPrice;
  for (const leg of legs) {
    if (!(Number.isInteger(leg.bars) && leg.bars >= 1)) {
      throw new UserError(`scripted series: leg to ${leg.to} has bars=${leg.bars}; use a whole number ≥ 1`);
    }
    for (let k = 1; k <= leg.bars; k++) out.push(from + ((leg.to - from) * k) / leg.bars);
    from = leg.to;
  }
  return out;
}

/** {@link seriesFromCloses} over straight legs. */
export function seriesFromLegs(
  startPrice: number,
  legs: readonly Leg[],
  opts: ScriptOptions = {},
): CandleSeries {
  return seriesFromCloses(closesFromLegs(startPrice, legs), opts);
}
