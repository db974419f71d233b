import type { Timeframe } from '../../data/timeframes.ts';
import type { Metrics } from '../metrics/compute.ts';
import type { EquityCurve, TradeRecord } from '../metrics/trade-record.ts';

/**
 * What a backtest returns: plain data only (typed arrays, strings, numbers), so it crosses worker
 * boundaries by structured clone, hashes deterministically and is written to a run directory by code
 * outside engine/.
 */
export interface BacktestResult {
  /** Layout version of this object and of the run directory written from it. */
  readonly schema: 1;
  readonly packageVersion: string;
  /** contentHash of the resolved config (engine/backtest/hash.ts). */
  readonly configHash: string;
  /** contentHash of the candles the run read (identity and columns of every series). */
  readonly dataHash: string;
  /**
   * Hash of the outputs (engine/backtest/hash.ts recordsHash): exact final equity, metrics, trades,
   * equity curve, decision trace and funnel. Not the versions, not the orders and fills (the trades and
   * the final equity follow from them).
   */
  readonly resultHash: string;
  readonly symbols: readonly string[];
  readonly baseTimeframe: Timeframe;
  /** First and last decision time (base-bar close), UTC ms; null when there were no bars. */
  readonly from: number | null;
  readonly to: number | null;
  readonly startEquity: number;
  /**
   * Final equity from the exact ledger (decimal string): balance plus open positions marked to the last
   * close. Equals startEquity + Σ trade pnl − Σ fees − Σ funding to the last digit.
   */
  readonly finalEquity: string;
  readonly metrics: Metrics;
  readonly trades: readonly TradeRecord[];
  readonly equity: EquityCurve;
  readonly trace: DecisionTrace;
  readonly funnel: Funnel;
  /** Every order the engine sent, in order (the intent half of the trace). */
  readonly intents: readonly TraceIntent[];
  readonly fills: readonly TraceFill[];
}

/**
 * The decision trace, columnar. One row per strategy decision kept (every decision, or only signals,
 * per `trace` in the backtest options), with what the engine did with it. Names are dictionary-encoded:
 * `symbol[i]` indexes `symbols`, `strategy[i]` indexes `strategies`, `reason[i]` indexes that strategy's
 * `reasonNames`, `outcome[i]` indexes `outcomes`.
 */
export interface DecisionTrace {
  readonly symbols: readonly string[];
  readonly strategies: readonly { id: string; reasonNames: readonly string[] }[];
  readonly outcomes: readonly string[];
  readonly length: number;
  /** Decision time (base-bar close), UTC ms. */
  readonly ts: Float64Array;
  readonly symbol: Uint16Array;
  readonly strategy: Uint8Array;
  /** −1 SHORT, 0 NO_SIGNAL, 1 LONG. */
  readonly action: Int8Array;
  readonly reason: Uint8Array;
  readonly outcome: Uint8Array;
  /** Base-bar close at the decision. */
  readonly close: Float64Array;
}

/** Per strategy, how many decisions each stage let through: the signal funnel. */
export interface Funnel {
  readonly strategies: readonly StrategyFunnel[];
}

export interface StrategyFunnel {
  readonly strategyId: string;
  /** Decisions asked for (symbols × base bars). */
  readonly evaluated: number;
  /** NO_SIGNAL decisions by the strategy's reason code, in the strategy's reason order. */
  readonly rejected: readonly { reason: string; count: number }[];
  /** LONG or SHORT decisions. */
  readonly signals: number;
  /** What the engine did with the signals, by outcome (entered, cooldown, risk:…, auction_lost, …). */
  readonly outcomes: readonly { outcome: string; count: number }[];
}

/**
 * An order action the engine took (or tried to), recorded before it was sent (write-ahead), with how it
 * ended. The fields of engine/positions/actions.ts `IntentRecord`, plus the strategy and the status.
 * Decimal values as strings; fields an action type does not carry are null (seed Bug 4).
 */
export interface TraceIntent {
  readonly ts: number;
  /** PLACE_ENTRY, PLACE_STOP, UPDATE_STOP, PLACE_TP, CANCEL_ORDER, CLOSE_POSITION, TARGET_ORDER, … */
  readonly actionType: string;
  readonly strategyId: string | null;
  readonly positionId: string | null;
  readonly symbol: string;
  readonly side: 'buy' | 'sell' | 'unknown';
  readonly qty: string | null;
  readonly price: string | null;
  readonly clientId: string | null;
  readonly orderId: string | null;
  readonly reason: string | null;
  /** `ok`, or the BrokerError kind the venue refused it with. */
  readonly status: string;
}

export interface TraceFill {
  readonly ts: number;
  readonly clientId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly qty: string;
  readonly price: string;
  readonly fee: string;
  readonly liquidity: 'maker' | 'taker';
  readonly reduceOnly: boolean;
}
