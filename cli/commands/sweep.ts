import type { Command } from 'commander';
import { type SweepComplete, sweep } from '../../api/sweep.ts';
import { fmtCell } from '../../reports/html/minimal-report.ts';
import { parseCandleScope, type RawScopeOptions, TIMEFRAME_HELP } from '../options.ts';
import { progressDriver } from '../progress.ts';
import { interruptOnSigint, parseWorkers, requireGrid } from '../research-run.ts';
import { action } from '../run-action.ts';

/** `smc sweep`: flags → api/sweep.ts → a summary (text or --json); SIGINT stops it resumably. */

interface SweepFlags extends RawScopeOptions {
  config?: string;
  grid?: string;
  workers?: string;
  out?: string;
  source?: string;
}

/** The --json summary of a finished sweep. */
function sweepSummaryJson(s: SweepComplete): Record<string, unknown> {
  return {
    runDir: s.runDir,
    configs: s.configs,
    sweepHash: s.sweepHash,
    best: s.best,
    reason: s.reason,
    resumed: s.resumed,
    computed: s.computed,
    complete: true,
    configsPerSecond: s.configsPerSecond,
  };
}

async function sweepAction(flags: SweepFlags): Promise<void> {
  const scope = parseCandleScope(flags);
  const workers = parseWorkers(flags.workers);
  const grid = requireGrid(flags.grid);
  const bar = progressDriver({ json: scope.json });
  const interrupt = interruptOnSigint(scope.json);
  let outcome: Awaited<ReturnType<typeof sweep>>;
  try {
    outcome = await sweep({
      ...scope,
      ...(flags.source === undefined ? {} : { source: flags.source }),
      grid,
      config: flags.config,
      workers,
      ...(flags.out === undefined ? {} : { out: flags.out }),
      onProgress: (done, total) => bar.report(done, total, 'sweep'),
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
    const done = outcome.resumed + outcome.computed;
    if (scope.json) {
      const { runDir, configs, resumed, computed } = outcome;
      process.stdout.write(
        `${JSON.stringify({ runDir, configs, resumed, computed, complete: false, sweepHash: null })}\n`,
      );
    } else
      process.stderr.write(
        `smc: sweep stopped at ${done}/${outcome.configs} configs; rerun the same command to resume (${outcome.runDir})\n`,
      );
    process.exitCode = 130;
    return;
  }
  if (scope.json) {
    process.stdout.write(`${JSON.stringify(sweepSummaryJson(outcome), null, 2)}\n`);
    return;
  }
  const b = outcome.best;
  const rate = outcome.configsPerSecond;
  process.stdout.write(
    `sweep of ${outcome.configs} configs (${outcome.computed} run, ${outcome.resumed} resumed${rate > 0 ? `, ${rate.toFixed(2)} configs/s` : ''})\n` +
      `best under ${outcome.grid.objective} with ≥ ${outcome.grid.constraints.min_trades} trades: ` +
      (b
        ? `#${b.index} ${JSON.stringify(b.params)} ${outcome.objective.metric}=${fmtCell(b.metrics[outcome.objective.metric])} trades=${b.trades}\n`
        : `none (${outcome.reason})\n`) +
      `sweep hash ${outcome.sweepHash}\nrun directory ${outcome.runDir}\n`,
  );
}

export function register(program: Command): void {
  program
    .command('sweep')
    .description(
      'run every config of a grid (YAML: objective, constraints, search, params as dotted config paths) on the same ' +
        'candles in parallel workers; writes sweep.csv/.parquet (one row per config), result.json (best config, sweep ' +
        'hash, deflated Sharpe, PBO) and report.html. Interrupted sweeps resume when rerun.',
    )
    .option('--config <file>', 'base config (YAML over the defaults; may hold a backtest: section)')
    .requiredOption('--grid <file>', 'grid file (see config/grids/ote-4h.yaml)')
    .option(
      '--symbols <list>',
      'comma-separated symbols (default: every symbol stored on the base timeframe)',
    )
    .option('--timeframe <tf>', TIMEFRAME_HELP)
    .option('--from <date>', 'first traded bar (earlier bars are loaded for warm-up)')
    .option('--to <date>', 'end of the data (exclusive)')
    .option('--source <name>', 'candle source when a symbol is stored from several')
    .option('--workers <n>', 'worker threads (default: available cores)')
    .option('--db <file>', 'candle store (DuckDB file)')
    .option('--out <dir>', 'run directory (default runs/sweep-<hash of grid and data>; rerunning resumes it)')
    .option('--json', 'print a machine-readable summary')
    .action(action(sweepAction));
}
