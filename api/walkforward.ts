import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../data/errors.ts';
import { TIMEFRAME_MS } from '../data/timeframes.ts';
import { contentHash } from '../engine/backtest/hash.ts';
import { ResearchConfigSchema } from '../engine/research/config-schema.ts';
import { expandGrid } from '../engine/research/grid/expand.ts';
import { type GridFile, parseObjective } from '../engine/research/grid/grid-file.ts';
import type { ProgressInfo } from '../engine/research/pool/progress.ts';
import {
  annualisedSharpe,
  maxDrawdownOfReturns,
  totalReturn,
} from '../engine/research/stats/return-stats.ts';
import { probabilisticSharpeRatio, sharpeSampleOf } from '../engine/research/stats/sharpe-inference.ts';
import {
  runWalkForward,
  type WalkForwardResult,
  walkForwardWindows,
} from '../engine/research/walkforward.ts';
import { writeRunReportHtml } from '../reports/report/read.ts';
import { toCsv } from '../reports/run-dir/csv.ts';
import type { CandleQuery } from './candles.ts';
import { type ConfigSource, type GridInput, gridOf, loadResearchConfig, PACKAGE_VERSION } from './config.ts';
import type { ProgressCallback, WarningCallback } from './progress.ts';
import {
  candlesHash,
  defaultWorkers,
  loadResearchCandles,
  openBacktestPool,
  openResultsLog,
} from './research.ts';

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** A duration such as `180d`, `12h` or `4w`, in ms; `name` (e.g. the flag) is named on failure. */
export function parseDuration(name: string, value: string): number {
  const m = /^(\d+)([hdw])$/.exec(value.trim());
  if (m === null || Number(m[1]) <= 0) {
    throw new UserError(
      `${name} '${value}' is not a duration: use a positive whole number with h, d or w, e.g. 180d`,
    );
  }
  return Number(m[1]) * UNIT_MS[m[2]];
}

/** A span: `180d`, `12h`, `4w`, or milliseconds. */
export type Duration = string | number;

function durationMs(name: string, value: Duration): number {
  if (typeof value === 'string') return parseDuration(name, value);
  if (!Number.isInteger(value) || value <= 0)
    throw new UserError(
      `${name} ${value} is not a duration: give positive whole milliseconds or e.g. '180d'`,
    );
  return value;
}

/**
 * Walk-forward analysis: per window, the grid is optimised on the train span (in the workers) and the
 * chosen config runs on the following test span (warm-up history before it, no trades before it). Writes
 * windows.csv, oos-equity.csv, oos-trades.csv, result.json and report.html; resumes like a sweep.
 */
export interface WalkForwardRunOptions extends CandleQuery {
  /** Grid file path, or the grid as an object. */
  readonly grid: string | GridInput;
  /** Base config the grid varies: a YAML file or config document over the defaults. */
  readonly config?: ConfigSource;
  readonly train: Duration;
  readonly test: Duration;
  /** Distance between windows; default `test`. */
  readonly step?: Duration;
  /** Every train span starts at the beginning of the data (default: rolling). */
  readonly anchored?: boolean;
  /** Worker threads (0 runs in this thread); default the available cores. */
  readonly workers?: number;
  /** Run directory; default runs/walkforward-<hash>. */
  readonly out?: string;
  readonly onProgress?: ProgressCallback<ProgressInfo>;
  readonly onWarning?: WarningCallback;
  /** Stops starting backtests; the outcome is `complete: false` (rerun to resume). */
  readonly signal?: AbortSignal;
}

/** Out-of-sample figures of the stitched test spans. */
export interface OutOfSampleSummary {
  readonly days: number;
  readonly sharpe: number | null;
  readonly totalReturn: number;
  readonly maxDrawdown: number;
  readonly trades: number;
  readonly psr: number | null;
}

/** A finished walk-forward analysis. */
export interface WalkForwardComplete {
  readonly complete: true;
  readonly runDir: string;
  /** Number of windows. */
  readonly windows: number;
  readonly configsPerWindow: number;
  readonly anchored: boolean;
  readonly efficiency: number | null;
  readonly outOfSample: OutOfSampleSummary;
  readonly oosHash: string;
  readonly grid: GridFile;
  /** Per-window choices, the stitched OOS curve and trades, stability. */
  readonly result: WalkForwardResult;
}

/** A walk-forward stopped by its signal: rerun with the same inputs to resume. */
export interface WalkForwardStopped {
  readonly complete: false;
  readonly runDir: string;
}

/** What {@link walkForward} returns: `complete` tells which. */
export type WalkForwardOutcome = WalkForwardComplete | WalkForwardStopped;

const iso = (t: number) => new Date(t).toISOString();

/**
 * Cuts the data into train/test windows, chooses a config per train span by the grid's objective, runs
 * it on the test span, and writes the per-window table, the stitched out-of-sample equity and trades.
 */
export async function walkForward(opts: WalkForwardRunOptions): Promise<WalkForwardOutcome> {
  const train = durationMs('--train', opts.train);
  const test = durationMs('--test', opts.test);
  const step = opts.step === undefined ? test : durationMs('--step', opts.step);
  const anchored = opts.anchored ?? false;
  const grid = gridOf(opts.grid);
  const objective = parseObjective(grid.objective);
  const expanded = expandGrid(grid, loadResearchConfig(opts.config), ResearchConfigSchema);

  const { candles, base, warmup } = await loadResearchCandles(
    opts,
    expanded.configs.map((c) => c.config),
  );
  const historyFrom = Math.min(...candles.map((s) => s.ts[0]));
  // Without --from, the first train span starts once the data holds the required warm-up before it, so
  // no window trades on indicators still tied to where the data starts (engine/research/checks/warmup.ts).
  const dataFrom = opts.from ?? historyFrom + warmup;
  const dataTo = Math.max(...candles.map((s) => s.ts[s.length - 1])) + TIMEFRAME_MS[base];
  const windows = walkForwardWindows(dataFrom, opts.to === undefined ? dataTo : Math.min(opts.to, dataTo), {
    train,
    test,
    step,
    anchored,
    warmup,
  });
  if (windows.length === 0) {
    throw new UserError(
      `the data (${iso(dataFrom)} to ${iso(dataTo)}, after ${(warmup / TIMEFRAME_MS['1d']).toFixed(0)} days of warm-up) is too short for one --train ${opts.train} + --test ${opts.test} window: shorten them or load more data`,
    );
  }
  const dataHash = candlesHash(candles);
  const runDir =
    opts.out ??
    join(
      'runs',
      `walkforward-${contentHash({ configs: expanded.configs.map((c) => c.configHash), dataHash, windows, warmup }).slice(0, 12)}`,
    );
  const { known, writer } = openResultsLog(runDir, opts.onWarning);
  const pool = openBacktestPool(candles, opts.workers ?? defaultWorkers());
  let wf: WalkForwardResult;
  try {
    wf = await runWalkForward({
      configs: expanded.configs,
      windows,
      dataFrom: historyFrom,
      warmup,
      dataHash,
      objective,
      minTrades: grid.constraints.min_trades,
      pool,
      known,
      record: (key, o) => writer.append(key, o),
      onProgress: opts.onProgress && ((p) => opts.onProgress?.(p.done, p.total, p)),
      signal: opts.signal,
    });
  } finally {
    writer.close();
    await pool.close();
  }
  if (!wf.complete) return { complete: false, runDir };

  const axes = expanded.axes.map((a) => a.path);
  const windowHeader = [
    'window',
    'trainFrom',
    'trainTo',
    'testFrom',
    'testTo',
    'chosen',
    ...axes,
    `is_${objective.metric}`,
    `oos_${objective.metric}`,
    'oos_totalReturn',
    'oos_trades',
    'reason',
  ];
  const windowRows = wf.windows.map((w) => [
    w.window.index,
    iso(w.window.trainFrom),
    iso(w.window.trainTo),
    iso(w.window.testFrom),
    iso(w.window.testTo),
    w.chosen?.index ?? null,
    ...axes.map((p) => {
      const v = w.chosen?.params[p];
      return v === undefined ? null : typeof v === 'object' && v !== null ? JSON.stringify(v) : v;
    }),
    w.inSample,
    w.outOfSample,
    w.testOutcome?.metrics.totalReturn ?? null,
    w.testOutcome?.trades ?? null,
    w.reason,
  ]);
  writeFileSync(join(runDir, 'windows.csv'), toCsv(windowHeader, windowRows));
  writeFileSync(
    join(runDir, 'oos-equity.csv'),
    toCsv(
      ['ts', 'equity'],
      wf.stitched.ts.map((t, i) => [iso(t), wf.stitched.equity[i]]),
    ),
  );
  writeFileSync(
    join(runDir, 'oos-trades.csv'),
    toCsv(
      [
        'strategyId',
        'symbol',
        'side',
        'entryTs',
        'exitTs',
        'entryPrice',
        'exitPrice',
        'qty',
        'netPnl',
        'exitReason',
      ],
      wf.stitched.trades.map((t) => [
        t.strategyId,
        t.symbol,
        t.side,
        iso(t.entryTs),
        iso(t.exitTs),
        t.entryPrice,
        t.exitPrice,
        t.qty,
        t.netPnl,
        t.exitReason,
      ]),
    ),
  );
  const daily = wf.stitched.daily;
  const oos: OutOfSampleSummary = {
    days: daily.length,
    sharpe: daily.length >= 2 ? annualisedSharpe(daily) : null,
    totalReturn: totalReturn(daily),
    maxDrawdown: maxDrawdownOfReturns(daily),
    trades: wf.stitched.trades.length,
    psr: daily.length >= 3 ? probabilisticSharpeRatio(sharpeSampleOf(daily), 0) : null,
  };
  const result = {
    kind: 'walkforward',
    schema: 1,
    packageVersion: PACKAGE_VERSION,
    objective: grid.objective,
    constraints: grid.constraints,
    train: opts.train,
    test: opts.test,
    step: opts.step ?? opts.test,
    anchored,
    warmupMs: warmup,
    configsPerWindow: expanded.configs.length,
    dataHash,
    windows: wf.windows.map((w) => ({
      window: w.window,
      chosen: w.chosen,
      reason: w.reason,
      inSample: w.inSample,
      outOfSample: w.outOfSample,
      testResultHash: w.testOutcome?.resultHash ?? null,
    })),
    efficiency: wf.efficiency,
    stability: wf.stability,
    outOfSample: oos,
    oosHash: contentHash({ ts: wf.stitched.ts, equity: wf.stitched.equity }),
  };
  writeFileSync(join(runDir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeRunReportHtml(runDir);
  return {
    complete: true,
    runDir,
    windows: windows.length,
    configsPerWindow: expanded.configs.length,
    anchored,
    efficiency: wf.efficiency,
    outOfSample: oos,
    oosHash: result.oosHash,
    grid,
    result: wf,
  };
}
