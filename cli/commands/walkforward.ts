import type { Command } from 'commander';
import { walkForward } from '../../api/walkforward.ts';
import { UserError } from '../../data/errors.ts';
import { parseCandleScope, type RawScopeOptions, TIMEFRAME_HELP } from '../options.ts';
import { progressDriver } from '../progress.ts';
import { interruptOnSigint, parseWorkers, requireGrid } from '../research-run.ts';
import { action } from '../run-action.ts';

/** `smc walkforward`: flags → api/walkforward.ts → a summary (text or --json); SIGINT stops it resumably. */

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

async function walkforwardAction(flags: WalkForwardFlags): Promise<void> {
  const scope = parseCandleScope(flags);
  const workers = parseWorkers(flags.workers);
  if (flags.train === undefined || flags.test === undefined)
    throw new UserError('--train and --test are required, e.g. --train 180d --test 30d');
  const bar = progressDriver({ json: scope.json });
  const interrupt = interruptOnSigint(scope.json);
  let outcome: Awaited<ReturnType<typeof walkForward>>;
  try {
    outcome = await walkForward({
      ...scope,
      ...(flags.source === undefined ? {} : { source: flags.source }),
      train: flags.train,
      test: flags.test,
      ...(flags.step === undefined ? {} : { step: flags.step }),
      anchored: flags.anchored ?? false,
      grid: requireGrid(flags.grid),
      config: flags.config,
      workers,
      ...(flags.out === undefined ? {} : { out: flags.out }),
      onProgress: (done, total) => bar.report(done, total, 'walk-forward'),
      onWarning: (message) => {
        if (!scope.json) process.stderr.write(`smc: ${message}\n`);
      },
      signal: interrupt.signal,
    });
  } finally {
    bar.stop();
    interrupt.dispose();
  }
  if (!outcome.complete) {
    if (scope.json) process.stdout.write(`${JSON.stringify({ runDir: outcome.runDir, complete: false })}\n`);
    else
      process.stderr.write(
        `smc: walk-forward stopped; rerun the same command to resume (${outcome.runDir})\n`,
      );
    process.exitCode = 130;
    return;
  }
  const oos = outcome.outOfSample;
  if (scope.json) {
    process.stdout.write(
      `${JSON.stringify({ runDir: outcome.runDir, complete: true, windows: outcome.windows, efficiency: outcome.efficiency, outOfSample: oos, oosHash: outcome.oosHash }, null, 2)}\n`,
    );
    return;
  }
  const f = (x: number | null) => (x === null ? '—' : x.toFixed(4));
  process.stdout.write(
    `walk-forward over ${outcome.windows} windows × ${outcome.configsPerWindow} configs (${outcome.anchored ? 'anchored' : 'rolling'})\n` +
      `OOS: sharpe ${f(oos.sharpe)}, total return ${f(oos.totalReturn)}, max drawdown ${f(oos.maxDrawdown)}, ${oos.trades} trades, PSR ${f(oos.psr)}\n` +
      `walk-forward efficiency ${f(outcome.efficiency)}\nrun directory ${outcome.runDir}\n`,
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
