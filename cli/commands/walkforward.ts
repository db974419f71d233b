import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../data/errors.ts';
import { CandleStore } from '../../data/store/candle-store.ts';
import { TIMEFRAME_MS } from '../../data/timeframes.ts';
import { contentHash } from '../../engine/backtest/hash.ts';
import { ResearchConfigSchema } from '../../engine/research/config-schema.ts';
import { expandGrid } from '../../engine/research/grid/expand.ts';
import { parseObjective } from '../../engine/research/grid/grid-file.ts';
import {
  annualisedSharpe,
  maxDrawdownOfReturns,
  totalReturn,
} from '../../engine/research/stats/return-stats.ts';
import { probabilisticSharpeRatio, sharpeSampleOf } from '../../engine/research/stats/sharpe-inference.ts';
import {
  runWalkForward,
  type WalkForwardResult,
  walkForwardWindows,
} from '../../engine/research/walkforward.ts';
import { toCsv } from '../../reports/run-dir/csv.ts';
import { parseCandleScope, type RawScopeOptions, TIMEFRAME_HELP } from '../options.ts';
import { action } from '../run-action.ts';
import {
  candlesHash,
  interruptOnSigint,
  loadGrid,
  loadResearchConfig,
  loadSharedCandles,
  maxWarmup,
  minimalReport,
  openBacktestPool,
  openResultsLog,
  PACKAGE_VERSION,
  parseWorkers,
  pickBaseSeries,
  progressReporter,
} from './sweep.ts';

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** A duration flag such as `180d`, `12h` or `4w`, in ms; names the flag on failure. */
export function parseDuration(flag: string, value: string): number {
  const m = /^(\d+)([hdw])$/.exec(value.trim());
  if (m === null || Number(m[1]) <= 0) {
    throw new UserError(
      `${flag} '${value}' is not a duration: use a positive whole number with h, d or w, e.g. 180d`,
    );
  }
  return Number(m[1]) * UNIT_MS[m[2]];
}

interface WalkForwardFlags extends RawScopeOptions {
  config?: string;
  grid?: string;
  train?: string;
  test?: string;
  step?: string;
  anchored?: boolean;
  workers?: string;
  out?: string;
  source?: string;
}

const iso = (t: number) => new Date(t).toISOString();

async function walkforwardAction(flags: WalkForwardFlags): Promise<void> {
  const scope = parseCandleScope(flags);
  const workers = parseWorkers(flags.workers);
  if (flags.train === undefined || flags.test === undefined)
    throw new UserError('--train and --test are required, e.g. --train 180d --test 30d');
  const train = parseDuration('--train', flags.train);
  const test = parseDuration('--test', flags.test);
  const step = flags.step === undefined ? test : parseDuration('--step', flags.step);
  const grid = loadGrid(flags.grid);
  const objective = parseObjective(grid.objective);
  const expanded = expandGrid(grid, loadResearchConfig(flags.config), ResearchConfigSchema);

  const probe = await CandleStore.open(scope.db, { readOnly: true });
  let picked: ReturnType<typeof pickBaseSeries>;
  try {
    picked = pickBaseSeries(await probe.list(), scope.symbols, scope.timeframe, flags.source);
  } finally {
    await probe.close();
  }
  const base = picked[0].timeframe;
  const warmup = maxWarmup(
    expanded.configs.map((c) => c.config),
    base,
  );
  const candles = await loadSharedCandles(scope, flags.source, warmup);
  const historyFrom = Math.min(...candles.map((s) => s.ts[0]));
  const dataFrom = scope.from ?? historyFrom;
  const dataTo = Math.max(...candles.map((s) => s.ts[s.length - 1])) + TIMEFRAME_MS[base];
  const windows = walkForwardWindows(dataFrom, scope.to === undefined ? dataTo : Math.min(scope.to, dataTo), {
    train,
    test,
    step,
    anchored: flags.anchored ?? false,
    warmup,
  });
  if (windows.length === 0) {
    throw new UserError(
      `the data (${iso(dataFrom)} to ${iso(dataTo)}) is too short for one --train ${flags.train} + --test ${flags.test} window: shorten them or load more data`,
    );
  }
  const dataHash = candlesHash(candles);
  const runDir =
    flags.out ??
    join(
      'runs',
      `walkforward-${contentHash({ configs: expanded.configs.map((c) => c.configHash), dataHash, windows, warmup }).slice(0, 12)}`,
    );
  const { known, writer } = openResultsLog(runDir, scope.json);
  const pool = openBacktestPool(candles, workers);
  const interrupt = interruptOnSigint(scope.json);
  const progress = progressReporter(scope.json, 'walk-forward');
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
      onProgress: progress.onProgress,
      signal: interrupt.signal,
    });
  } finally {
    progress.stop();
    interrupt.dispose();
    writer.close();
    await pool.close();
  }
  if (!wf.complete) {
    if (scope.json) process.stdout.write(`${JSON.stringify({ runDir, complete: false })}\n`);
    else process.stderr.write(`smc: walk-forward stopped; rerun the same command to resume (${runDir})\n`);
    process.exitCode = 130;
    return;
  }

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
  const oos = {
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
    train: flags.train,
    test: flags.test,
    step: flags.step ?? flags.test,
    anchored: flags.anchored ?? false,
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
  writeFileSync(
    join(runDir, 'report.html'),
    minimalReport(
      `Walk-forward: ${grid.objective}, ${windows.length} windows`,
      {
        'walk-forward efficiency': wf.efficiency,
        'OOS Sharpe': oos.sharpe,
        'OOS total return': oos.totalReturn,
        'OOS max drawdown': oos.maxDrawdown,
        'OOS probabilistic Sharpe ratio': oos.psr,
        'OOS trades': oos.trades,
        ...Object.fromEntries(
          wf.stability.map((s) => [
            `stability ${s.path}`,
            `${s.distinct} distinct; mode ${JSON.stringify(s.mode)} in ${(s.modeShare * 100).toFixed(0)}%`,
          ]),
        ),
      },
      windowHeader,
      windowRows,
    ),
  );
  if (scope.json) {
    process.stdout.write(
      `${JSON.stringify({ runDir, complete: true, windows: windows.length, efficiency: wf.efficiency, outOfSample: oos, oosHash: result.oosHash }, null, 2)}\n`,
    );
    return;
  }
  const f = (x: number | null) => (x === null ? '—' : x.toFixed(4));
  process.stdout.write(
    `walk-forward over ${windows.length} windows × ${expanded.configs.length} configs (${flags.anchored ? 'anchored' : 'rolling'})\n` +
      `OOS: sharpe ${f(oos.sharpe)}, total return ${f(oos.totalReturn)}, max drawdown ${f(oos.maxDrawdown)}, ${oos.trades} trades, PSR ${f(oos.psr)}\n` +
      `walk-forward efficiency ${f(wf.efficiency)}\nrun directory ${runDir}\n`,
  );
}

export function register(program: Command): void {
  program
    .command('walkforward')
    .description(
      'walk-forward analysis: per window, optimise the grid on the train span (in the workers), run the chosen ' +
        'config on the following test span (warm-up history before it, no trades before it); stitched OOS equity ' +
        'and trades, a per-window table, walk-forward efficiency and parameter stability',
    )
    .option('--config <file>', 'base config (YAML over the defaults; may hold a backtest: section)')
    .requiredOption('--grid <file>', 'grid file (see config/grids/ote-4h.yaml)')
    .requiredOption('--train <duration>', 'train span, e.g. 180d')
    .requiredOption('--test <duration>', 'test span, e.g. 30d')
    .option('--step <duration>', 'distance between windows (default: --test)')
    .option('--anchored', 'train spans all start at the beginning of the data (default: rolling)')
    .option('--symbols <list>', 'comma-separated symbols')
    .option('--timeframe <tf>', TIMEFRAME_HELP)
    .option('--from <date>', 'start of the first train span (earlier bars are loaded for warm-up)')
    .option('--to <date>', 'end of the data (exclusive)')
    .option('--source <name>', 'candle source when a symbol is stored from several')
    .option('--workers <n>', 'worker threads (default: available cores)')
    .option('--db <file>', 'candle store (DuckDB file)')
    .option('--out <dir>', 'run directory (default runs/walkforward-<hash>; rerunning resumes it)')
    .option('--json', 'print a machine-readable summary')
    .action(action(walkforwardAction));
}
