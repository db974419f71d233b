import { type CandleSeries, lowerBound, sliceSeries } from '../../../data/candles/series.ts';
import { TIMEFRAME_MS } from '../../../data/timeframes.ts';
import { unpackAction } from '../../../strategies/strategy.ts';
import { SeededRng } from '../../rng.ts';
import { diffDecisions, type FieldDifference } from './decision-diff.ts';
import { seedFor } from './seed.ts';
import { candlesFor, type NamedStrategy } from './strategies.ts';
import { fieldInfoOf } from './trace-fields.ts';

/**
 * The user-facing no-lookahead check (`smc check lookahead`, issue 7 item 6; the truncation property of
 * test/lookahead applied to a user's config and data): for sampled bars t, the strategy is prepared
 * again on the data cut after t (base bars 0..t, every higher timeframe resampled from that cut, so the
 * bucket still open at t does not exist) and its decision at t is compared, field by field, with the
 * decision at t on the full data. A decision that changes when the future is removed used the future.
 */
export interface LookaheadOptions {
  readonly strategies: readonly NamedStrategy[];
  /** One base series per symbol (same timeframe); higher timeframes are resampled from it. */
  readonly bases: readonly CandleSeries[];
  /** Bars sampled per strategy and symbol (default 20). */
  readonly samples?: number;
  /** Seed of the sampling (default 7): the same seed picks the same bars. */
  readonly seed?: number;
  /**
   * Only bars whose decision time is in [from, to) are sampled (UTC ms). Default: from the end of the
   * strategy's declared warm-up to the end of the data.
   */
  readonly from?: number;
  readonly to?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** A decision that changed when the data after it was removed. */
export interface LookaheadDifference {
  readonly strategyId: string;
  readonly symbol: string;
  /** Index of the bar in the base series given. */
  readonly bar: number;
  /** Decision time (the bar's close), UTC ms. */
  readonly ts: number;
  readonly full: { readonly action: string; readonly reasons: readonly string[] };
  readonly truncated: { readonly action: string; readonly reasons: readonly string[] };
  /** Each differing field; `a` = on the full data, `b` = on the truncated data. */
  readonly fields: readonly FieldDifference[];
  /** Gates and indicators of the differing fields, in first-seen order. */
  readonly gates: readonly string[];
  readonly indicators: readonly string[];
}

export interface LookaheadScope {
  readonly strategyId: string;
  readonly symbol: string;
  /** Bars checked; `signals` of them were signals on the full data. */
  readonly sampled: number;
  readonly signals: number;
  readonly differences: number;
}

export interface LookaheadReport {
  /** True when no sampled decision changed. */
  readonly ok: boolean;
  readonly seed: number;
  readonly samplesPerScope: number;
  readonly scopes: readonly LookaheadScope[];
  readonly differences: readonly LookaheadDifference[];
}

/** k distinct items of `pool`, uniformly (partial Fisher–Yates on a copy). */
function pick(pool: readonly number[], k: number, rng: SeededRng): number[] {
  const a = [...pool];
  const n = Math.min(k, a.length);
  for (let i = 0; i < n; i++) {
    const j = rng.int(i, a.length);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, n);
}

/**
 * The bars to check: up to half of them signal bars of the full run (a leak usually shows where the
 * whole gate chain ran), the rest uniform over the window, all distinct, ascending.
 */
export function sampleBars(
  first: number,
  end: number,
  signals: readonly number[],
  samples: number,
  rng: SeededRng,
): number[] {
  if (end <= first || samples <= 0) return [];
  const onSignals = pick(signals, Math.ceil(samples / 2), rng);
  const taken = new Set(onSignals);
  const rest: number[] = [];
  const want = Math.min(samples - onSignals.length, end - first - taken.size);
  // rejection sampling is fine: the window is normally much larger than the sample
  let guard = 0;
  while (rest.length < want && guard < want * 50) {
    const i = rng.int(first, end);
    guard++;
    if (!taken.has(i)) {
      taken.add(i);
      rest.push(i);
    }
  }
  if (rest.length < want) {
    for (let i = first; i < end && rest.length < want; i++) {
      if (!taken.has(i)) {
        taken.add(i);
        rest.push(i);
      }
    }
  }
  return [...onSignals, ...rest].sort((x, y) => x - y);
}

function uniqueInOrder(xs: Iterable<string | null>): string[] {
  const out: string[] = [];
  for (const x of xs) if (x !== null && !out.includes(x)) out.push(x);
  return out;
}

/** Runs the truncation check; pure (no I/O), deterministic for a seed. */
export function checkLookahead(opts: LookaheadOptions): LookaheadReport {
  const samples = opts.samples ?? 20;
  const seed = opts.seed ?? 7;
  if (!Number.isInteger(samples) || samples < 1)
    throw new Error(`samples ${samples} must be a whole number ≥ 1`);
  const scopes: LookaheadScope[] = [];
  const differences: LookaheadDifference[] = [];
  const total = opts.strategies.length * opts.bases.length * samples;
  let done = 0;
  for (const named of opts.strategies) {
    const infoOf = fieldInfoOf(named.strategy);
    for (const base of opts.bases) {
      const baseMs = TIMEFRAME_MS[base.timeframe];
      const full = named.strategy.prepare({
        symbol: base.symbol,
        baseTimeframe: base.timeframe,
        candles: candlesFor(base, named.strategy),
      });
      const first =
        opts.from === undefined
          ? Math.min(named.strategy.warmupBars(base.timeframe), base.length)
          : lowerBound(base.ts, opts.from - baseMs);
      const end = opts.to === undefined ? base.length : lowerBound(base.ts, opts.to - baseMs);
      const signals: number[] = [];
      for (let i = first; i < end; i++) if (unpackAction(full.decide(i)) !== 0) signals.push(i);
      const rng = new SeededRng(seedFor(seed, named.id, base.symbol));
      const bars = sampleBars(first, end, signals, samples, rng);
      const signalSet = new Set(signals);
      let found = 0;
      for (const t of bars) {
        const cut = sliceSeries(base, 0, t + 1);
        const part = named.strategy.prepare({
          symbol: base.symbol,
          baseTimeframe: base.timeframe,
          candles: candlesFor(cut, named.strategy),
        });
        const a = full.describe(t);
        const b = part.describe(t);
        const fields = diffDecisions(a, b, infoOf);
        if (fields.length > 0) {
          found++;
          differences.push({
            strategyId: named.id,
            symbol: base.symbol,
            bar: t,
            ts: base.ts[t] + baseMs,
            full: { action: a.action, reasons: a.reasons },
            truncated: { action: b.action, reasons: b.reasons },
            fields,
            gates: uniqueInOrder(fields.map((f) => f.gate)),
            indicators: uniqueInOrder(fields.map((f) => f.indicator)),
          });
        }
        opts.onProgress?.(++done, total);
      }
      done += samples - bars.length;
      scopes.push({
        strategyId: named.id,
        symbol: base.symbol,
        sampled: bars.length,
        signals: bars.filter((t) => signalSet.has(t)).length,
        differences: found,
      });
    }
  }
  opts.onProgress?.(total, total);
  return { ok: differences.length === 0, seed, samplesPerScope: samples, scopes, differences };
}
