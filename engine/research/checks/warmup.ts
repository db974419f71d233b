import { type CandleSeries, lowerBound, sliceSeries } from '../../../data/candles/series.ts';
import { resample } from '../../../data/resample/resample.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../../data/timeframes.ts';
import {
  type Decision,
  type PreparedStrategy,
  type Strategy,
  unpackAction,
} from '../../../strategies/strategy.ts';
import type { BacktestConfig } from '../../backtest/config.ts';
import { diffDecisions } from './decision-diff.ts';
import { type FeatureProbe, featureProbes, type ProbeColumn } from './features.ts';
import { candlesFor, type NamedStrategy, strategiesOfConfig } from './strategies.ts';
import { type FieldInfoOf, fieldInfoOf } from './trace-fields.ts';

/**
 * The warm-up check (`smc check warmup`, issue 7 item 6): how many bars each input of a strategy needs
 * before its value no longer depends on where the data starts, measured — each indicator (and the
 * decisions as a whole) is computed on the full data and on the data started later, at a few offsets,
 * and the bars from each later start to the last row where the two disagree (beyond the tolerance) are
 * what that start needed. The worst case over symbols and offsets is compared with the warm-up the
 * strategy declares (`Strategy.warmupBars`) and with {@link requiredWarmupBars}, the warm-up backtests
 * load.
 *
 * The rule (what backtests, sweeps and walk-forward windows load before their first traded bar):
 * - A smoother (EMA, Wilder ATR/RMA) seeded with the simple average of its first `period` inputs carries
 *   the seed's error e₀ with weight (1 − α)^k after k more bars. The required warm-up is the bars until
 *   that weight is at most ε: period + ⌈ln ε / ln(1 − α)⌉ bars of the input's timeframe, plus one bar
 *   for a partial first bucket. ε is `backtest.warmup_epsilon`, default {@link DEFAULT_WARMUP_EPSILON}
 *   = 1e-4. Why so small: e₀ is a price difference, and what a decision compares is the error relative
 *   to the price *now*; on coins that move 10–100× over the warm-up (the sample's SOL and DOGE), a
 *   seed weight of 1% still leaves several percent of relative error and flips the daily bias, while
 *   1e-4 keeps it under 1% for a 100× move. For the seed's EMA 200 on 1d that is 200 + 922 + 1 = 1,123
 *   days (at ε = 0.01 it was 662 days, which the check measured as too short on the sample).
 * - Never less than the strategy's own declared warm-up (`Strategy.warmupBars`).
 * - Path-dependent state (swings, order blocks, fair value gaps) has no analytic bound: it is measured
 *   and reported, and only the decisions as a whole must settle within the required warm-up.
 * The check passes when, for every strategy, the decisions and every smoothed input measured on the
 * data (agreement within {@link DEFAULT_WARMUP_TOLERANCE} relative) settle within the required warm-up;
 * otherwise it fails naming the input, its timeframe and the bars it needed.
 */

/** Default relative tolerance of the measurement: values agree within 1% of their magnitude. */
export const DEFAULT_WARMUP_TOLERANCE = 0.01;

/**
 * Default seed weight ε below which a smoother counts as warmed up (the required warm-up's analytic
 * bound; see the rule above). A config states its own with `backtest.warmup_epsilon`.
 */
export const DEFAULT_WARMUP_EPSILON = 1e-4;

/** Default later starts, as fractions of each series' time span. */
export const DEFAULT_WARMUP_OFFSETS: readonly number[] = [0.1, 0.2, 0.3];

const DAY = TIMEFRAME_MS['1d'];

/**
 * Base bars a strategy needs before its decisions are trusted: its declared warm-up, or longer when an
 * input's analytic bound at seed weight `epsilon` is (e.g. an EMA 200 on 1d, seeded with an SMA, needs
 * 200 + ⌈ln 1e-4 / ln(199/201)⌉ = 1,122 days before the seed weighs less than 1e-4, while SMC declares
 * 201). One more bar of the input's timeframe covers a partial first bucket.
 */
export function requiredWarmupBars(
  strategy: Strategy<Decision<object>>,
  base: Timeframe,
  epsilon = DEFAULT_WARMUP_EPSILON,
): number {
  const baseMs = TIMEFRAME_MS[base];
  let ms = strategy.warmupBars(base) * baseMs;
  for (const p of featureProbes(strategy, base, epsilon)) {
    if (p.boundBars !== null) ms = Math.max(ms, (p.boundBars + 1) * TIMEFRAME_MS[p.timeframe]);
  }
  return Math.ceil(ms / baseMs);
}

/** The longest {@link requiredWarmupBars} of several strategies, in ms of base bars. */
export function requiredWarmupMsOf(
  strategies: readonly NamedStrategy[],
  base: Timeframe,
  epsilon = DEFAULT_WARMUP_EPSILON,
): number {
  let bars = 0;
  for (const s of strategies) bars = Math.max(bars, requiredWarmupBars(s.strategy, base, epsilon));
  return bars * TIMEFRAME_MS[base];
}

/**
 * The warm-up a run of `config` should load before its first tradeable bar, in ms of base bars: the
 * longest {@link requiredWarmupBars} of `backtest.strategies` — at least every strategy's declared
 * warm-up, and at least each smoothed input's analytic bound. Backtests, sweeps and walk-forward
 * windows call this (engine/research/config-schema.ts `warmupMs` is the declared-only version).
 */
export function requiredWarmupMs(
  config: BacktestConfig,
  base: Timeframe,
  epsilon = config.backtest.warmup_epsilon ?? DEFAULT_WARMUP_EPSILON,
): number {
  return requiredWarmupMsOf(strategiesOfConfig(config), base, epsilon);
}

export interface WarmupOptions {
  readonly strategies: readonly NamedStrategy[];
  /** One base series per symbol (same timeframe); higher timeframes are resampled from it. */
  readonly bases: readonly CandleSeries[];
  /** Relative tolerance of the measurement (default {@link DEFAULT_WARMUP_TOLERANCE}). */
  readonly tolerance?: number;
  /** Seed weight of the required warm-up's bound (default {@link DEFAULT_WARMUP_EPSILON}). */
  readonly epsilon?: number;
  /**
   * Later starts as fractions of each series' time span (default {@link DEFAULT_WARMUP_OFFSETS}); each
   * is moved to the next UTC midnight so the bars of every timeframe line up with the full data's.
   */
  readonly offsets?: readonly number[];
  readonly onProgress?: (done: number, total: number) => void;
}

/** One (symbol, later start) measurement. */
export interface WarmupMeasurement {
  readonly symbol: string;
  /** Open time of the first bar of the later start, UTC ms. */
  readonly startTs: number;
  /** Bars from the later start to the last disagreement, inclusive; null when it never agreed for good. */
  readonly needBars: number | null;
  /** Rows compared. */
  readonly rows: number;
  /** Column of the last disagreement (`ema`, `leg origin`, `decision`, …). */
  readonly column: string | null;
  /**
   * Of the rows past the strategy's declared warm-up (counted from the later start), the fraction that
   * still disagree: how much a too-short warm-up matters, not just whether it does.
   */
  readonly disagreeingAfterWarmup: number;
}

/** The verdict for one input (or for the decisions as a whole) of one strategy. */
export interface WarmupItem {
  readonly name: string;
  readonly role: string;
  readonly timeframe: Timeframe;
  /** This input's own warm-up setting in bars of `timeframe` (see FeatureProbe.declaredBars). */
  readonly declaredBars: number | null;
  /** Analytic bound at the tolerance, in bars of `timeframe`. */
  readonly boundBars: number | null;
  /** The strategy's declared warm-up (`warmupBars`) in whole bars of `timeframe`. */
  readonly strategyWarmupBars: number;
  /** {@link requiredWarmupBars} in whole bars of `timeframe`. */
  readonly requiredBars: number;
  /** Worst case measured; null when some start never converged within the data. */
  readonly measuredBars: number | null;
  readonly measuredMs: number | null;
  readonly converged: boolean;
  readonly coveredByStrategy: boolean;
  readonly coveredByRequired: boolean;
  /** The measurement that needed the most (never settling counts as the most). */
  readonly worst: WarmupMeasurement | null;
  /** Largest fraction of rows past the declared warm-up that still disagree, over the measurements. */
  readonly disagreeingAfterWarmup: number;
  readonly measurements: readonly WarmupMeasurement[];
}

export interface WarmupStrategyReport {
  readonly strategyId: string;
  readonly kind: string;
  readonly baseTimeframe: Timeframe;
  /** Declared: `Strategy.warmupBars(base)`. */
  readonly warmupBars: number;
  readonly warmupMs: number;
  /** What backtests should load: {@link requiredWarmupBars}. */
  readonly requiredBars: number;
  readonly requiredMs: number;
  /** The decisions themselves (action and reason exactly; entry, stop, targets, score within tolerance). */
  readonly decisions: WarmupItem;
  readonly features: readonly WarmupItem[];
  readonly coveredByStrategy: boolean;
  readonly coveredByRequired: boolean;
}

export interface WarmupReport {
  /**
   * True when, for every strategy, the required warm-up covers what its decisions were measured to need
   * (the per-input verdicts are diagnostics: an input may keep a long memory that rarely reaches a
   * decision, like an old unmitigated order block).
   */
  readonly ok: boolean;
  /**
   * Why it failed, one line each: the strategy, the input (or the decisions), its timeframe, the bars
   * it was measured to need and the bars the required warm-up gives.
   */
  readonly failures: readonly string[];
  readonly tolerance: number;
  readonly epsilon: number;
  readonly offsets: readonly number[];
  readonly symbols: readonly string[];
  readonly strategies: readonly WarmupStrategyReport[];
}

function agrees(col: ProbeColumn, a: number, b: number, tol: number): boolean {
  if (a === b) return true;
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  if (col.exact) return false;
  if (col.absolute !== undefined) return Math.abs(a - b) <= col.absolute;
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Part row j is matched to the full row with the same open time. Returns the index of the last part
 * row that disagrees in any column (−1 when none) and that column.
 */
function lastDisagreement(
  fullTs: Float64Array,
  full: readonly ProbeColumn[],
  partTs: Float64Array,
  part: readonly ProbeColumn[],
  tol: number,
  warmupRows: number,
): Disagreement {
  let k = partTs.length > 0 ? lowerBound(fullTs, partTs[0]) : 0;
  const d: Disagreement = { last: -1, column: null, rows: 0, after: 0, differAfter: 0, valued: 0 };
  for (let j = 0; j < partTs.length; j++) {
    while (k < fullTs.length && fullTs[k] < partTs[j]) k++;
    if (k >= fullTs.length) break;
    if (fullTs[k] !== partTs[j]) continue;
    d.rows++;
    if (j >= warmupRows) d.after++;
    if (full.some((c) => !Number.isNaN(c.values[k]))) d.valued++;
    for (let c = 0; c < part.length; c++) {
      if (!agrees(part[c], full[c].values[k], part[c].values[j], tol)) {
        d.last = j;
        d.column = part[c].name;
        if (j >= warmupRows) d.differAfter++;
        break;
      }
    }
  }
  return d;
}

interface Disagreement {
  /** Last part row that disagrees, −1 when none. */
  last: number;
  column: string | null;
  rows: number;
  /** Rows compared past the declared warm-up, and how many of them disagree. */
  after: number;
  differAfter: number;
  /** Rows where the full data has a value at all (0: the data is too short for the input). */
  valued: number;
}

function measurement(symbol: string, startTs: number, r: Disagreement, length: number): WarmupMeasurement {
  // a disagreement on the last row compared: it never settled within the data; no value at all: the
  // data is too short to say anything
  const settled = r.last < length - 1 && r.valued > 0;
  return {
    symbol,
    startTs,
    needBars: settled ? r.last + 1 : null,
    rows: r.rows,
    column: r.valued === 0 ? 'no value in the data: too short for this input' : r.last < 0 ? null : r.column,
    disagreeingAfterWarmup: r.after === 0 ? 0 : r.differAfter / r.after,
  };
}

const SIGNAL_FIELDS = ['entry', 'stop', 'tp1', 'tp2', 'tp3', 'score'] as const;

function sameDecision(
  full: PreparedStrategy<Decision<object>>,
  i: number,
  part: PreparedStrategy<Decision<object>>,
  j: number,
  tol: number,
): string | null {
  const a = full.decide(i);
  if (a !== part.decide(j)) return 'action/reason';
  if (unpackAction(a) === 0) return null; // NO_SIGNAL with the same reason: nothing else to compare
  const da = full.describe(i);
  const db = part.describe(j);
  for (const f of SIGNAL_FIELDS) {
    const x = da[f];
    const y = db[f];
    if (x === y) continue;
    if (x === null || y === null || Math.abs(x - y) > tol * Math.max(Math.abs(x), Math.abs(y))) return f;
  }
  return null;
}

/** Bar indexes differ between the full and the later-started data: not a difference of the decision. */
const IGNORE_IN_WARMUP: ReadonlySet<string> = new Set(['trace.bar']);

/**
 * A short name of what two decisions of the same bar differ in: the first gate (in trace order) whose
 * values differ, its indicator and fields — e.g. `bias — EMA 200 (1d): bias_dir`.
 */
function describeDifference(
  a: Decision<object>,
  b: Decision<object>,
  infoOf: FieldInfoOf,
  tol: number,
): string {
  const ra = a.reasons.join(',') || a.action;
  const rb = b.reasons.join(',') || b.action;
  if (ra !== rb && (a.reasons.includes('WARMUP') || b.reasons.includes('WARMUP'))) {
    return `warm-up: ${rb} from the later start, ${ra} on the full data`;
  }
  const fields = diffDecisions(a, b, infoOf, tol, IGNORE_IN_WARMUP);
  const traced = fields.filter((f) => f.field.startsWith('trace.') && f.gate !== 'decision');
  if (traced.length === 0) return fields.map((f) => f.field).join(', ') || 'action/reason';
  const gate = traced[0].gate;
  const mine = traced.filter((f) => f.gate === gate);
  const indicator = mine.find((f) => f.indicator !== null)?.indicator;
  const names = mine.map((f) => f.field.slice('trace.'.length)).join(', ');
  return `${gate}${indicator ? ` — ${indicator}` : ''}: ${names}`;
}

/** Offset start times of a series: fractions of its span, moved up to the next UTC midnight. */
export function offsetStarts(base: CandleSeries, fractions: readonly number[]): number[] {
  if (base.length < 2) return [];
  const t0 = base.ts[0];
  const span = base.ts[base.length - 1] - t0;
  const out = new Set<number>();
  for (const f of fractions) {
    const t = Math.ceil((t0 + f * span) / DAY) * DAY;
    if (t > t0 && t < base.ts[base.length - 1]) out.add(t);
  }
  return [...out].sort((a, b) => a - b);
}

function verdict(
  probe: Pick<FeatureProbe, 'name' | 'role' | 'timeframe' | 'declaredBars' | 'boundBars'>,
  measurements: WarmupMeasurement[],
  warmupMs: number,
  requiredMs: number,
): WarmupItem {
  const tfMs = TIMEFRAME_MS[probe.timeframe];
  const converged = measurements.every((m) => m.needBars !== null);
  const measuredBars = converged ? Math.max(0, ...measurements.map((m) => m.needBars ?? 0)) : null;
  const strategyWarmupBars = Math.floor(warmupMs / tfMs);
  const requiredBars = Math.floor(requiredMs / tfMs);
  return {
    ...probe,
    strategyWarmupBars,
    requiredBars,
    measuredBars,
    measuredMs: measuredBars === null ? null : measuredBars * tfMs,
    converged,
    coveredByStrategy: measuredBars !== null && measuredBars <= strategyWarmupBars,
    coveredByRequired: measuredBars !== null && measuredBars <= requiredBars,
    worst: measurements.reduce<WarmupMeasurement | null>(
      (w, m) =>
        w === null || (m.needBars ?? Number.POSITIVE_INFINITY) > (w.needBars ?? Number.POSITIVE_INFINITY)
          ? m
          : w,
      null,
    ),
    disagreeingAfterWarmup: Math.max(0, ...measurements.map((m) => m.disagreeingAfterWarmup)),
    measurements,
  };
}

/** Measures every strategy's inputs and decisions; pure (no I/O). */
export function checkWarmup(opts: WarmupOptions): WarmupReport {
  const tol = opts.tolerance ?? DEFAULT_WARMUP_TOLERANCE;
  if (!(tol >= 0 && tol < 1)) throw new Error(`tolerance ${tol} must be in [0, 1)`);
  const eps = opts.epsilon ?? DEFAULT_WARMUP_EPSILON;
  if (!(eps > 0 && eps < 1)) throw new Error(`epsilon ${eps} must be in (0, 1)`);
  const fractions = opts.offsets ?? DEFAULT_WARMUP_OFFSETS;
  for (const f of fractions)
    if (!(f > 0 && f < 1)) throw new Error(`offset ${f} must be a fraction in (0, 1)`);
  if (opts.bases.length === 0) throw new Error('the warm-up check needs candles of at least one symbol');
  const base = opts.bases[0].timeframe;
  const baseMs = TIMEFRAME_MS[base];
  const starts = opts.bases.map((b) => offsetStarts(b, fractions));
  const total = opts.strategies.length * starts.reduce((n, s) => n + s.length, 0);
  let done = 0;
  const reports: WarmupStrategyReport[] = [];
  for (const named of opts.strategies) {
    const strategy = named.strategy;
    const warmupBars = strategy.warmupBars(base);
    const requiredBars = requiredWarmupBars(strategy, base, eps);
    const warmupMs = warmupBars * baseMs;
    const requiredMs = requiredBars * baseMs;
    const probes = featureProbes(strategy, base, eps);
    const infoOf = fieldInfoOf(strategy);
    const featureMeasurements: WarmupMeasurement[][] = probes.map(() => []);
    const decisionMeasurements: WarmupMeasurement[] = [];
    for (const [s, series] of opts.bases.entries()) {
      if (series.timeframe !== base)
        throw new Error(`every base series must be ${base}: ${series.symbol} is ${series.timeframe}`);
      const fullCandles = candlesFor(series, strategy);
      const full = strategy.prepare({ symbol: series.symbol, baseTimeframe: base, candles: fullCandles });
      const fullCols = probes.map((p) => {
        const bars = fullCandles[p.timeframe] ?? resample(series, p.timeframe);
        return { ts: bars.ts, cols: p.columns(bars) };
      });
      for (const startTs of starts[s]) {
        const cutAt = lowerBound(series.ts, startTs);
        const cut = sliceSeries(series, cutAt, series.length);
        const cutCandles = candlesFor(cut, strategy);
        for (const [p, probe] of probes.entries()) {
          const bars = cutCandles[probe.timeframe] ?? resample(cut, probe.timeframe);
          const warmRows = Math.floor(warmupMs / TIMEFRAME_MS[probe.timeframe]);
          const r = lastDisagreement(
            fullCols[p].ts,
            fullCols[p].cols,
            bars.ts,
            probe.columns(bars),
            tol,
            warmRows,
          );
          featureMeasurements[p].push(measurement(series.symbol, startTs, r, bars.length));
        }
        const part = strategy.prepare({ symbol: series.symbol, baseTimeframe: base, candles: cutCandles });
        let last = -1;
        let after = 0;
        let differAfter = 0;
        for (let j = 0; j < part.length; j++) {
          const differs = sameDecision(full, j + cutAt, part, j, tol) !== null;
          if (j >= warmupBars) {
            after++;
            if (differs) differAfter++;
          }
          if (differs) last = j;
        }
        // name what differed at the last disagreement: the first gate past the decision fields
        const column =
          last < 0 ? null : describeDifference(full.describe(last + cutAt), part.describe(last), infoOf, tol);
        decisionMeasurements.push(
          measurement(
            series.symbol,
            startTs,
            { last, column, rows: part.length, after, differAfter, valued: part.length },
            part.length,
          ),
        );
        opts.onProgress?.(++done, total);
      }
    }
    const features = probes.map((p, k) => verdict(p, featureMeasurements[k], warmupMs, requiredMs));
    const decisions = verdict(
      {
        name: 'decisions',
        role: 'action, reason, entry, stop, targets, score',
        timeframe: base,
        declaredBars: warmupBars,
        boundBars: null,
      },
      decisionMeasurements,
      warmupMs,
      requiredMs,
    );
    const all = [decisions, ...features];
    reports.push({
      strategyId: named.id,
      kind: named.kind,
      baseTimeframe: base,
      warmupBars,
      warmupMs,
      requiredBars,
      requiredMs,
      decisions,
      features,
      coveredByStrategy: all.every((x) => x.coveredByStrategy),
      coveredByRequired: all.every((x) => x.coveredByRequired),
    });
  }
  const failures = reports.flatMap(warmupFailures);
  return {
    ok: failures.length === 0,
    failures,
    tolerance: tol,
    epsilon: eps,
    offsets: fractions,
    symbols: opts.bases.map((b) => b.symbol),
    strategies: reports,
  };
}

/**
 * What fails the check for one strategy: the decisions, and each input with an analytic bound (a
 * smoother or a rolling window), that did not settle within the required warm-up.
 */
function warmupFailures(r: WarmupStrategyReport): string[] {
  const out: string[] = [];
  for (const x of [r.decisions, ...r.features]) {
    if (x.coveredByRequired || (x !== r.decisions && x.boundBars === null)) continue;
    const need =
      x.measuredBars === null
        ? 'never settled within the data'
        : `needs ${x.measuredBars} ${x.timeframe} bars`;
    const where = x.worst === null ? '' : ` (worst ${x.worst.symbol})`;
    out.push(
      `${r.strategyId}: ${x.name} (${x.timeframe}, ${x.role}) ${need}${where}; the required warm-up gives ${x.requiredBars}`,
    );
  }
  return out;
}
