import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../data/errors.ts';
import { canonicalSymbol } from '../../data/symbols/symbols.ts';
import { TimeframeSchema } from '../../data/timeframes.ts';
import { parseStrategyConfig, type StrategyConfig } from '../../strategies/smc/config.ts';
import { RUN_FILES, TRADE_COLUMNS } from '../run-dir/layout.ts';
import { parseCsv } from '../run-dir/read.ts';
import type { ChartTrade } from './signal-spec.ts';

/**
 * What a signal chart takes from a backtest run directory: the strategy config the run used, its base
 * timeframe and first decision time (to load the same history), and its trades.
 */
export interface RunChartSource {
  readonly dir: string;
  readonly strategy: StrategyConfig;
  readonly baseTimeframe: z.infer<typeof TimeframeSchema>;
  readonly symbols: readonly string[];
  /** First decision time of the run (UTC ms), null when it had no bars. */
  readonly fromMs: number | null;
  readonly trades: readonly (ChartTrade & { readonly symbol: string })[];
}

const RunResultSchema = z
  .object({
    kind: z.literal('backtest', {
      error: "result.json: kind must be 'backtest' (pass a backtest run directory)",
    }),
    baseTimeframe: TimeframeSchema,
    symbols: z.array(z.string()),
    fromMs: z.number().nullable(),
    config: z.object({ strategy: z.unknown() }, { error: 'result.json: config.strategy is missing' }).loose(),
  })
  .loose();

/** Reads the parts of a backtest run directory the signal chart needs. */
export function readRunChartSource(dir: string): RunChartSource {
  const resultPath = join(dir, RUN_FILES.result);
  if (!existsSync(resultPath)) {
    throw new UserError(
      `--run ${dir}: no ${RUN_FILES.result} there; pass a backtest run directory (smc backtest --out)`,
    );
  }
  const parsed = RunResultSchema.safeParse(JSON.parse(readFileSync(resultPath, 'utf8')));
  if (!parsed.success) {
    throw new UserError(
      `${resultPath}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const r = parsed.data;
  let strategy: StrategyConfig;
  try {
    strategy = parseStrategyConfig(r.config.strategy as Record<string, unknown>);
  } catch (err) {
    throw new UserError(
      `${resultPath}: config.strategy is not a valid SMC strategy config (${(err as Error).message})`,
    );
  }
  const tradesPath = join(dir, RUN_FILES.tradesCsv);
  const trades: (ChartTrade & { symbol: string })[] = [];
  if (existsSync(tradesPath)) {
    const [header, ...rows] = parseCsv(readFileSync(tradesPath, 'utf8'));
    if (header === undefined || header.join(',') !== TRADE_COLUMNS.join(',')) {
      throw new UserError(`${tradesPath}: unexpected header; expected ${TRADE_COLUMNS.join(',')}`);
    }
    const col = (name: (typeof TRADE_COLUMNS)[number]) => TRADE_COLUMNS.indexOf(name);
    for (const [k, row] of rows.entries()) {
      if (row.length === 1 && row[0] === '') continue;
      if (row.length !== TRADE_COLUMNS.length) {
        throw new UserError(
          `${tradesPath}: row ${k + 2} has ${row.length} fields, expected ${TRADE_COLUMNS.length}`,
        );
      }
      const side = row[col('side')];
      trades.push({
        symbol: row[col('symbol')],
        side: side === 'short' ? 'short' : 'long',
        entryTs: Date.parse(row[col('entry_time')]),
        entryPrice: Number(row[col('entry_price')]),
        exitTs: Date.parse(row[col('exit_time')]),
        exitPrice: Number(row[col('exit_price')]),
        exitReason: row[col('exit_reason')],
        netPnl: Number(row[col('net_pnl')]),
      });
    }
  }
  return { dir, strategy, baseTimeframe: r.baseTimeframe, symbols: r.symbols, fromMs: r.fromMs, trades };
}

/** The run's trades of one symbol. */
export function tradesOf(run: RunChartSource, symbol: string): ChartTrade[] {
  const s = canonicalSymbol(symbol);
  return run.trades.filter((t) => t.symbol === s);
}
