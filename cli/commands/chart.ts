import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { UserError } from '../../data/errors.ts';
import { CandleStore } from '../../data/store/candle-store.ts';
import { canonicalSymbol } from '../../data/symbols/symbols.ts';
import { TimeframeSchema } from '../../data/timeframes.ts';
import { signalChartFromStore } from '../../reports/chart/from-store.ts';
import { gateRows, verdict } from '../../reports/chart/gate-trace.ts';
import { readRunChartSource } from '../../reports/chart/run-source.ts';
import { chartFormatOf, signalChartJson, writeSignalChart } from '../../reports/chart/signal-chart.ts';
import { loadBacktestConfig } from '../backtest-run.ts';
import { defaultDbPath, parseDate, TIMEFRAME_HELP } from '../options.ts';
import { action, formatZodError } from '../run-action.ts';

const count = (flag: string, max: number) =>
  z.coerce
    .number({ error: `${flag} must be a whole number` })
    .int(`${flag} must be a whole number`)
    .min(0, `${flag} must be ≥ 0`)
    .max(max, `${flag} must be ≤ ${max}`);

const ChartFlags = z.object({
  symbol: z
    .string({ error: '--symbol is required, e.g. --symbol BTC' })
    .min(1, '--symbol needs a symbol, e.g. BTC'),
  at: z.string({ error: '--at is required: the decision time, e.g. --at 2021-05-03T14:00' }),
  run: z.string().min(1, '--run needs a run directory').optional(),
  db: z.string().min(1, '--db needs a file path').optional(),
  timeframe: TimeframeSchema.optional(),
  config: z.string().min(1, '--config needs a file path').optional(),
  source: z.string().min(1, '--source needs a name').optional(),
  out: z.string().min(1, '--out needs a file path').optional(),
  bars: count('--bars', 360).optional(),
  after: count('--after', 500).optional(),
  json: z.boolean().default(false),
});

/** `2021-05-03T14:00:00.000Z` → `20210503T1400`, for default file names. */
function stamp(ts: number): string {
  return new Date(ts).toISOString().slice(0, 16).replace(/[-:]/g, '');
}

export function register(program: Command): void {
  program
    .command('chart')
    .description(
      'signal chart of one decision: candles around --at with what the engine saw then (swings, BOS/CHoCH, ' +
        'order blocks, FVGs, OTE band, entry/stop/TP) and the gate trace; PNG, SVG, HTML or JSON by --out extension',
    )
    .requiredOption('--symbol <symbol>', 'symbol, e.g. BTC')
    .requiredOption(
      '--at <time>',
      'decision time (UTC; ISO date/time or epoch ms): the last bar closed by then',
    )
    .option(
      '--run <dir>',
      'backtest run directory: use its strategy config and history start, mark its trades',
    )
    .option('--db <file>', `candle store (default ${defaultDbPath()}; env SMC_DB)`)
    .option('--timeframe <tf>', `${TIMEFRAME_HELP}; default the run's, else the shortest of 15m, 1h stored`)
    .option('--config <file>', "config YAML over the defaults (default: the run's config, else the defaults)")
    .option('--source <name>', 'candle source when the symbol is stored from several')
    .option('--bars <n>', 'base bars shown before the decision (default 120, max 360)')
    .option('--after <n>', 'base bars shown after the decision, greyed (default 24)')
    .option('--out <file>', 'output .png, .svg, .html or .json (default <run>/charts/ or .local/charts/)')
    .option('--json', 'print the decision, its gate trace and the output path as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  smc chart --symbol BTC --at 2020-08-04T17:00\n' +
        '  smc chart --symbol ETH --at 2021-03-01T12:00 --run runs/demo --out eth.html',
    )
    .action(
      action(async (raw: Record<string, unknown>) => {
        const parsed = ChartFlags.safeParse(raw);
        if (!parsed.success) throw new UserError(formatZodError(parsed.error));
        const f = parsed.data;
        const at = parseDate('--at', f.at);
        const run = f.run === undefined ? undefined : readRunChartSource(f.run);
        const config =
          f.config !== undefined || run === undefined ? loadBacktestConfig(f.config).strategy : run.strategy;
        const symbol = canonicalSymbol(f.symbol);
        const out =
          f.out ??
          join(
            run?.dir ?? join('.local', 'charts'),
            ...(run ? ['charts'] : []),
            `${symbol}-${stamp(at)}.png`,
          );
        chartFormatOf(out); // refuse an unknown extension before any work
        const store = await CandleStore.open(f.db ?? defaultDbPath(), { readOnly: true });
        let chart: Awaited<ReturnType<typeof signalChartFromStore>>;
        try {
          chart = await signalChartFromStore(store, {
            symbol,
            at,
            config,
            ...(f.timeframe ? { timeframe: f.timeframe } : {}),
            ...(f.source ? { source: f.source } : {}),
            ...(run ? { run } : {}),
            ...(f.bars === undefined ? {} : { barsBefore: f.bars }),
            ...(f.after === undefined ? {} : { barsAfter: f.after }),
          });
        } finally {
          await store.close();
        }
        writeSignalChart(out, chart);
        if (f.json) {
          process.stdout.write(`${JSON.stringify({ out, ...signalChartJson(chart) }, null, 2)}\n`);
          return;
        }
        const c = chart.context;
        const lines = [
          `${c.symbol} ${c.baseTimeframe} at ${new Date(c.decisionTs).toISOString()}: ${verdict(c.decision)}`,
          ...gateRows(c.decision, c.config).map((g) => {
            const head = g.status === 'reject' ? `REJECT ${g.reason ?? ''}` : g.status;
            return `  ${g.gate.padEnd(9)} ${head.padEnd(30)} ${g.details.join('; ')}`.trimEnd();
          }),
          `chart: ${out}`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
}
