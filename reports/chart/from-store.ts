import type { CandleSeries } from '../../data/candles/series.ts';
import { UserError } from '../../data/errors.ts';
import type { CandleStore } from '../../data/store/candle-store.ts';
import { canonicalSymbol } from '../../data/symbols/symbols.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../data/timeframes.ts';
import type { StrategyConfig } from '../../strategies/smc/config.ts';
import { smcWarmupBars } from '../../strategies/smc/pipeline.ts';
import type { RunChartSource } from './run-source.ts';
import { tradesOf } from './run-source.ts';
import { buildSignalChart, type SignalChart } from './signal-chart.ts';

export interface ChartFromStoreOptions {
  readonly symbol: string;
  /** Decision time wanted (UTC ms). */
  readonly at: number;
  readonly config: StrategyConfig;
  /** Base timeframe; default the run's, else the shortest of 15m, 1h stored for the symbol. */
  readonly timeframe?: Timeframe;
  /** Candle source when the symbol is stored from several. */
  readonly source?: string;
  /** A backtest run: its history start is reproduced and its trades of the symbol are marked. */
  readonly run?: RunChartSource;
  readonly barsBefore?: number;
  readonly barsAfter?: number;
}

const BASES: readonly Timeframe[] = ['15m', '1h'];

/**
 * Loads the symbol's base candles from the store — from where a backtest would have started (the run's
 * first decision minus the warm-up, or the start of the stored history) to a few bars after `at` — and
 * builds the signal chart.
 */
export async function signalChartFromStore(
  store: CandleStore,
  opts: ChartFromStoreOptions,
): Promise<SignalChart> {
  const symbol = canonicalSymbol(opts.symbol);
  const stored = (await store.list()).filter(
    (s) => s.symbol === symbol && (opts.source === undefined || s.source === opts.source),
  );
  const wanted = opts.timeframe ?? opts.run?.baseTimeframe;
  const tf = wanted ?? BASES.find((b) => stored.some((s) => s.timeframe === b));
  const series = stored.filter((s) => s.timeframe === tf);
  if (tf === undefined || series.length === 0) {
    throw new UserError(
      `no ${wanted ?? '15m or 1h'} candles of ${symbol} in the store${opts.source ? ` from ${opts.source}` : ''}: ` +
        'check --symbol, --timeframe and --db against smc data list',
    );
  }
  if (series.length > 1) {
    throw new UserError(
      `${symbol} ${tf} is stored from several sources (${series.map((s) => s.source).join(', ')}): choose one with --source`,
    );
  }
  const key = series[0];
  const baseMs = TIMEFRAME_MS[tf];
  if (opts.at < key.firstTs + baseMs || opts.at > key.lastTs + 400 * baseMs) {
    throw new UserError(
      `--at ${new Date(opts.at).toISOString()} is outside the stored ${symbol} ${tf} candles ` +
        `(${new Date(key.firstTs).toISOString()} … ${new Date(key.lastTs + baseMs).toISOString()})`,
    );
  }
  const from =
    opts.run?.fromMs == null ? undefined : opts.run.fromMs - baseMs - smcWarmupBars(tf, opts.config) * baseMs;
  const after = opts.barsAfter ?? 24;
  const base: CandleSeries = await store.read(key, {
    ...(from === undefined ? {} : { from }),
    to: opts.at + (after + 1) * baseMs,
  });
  return buildSignalChart({
    base,
    at: opts.at,
    config: opts.config,
    ...(opts.run ? { trades: tradesOf(opts.run, symbol) } : {}),
    ...(opts.barsBefore === undefined ? {} : { barsBefore: opts.barsBefore }),
    barsAfter: after,
  });
}
