import type { Command } from 'commander';
import { compare } from '../../api/compare.ts';
import type { CompareWalkForwardOptions } from '../../api/compare-walkforward.ts';
import { parseDuration } from '../../api/walkforward.ts';
import { UserError } from '../../data/errors.ts';
import { parseCandleScope, type RawScopeOptions, TIMEFRAME_HELP } from '../options.ts';
import { progressDriver } from '../progress.ts';
import { interruptOnSigint, parseWorkers } from '../research-run.ts';
import { action } from '../run-action.ts';

/** `smc compare`: flags → api/compare.ts → a table (text or --json); SIGINT stops a variants run resumably. */

interface CompareFlags extends RawScopeOptions {
  variants?: string;
  config?: string;
  workers?: string;
  out?: string;
  source?: string;
  seed?: string;
  resamples?: string;
  train?: string;
  test?: string;
  step?: string;
  anchored?: boolean;
  grid?: string;
}

/** `--train/--test [--step] [--anchored] [--grid]`: walk the variants forward (needs --variants). */
function walkForwardFlags(flags: CompareFlags): CompareWalkForwardOptions | undefined {
  const any =
    [flags.train, flags.test, flags.step, flags.grid].some((f) => f !== undefined) || flags.anchored;
  if (!any) return undefined;
  if (flags.variants === undefined)
    throw new UserError('--train/--test walk variants forward: give --variants FILE too');
  if (flags.train === undefined || flags.test === undefined)
    throw new UserError(
      'a walk-forward comparison needs both --train and --test (e.g. --train 90d --test 30d)',
    );
  return {
    train: parseDuration('--train', flags.train),
    test: parseDuration('--test', flags.test),
    ...(flags.step === undefined ? {} : { step: parseDuration('--step', flags.step) }),
    anchored: flags.anchored ?? false,
    ...(flags.grid === undefined ? {} : { grid: flags.grid }),
  };
}

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${flag} '${value}' must be a whole number ≥ 0`);
  return n;
}

async function compareAction(dirs: string[], flags: CompareFlags): Promise<void> {
  const scope = parseCandleScope(flags);
  const seed = positiveInt('--seed', flags.seed);
  const resamples = positiveInt('--resamples', flags.resamples);
  const running = flags.variants !== undefined;
  const walk = walkForwardFlags(flags);
  const bar = progressDriver({ json: scope.json });
  const interrupt = running ? interruptOnSigint(scope.json) : null;
  let outcome: Awaited<ReturnType<typeof compare>>;
  try {
    outcome = await compare({
      ...scope,
      ...(flags.source === undefined ? {} : { source: flags.source }),
      ...(flags.variants === undefined
        ? { dirs }
        : {
            variants: flags.variants,
            dirs,
            config: flags.config,
            // Parsed only when variants run, as before: a bad --workers does not stop a directory compare.
            workers: parseWorkers(flags.workers),
            ...(walk === undefined ? {} : { walkForward: walk }),
          }),
      ...(seed === undefined ? {} : { seed }),
      ...(resamples === undefined ? {} : { resamples }),
      ...(flags.out === undefined ? {} : { out: flags.out }),
      onProgress: (done, total) => bar.report(done, total, walk === undefined ? 'variants' : 'backtests'),
      onWarning: (message, code) => {
        if (code === 'variant-skipped' || !scope.json) process.stderr.write(`smc: ${message}\n`);
      },
      ...(interrupt === null ? {} : { signal: interrupt.signal }),
    });
  } finally {
    bar.stop();
    interrupt?.dispose();
  }
  if (!outcome.complete) {
    process.stderr.write(`smc: compare stopped; rerun the same command to resume (${outcome.runDir})\n`);
    process.exitCode = 130;
    return;
  }
  const { comparison, runDir } = outcome;
  const baseline = comparison.baseline;
  if (scope.json) {
    process.stdout.write(`${JSON.stringify({ runDir, ...comparison }, null, 2)}\n`);
    return;
  }
  const f = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? '—' : x.toFixed(d));
  const lines = [
    `${walk === undefined ? 'variants' : 'stitched out-of-sample runs of the variants'} on ${comparison.days} common days; ` +
      `baseline ${baseline}; trials ${comparison.trials}`,
  ];
  const w = [18, 8, 9, 10, 26, 9, 7, 7];
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(w[i] ?? 10)).join('');
  lines.push(
    row(['variant', 'trades', 'winRate', 'return', 'Sharpe (daily, 95% CI)', 'maxDD', 'PSR', 'DSR']),
  );
  for (const r of comparison.rows) {
    const ci = r.sharpeInterval;
    lines.push(
      row([
        r.name,
        String(r.metrics.trades ?? '—'),
        f(r.metrics.winRate),
        f(r.metrics.totalReturn),
        ci === null ? '—' : `${f(ci.estimate, 2)} [${f(ci.low, 2)}, ${f(ci.high, 2)}]`,
        f(r.metrics.maxDrawdown),
        f(r.psr, 2),
        f(r.dsr, 2),
      ]),
    );
  }
  lines.push(
    `difference to ${baseline}, ${Math.round((comparison.differences[0]?.statistics.sharpe.confidence ?? 0.95) * 100)}% block-bootstrap interval:`,
  );
  for (const d of comparison.differences) {
    const s = d.statistics.sharpe;
    const t = d.statistics.total_return;
    lines.push(
      `  ${d.name.padEnd(20)} Sharpe ${f(s.estimate)} [${f(s.low)}, ${f(s.high)}]   total return ${f(t.estimate)} [${f(t.low)}, ${f(t.high)}]`,
    );
  }
  lines.push(
    `PBO (CSCV across variants): ${comparison.pbo === null ? comparison.pboNote : f(comparison.pbo)}`,
  );
  lines.push(`run directory ${runDir}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function register(program: Command): void {
  program
    .command('compare')
    .description(
      'compare variants on the same data: a side-by-side table (trades, win rate, expectancy, profit factor, Sharpe, ' +
        'Sortino, max drawdown, exposure, the gate funnel), each variant minus the baseline with seeded block-bootstrap ' +
        'confidence intervals, probabilistic and deflated Sharpe ratios and PBO. Either --variants FILE (runs them) ' +
        'or finished run directories DIR DIR... (the first is the baseline)',
    )
    .argument('[dirs...]', 'backtest or sweep run directories to compare')
    .option('--variants <file>', 'variants file (see config/variants/seed-more-trades.yaml)')
    .option('--config <file>', 'base config the variants override (YAML over the defaults)')
    .option('--symbols <list>', 'comma-separated symbols')
    .option('--timeframe <tf>', TIMEFRAME_HELP)
    .option('--from <date>', 'first traded bar (earlier bars are loaded for warm-up)')
    .option('--to <date>', 'end of the data (exclusive)')
    .option('--source <name>', 'candle source when a symbol is stored from several')
    .option('--seed <n>', 'bootstrap seed (overrides the variants file)')
    .option('--resamples <n>', 'bootstrap resamples (overrides the variants file)')
    .option('--workers <n>', 'worker threads (default: available cores)')
    .option(
      '--train <duration>',
      'with --variants: walk each variant forward (train span, e.g. 90d) and compare the stitched out-of-sample runs',
    )
    .option('--test <duration>', 'with --train: test span per window, e.g. 30d')
    .option('--step <duration>', 'with --train: distance between windows (default the test span)')
    .option('--anchored', 'with --train: every train span starts at the beginning of the data')
    .option('--grid <file>', 'with --train: grid optimised over each variant per train span (default none)')
    .option('--db <file>', 'candle store (DuckDB file)')
    .option('--out <dir>', 'output directory (default runs/compare-<hash>)')
    .option('--json', 'print the comparison as JSON')
    .action(action(compareAction));
}
