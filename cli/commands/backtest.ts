import type { Command } from 'commander';
import { z } from 'zod';
import { UserError } from '../../data/errors.ts';
import { backtestFromStore, backtestSummaryJson, formatBacktestSummary } from '../backtest-run.ts';
import { parseCandleScope, type RawScopeOptions, TIMEFRAME_HELP } from '../options.ts';
import { action, formatZodError } from '../run-action.ts';

const BacktestFlags = z.object({
  config: z.string().min(1, '--config needs a file path').optional(),
  out: z.string().min(1, '--out needs a directory').optional(),
  source: z.string().min(1, '--source needs a name').optional(),
  charts: z
    .union([z.enum(['all', 'none']), z.coerce.number().int().nonnegative()], {
      error: '--charts takes a number of trades, all or none (e.g. --charts all)',
    })
    .optional(),
});

export function register(program: Command): void {
  program
    .command('backtest')
    .description(
      'run the trading engine over stored candles (decisions → auction → risk → orders → positions → safety) ' +
        'and write a run directory: result.json, trades, equity, decision trace, report.html',
    )
    .option('--config <file>', 'config YAML over the defaults (may hold a backtest: section)')
    .option(
      '--symbols <list>',
      'comma-separated symbols (default: every symbol stored on the base timeframe)',
    )
    .option('--timeframe <tf>', `${TIMEFRAME_HELP}; default the shortest of 15m, 1h stored for all symbols`)
    .option('--from <date>', 'first decision that may trade (earlier bars are loaded for warm-up)')
    .option('--to <date>', 'end of the data (exclusive)')
    .option('--source <name>', 'candle source when a symbol is stored from several')
    .option('--db <file>', 'candle store (DuckDB file)')
    .option('--out <dir>', 'run directory (default runs/backtest-<config hash>-<data hash>)')
    .option(
      '--charts <n|all|none>',
      'signal charts pre-drawn for the report to link (~0.15 s each): the N trades that moved equity most (default 20), all, or none',
    )
    .option('--json', 'print a machine-readable summary')
    .addHelpText(
      'after',
      '\nExamples:\n  smc backtest --symbols BTC,ETH --timeframe 1h --from 2022-01-01\n  smc backtest --config my.yaml --out runs/my-test --json',
    )
    .action(
      action(async (raw: RawScopeOptions & Record<string, unknown>) => {
        const scope = parseCandleScope(raw);
        const parsed = BacktestFlags.safeParse(raw);
        if (!parsed.success) throw new UserError(formatZodError(parsed.error));
        const flags = parsed.data;
        const outcome = await backtestFromStore({
          scope,
          ...(flags.config ? { configFile: flags.config } : {}),
          ...(flags.source ? { source: flags.source } : {}),
          ...(flags.out ? { out: flags.out } : {}),
          ...(flags.charts === undefined ? {} : { charts: flags.charts }),
        });
        if (scope.json) process.stdout.write(`${JSON.stringify(backtestSummaryJson(outcome), null, 2)}\n`);
        else process.stdout.write(`${formatBacktestSummary(outcome)}\n`);
      }),
    );
}
