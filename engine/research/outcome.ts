import type { TradeRecord } from '../metrics/trade-record.ts';

/**
 * What the research jobs return for one config run: the scalar metrics, the trade count, the result hash
 * and the daily returns (for the deflated Sharpe ratio, CSCV and bootstrap intervals). Plain data, so it
 * crosses worker boundaries and the results log unchanged.
 */
export interface ConfigOutcome {
  /** Scalar metrics by name (engine/metrics SCALAR_METRICS); null where undefined. */
  metrics: Record<string, number | null>;
  trades: number;
  /** Hash of the whole backtest result (metrics, trades, equity, trace, funnel). */
  resultHash: string;
  /** UTC day (ms) of `daily[0]`; null when the run had no bars. */
  firstDay: number | null;
  /** Daily returns on consecutive UTC days. */
  daily: number[];
  /** Final equity (for the EMA-cross comparison with other tools). */
  finalEquity: number;
  /** Signals rejected per gate and signals passed, per strategy (compare's funnel columns). */
  funnel?: Record<string, Record<string, number>>;
  /** With `detail`: the equity curve (sample times UTC ms) and the trades, for stitching OOS runs. */
  equity?: { ts: number[]; equity: number[] };
  tradeList?: TradeRecord[];
}

/** The backtest span of a task. Bars before `tradeFrom` are warm-up: seen by indicators, never traded. */
export interface BacktestSpan {
  /** First bar open time read (warm-up starts here), UTC ms. */
  from: number;
  /** End (exclusive) of the span, UTC ms. */
  to: number;
  /** No position may open before this time. */
  tradeFrom: number;
}

/** One config to run, as sent to a worker. */
export interface ConfigTask<C> {
  index: number;
  configHash: string;
  config: C;
  span?: BacktestSpan;
  /** Return the equity curve and trades too (walk-forward test runs). */
  detail?: boolean;
}
