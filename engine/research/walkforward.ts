import { contentHash } from '../backtest/hash.ts';
import type { TradeRecord } from '../metrics/trade-record.ts';
import type { ExpandedConfig } from './grid/expand.ts';
import type { Objective, ParamValue } from './grid/grid-file.ts';
import { canonicalJson } from './hash.ts';
import type { BacktestSpan, ConfigOutcome, ConfigTask } from './outcome.ts';
import type { ResearchPool } from './pool/pool.ts';
import type { ProgressInfo } from './pool/progress.ts';
import { dailyReturnsFromEquity } from './stats/daily-returns.ts';
import { runSweep, selectBest, sweepRows } from './sweep.ts';

/** Walk-forward layout. Durations in ms. */
export interface WalkForwardSpec {
  train: number;
  test: number;
  /** Distance between consecutive windows (default: `test`, so test spans tile the data). */
  step?: number;
  /** Anchored: every train span starts at the start of the data and grows; rolling otherwise. */
  anchored?: boolean;
  /** History read before a span's first traded bar (indicator warm-up); never traded. */
  warmup: number;
}

export interface Window {
  index: number;
  trainFrom: number;
  trainTo: number;
  testFrom: number;
  testTo: number;
}

/**
 * Windows over [dataFrom, dataTo) (ms, aligned to the caller's bars). Only whole test spans are kept: a
 * window whose test span would run past the data is dropped. Train spans never overlap their test span.
 */
export function walkForwardWindows(dataFrom: number, dataTo: number, spec: WalkForwardSpec): Window[] {
  const step = spec.step ?? spec.test;
  if (!(spec.train > 0 && spec.test > 0 && step > 0)) {
    throw new RangeError('train, test and step must be positive durations');
  }
  const windows: Window[] = [];
  for (let k = 0; ; k++) {
    const trainFrom = spec.anchored ? dataFrom : dataFrom + k * step;
    const trainTo = spec.anchored ? dataFrom + spec.train + k * step : trainFrom + spec.train;
    const testFrom = trainTo;
    const testTo = testFrom + spec.test;
    if (testTo > dataTo) break;
    windows.push({ index: k, trainFrom, trainTo, testFrom, testTo });
  }
  return windows;
}

/** The spans a window runs: the train span and the test span, each with warm-up before it. */
export function windowSpans(
  w: Window,
  dataFrom: number,
  warmup: number,
): { train: BacktestSpan; test: BacktestSpan } {
  return {
    // The first window has no history before its train span: its warm-up comes out of the span itself.
    train: {
      from: Math.max(dataFrom, w.trainFrom - warmup),
      to: w.trainTo,
      tradeFrom: Math.max(w.trainFrom, dataFrom + warmup),
    },
    test: { from: Math.max(dataFrom, w.testFrom - warmup), to: w.testTo, tradeFrom: w.testFrom },
  };
}

export interface WindowResult {
  window: Window;
  /** The config the train span chose (null when none met the constraints). */
  chosen: { index: number; params: Readonly<Record<string, ParamValue>>; configHash: string } | null;
  reason: string | null;
  /** Objective of the chosen config in sample (train) and out of sample (test). */
  inSample: number | null;
  outOfSample: number | null;
  trainOutcome: ConfigOutcome | null;
  testOutcome: ConfigOutcome | null;
}

export interface StitchedOos {
  /**
   * The test runs' equity curves chained in window order, as a growth factor from 1: each window's
   * curve is scaled to start where the previous one ended (a window without a choice stays flat).
   */
  ts: number[];
  equity: number[];
  /** Daily returns of the chained curve (engine conventions, stats/daily-returns.ts). */
  days: number[];
  daily: number[];
  /** The test runs' trades, in window order. */
  trades: TradeRecord[];
}

export interface WalkForwardResult {
  windows: WindowResult[];
  stitched: StitchedOos;
  /**
   * Walk-forward efficiency (Pardo): mean annualised out-of-sample return over mean annualised in-sample
   * return of the chosen configs (simple annualisation, total return × 365 / days); null when in-sample
   * returns average to 0 or no window chose. Only meaningful when the in-sample mean is positive.
   */
  efficiency: number | null;
  stability: ParamStability[];
  complete: boolean;
}

/** How the chosen value of one parameter moved across windows. */
export interface ParamStability {
  path: string;
  chosen: ParamValue[];
  distinct: number;
  /** The most chosen value and the share of windows that chose it. */
  mode: ParamValue;
  modeShare: number;
  /** Numeric values only: spread (max − min) of the chosen values. */
  range: number | null;
}

export interface WalkForwardOptions<C> {
  configs: readonly ExpandedConfig<C>[];
  windows: readonly Window[];
  dataFrom: number;
  warmup: number;
  /** Identity of the candles; each span's data hash is derived from it and the span. */
  dataHash: string;
  objective: Objective;
  minTrades: number;
  pool: ResearchPool<unknown, ConfigTask<C>, ConfigOutcome>;
  known?: ReadonlyMap<string, ConfigOutcome>;
  record?: (key: string, outcome: ConfigOutcome) => void;
  onProgress?: (p: ProgressInfo) => void;
  signal?: AbortSignal;
}

export function spanDataHash(dataHash: string, span: BacktestSpan): string {
  return contentHash({ data: dataHash, span });
}

/** Simple annualised return (total return × 365 / days), Pardo's convention for walk-forward efficiency. */
function annualised(o: ConfigOutcome): number {
  const days = o.daily.length;
  if (days === 0) return 0;
  let g = 1;
  for (const r of o.daily) g *= 1 + r;
  return ((g - 1) * 365) / days;
}

/**
 * Walk-forward analysis: per window, every config runs on the train span (in the pool), the best under
 * objective and constraints is chosen from the train results alone, and only it runs on the test span,
 * which starts after warm-up history that it may read but not trade. Results are cached and resumable by
 * (config hash, span data hash) like a sweep.
 */
export async function runWalkForward<C>(opts: WalkForwardOptions<C>): Promise<WalkForwardResult> {
  const results: WindowResult[] = [];
  const known = new Map(opts.known ?? []);
  const record = (key: string, o: ConfigOutcome) => {
    known.set(key, o);
    opts.record?.(key, o);
  };
  const total = opts.windows.length * (opts.configs.length + 1);
  let finishedBefore = 0;
  const progress = (p: ProgressInfo) =>
    opts.onProgress?.({ ...p, done: finishedBefore + p.done, total, resumed: p.resumed });
  let complete = true;
  for (const w of opts.windows) {
    const spans = windowSpans(w, opts.dataFrom, opts.warmup);
    const trainHash = spanDataHash(opts.dataHash, spans.train);
    const train = await runSweep({
      configs: opts.configs,
      dataHash: trainHash,
      pool: opts.pool,
      span: spans.train,
      known,
      record,
      onProgress: progress,
      signal: opts.signal,
    });
    finishedBefore += opts.configs.length;
    if (!train.complete) {
      complete = false;
      break;
    }
    const rows = sweepRows(opts.configs, train.outcomes);
    const sel = selectBest(rows, opts.objective, opts.minTrades);
    if (sel.best === null) {
      results.push({
        window: w,
        chosen: null,
        reason: sel.reason,
        inSample: null,
        outOfSample: null,
        trainOutcome: null,
        testOutcome: null,
      });
      finishedBefore += 1;
      continue;
    }
    const pos = opts.configs.findIndex((c) => c.index === sel.best?.index);
    const chosen = opts.configs[pos];
    const testHash = spanDataHash(opts.dataHash, spans.test);
    const test = await runSweep({
      configs: [chosen],
      detail: true,
      dataHash: testHash,
      pool: opts.pool,
      span: spans.test,
      known,
      record,
      onProgress: progress,
      signal: opts.signal,
    });
    finishedBefore += 1;
    const testOutcome = test.outcomes[0] ?? null;
    if (testOutcome === null) {
      complete = false;
      break;
    }
    const trainOutcome = train.outcomes[pos] ?? null;
    results.push({
      window: w,
      chosen: { index: chosen.index, params: chosen.params, configHash: chosen.configHash },
      reason: null,
      inSample: trainOutcome?.metrics[opts.objective.metric] ?? null,
      outOfSample: testOutcome.metrics[opts.objective.metric] ?? null,
      trainOutcome,
      testOutcome,
    });
  }
  return {
    windows: results,
    stitched: stitchOutOfSample(results),
    efficiency: walkForwardEfficiency(results),
    stability: parameterStability(results),
    complete,
  };
}

/**
 * Chains the test runs' equity curves in window order. Consecutive test spans share their boundary (a
 * span's last sample, at its end, is the next span's starting equity), so multiplying sample-to-sample
 * ratios reproduces exactly what running the chosen configs one after another would give. Samples at
 * or before the last chained time (overlapping spans when step < test) are skipped.
 */
export function stitchOutOfSample(results: readonly WindowResult[]): StitchedOos {
  const ts: number[] = [];
  const equity: number[] = [];
  const trades: TradeRecord[] = [];
  let level = 1;
  for (const r of results) {
    const curve = r.testOutcome?.equity;
    if (r.testOutcome?.tradeList) trades.push(...r.testOutcome.tradeList);
    if (curve === undefined || curve.ts.length === 0) continue;
    for (let j = 0; j < curve.ts.length; j++) {
      if (ts.length > 0 && curve.ts[j] <= ts[ts.length - 1]) continue;
      if (j > 0 && curve.equity[j - 1] !== 0) level *= curve.equity[j] / curve.equity[j - 1];
      ts.push(curve.ts[j]);
      equity.push(level);
    }
  }
  const d = dailyReturnsFromEquity(ts, equity);
  return { ts, equity, days: Array.from(d.days), daily: Array.from(d.returns), trades };
}

export function walkForwardEfficiency(results: readonly WindowResult[]): number | null {
  let is = 0;
  let oos = 0;
  let n = 0;
  for (const r of results) {
    if (r.trainOutcome === null || r.testOutcome === null) continue;
    is += annualised(r.trainOutcome);
    oos += annualised(r.testOutcome);
    n++;
  }
  if (n === 0 || is === 0) return null;
  return oos / n / (is / n);
}

export function parameterStability(results: readonly WindowResult[]): ParamStability[] {
  const chosen = results.filter((r) => r.chosen !== null).map((r) => r.chosen?.params ?? {});
  if (chosen.length === 0) return [];
  return Object.keys(chosen[0]).map((path) => {
    const values = chosen.map((p) => p[path]);
    const counts = new Map<string, { value: ParamValue; n: number }>();
    for (const v of values) {
      const key = canonicalJson(v);
      const c = counts.get(key);
      if (c) c.n++;
      else counts.set(key, { value: v, n: 1 });
    }
    let mode = { value: values[0], n: 0 };
    for (const c of counts.values()) if (c.n > mode.n) mode = c;
    const numeric = values.every((v) => typeof v === 'number') ? (values as number[]) : null;
    return {
      path,
      chosen: values,
      distinct: counts.size,
      mode: mode.value,
      modeShare: mode.n / values.length,
      range: numeric ? Math.max(...numeric) - Math.min(...numeric) : null,
    };
  });
}
