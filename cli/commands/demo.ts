import type { Command } from 'commander';
import { z } from 'zod';
import { runDemo } from '../../api/demo.ts';
import { UserError } from '../../data/errors.ts';
import { formatTs } from '../../data/io/timestamp.ts';
import { backtestSummaryJson, formatBacktestSummary } from '../backtest-run.ts';
import { defaultDbPath } from '../options.ts';
import { progressDriver } from '../progress.ts';
import { action, formatZodError } from '../run-action.ts';
import { formatSummaryTable } from './data.ts';

const DemoFlags = z.object({
  db: z.string().min(1, '--db needs a file path').optional(),
  json: z.boolean().default(false),
});

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'the first thing to run: imports the bundled real sample (Binance USD-M perpetuals BTC, ETH, SOL, DOGE, ' +
        'BNB; 1h 2020–2023 plus 4h/1d) into the store and prints what it holds',
    )
    .option('--db <FILE>', `DuckDB file (default ${defaultDbPath()}; env SMC_DB)`)
    .option('--json', 'print a machine-readable summary')
    .action(
      action(async (raw: Record<string, unknown>) => {
        const parsed = DemoFlags.safeParse(raw);
        if (!parsed.success) throw new UserError(formatZodError(parsed.error));
        const flags = parsed.data;
        const bar = progressDriver({ json: flags.json });
        const summary = await runDemo({
          db: flags.db ?? defaultDbPath(),
          onProgress: (done, total, info) => {
            bar.report(done, total, info.phase);
            if (info.phase === 'backtest' && done === total) bar.stop();
          },
        }).finally(() => bar.stop());
        const { backtest } = summary;
        if (flags.json) {
          process.stdout.write(
            `${JSON.stringify(
              {
                ...summary,
                backtest: backtestSummaryJson(backtest),
                series: summary.series.map((s) => ({
                  ...s,
                  first: formatTs(s.firstTs),
                  last: formatTs(s.lastTs),
                })),
              },
              null,
              2,
            )}\n`,
          );
          return;
        }
        const what =
          summary.importedFiles === 0
            ? `bundled sample already in ${summary.db} (${summary.sample.length} files)`
            : `imported ${summary.importedFiles} of ${summary.sample.length} bundled sample files ` +
              `(${summary.insertedRows.toLocaleString('en-US')} new bars) into ${summary.db}`;
        process.stdout.write(`${what}\n\n${formatSummaryTable(summary.series)}\n`);
        process.stdout.write(`\n${formatBacktestSummary(backtest)}\n`);
        process.stdout.write(
          `\nopen the report: ${backtest.run.files.report}\n` +
            'next: smc backtest --help   (your own config, symbols and dates)\n' +
            '      smc data check-resample --symbol BTC   (resampled 1h vs the publisher 4h/1d bars)\n',
        );
      }),
    );
}
