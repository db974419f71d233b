import type { CandleSeries } from '../../data/candles/series.ts';
import type { Decision, PreparedStrategy } from '../../strategies/strategy.ts';
import type { TraceFill, TraceIntent } from '../backtest/types.ts';
import type { Fill } from '../broker.ts';
import type { TradeRecord } from '../metrics/trade-record.ts';
import type { IntentRecord } from '../positions/actions.ts';
import type { ManagedPosition } from '../positions/types.ts';

/**
 * How the trader turns a strategy's LONG/SHORT into orders.
 * - `managed`: the seed's chain — a stop and TP1..TP3 from the strategy, risk-per-trade sizing, the
 *   auction, every pre-trade gate, the position state machine (partial TPs, break-even, trailing). The
 *   strategy must give a stop; a signal without one is refused (`invalid:no_stop`).
 * - `target_exposure`: for stopless reference strategies (the EMA crossover of the benchmark): hold
 *   ±`fraction` × equity in the symbol; with `reverse`, an opposite signal flips the position in one
 *   order, otherwise it is ignored while a position is held. No stop, no TPs, no auction.
 */
export type SizingPolicy =
  | { readonly kind: 'managed' }
  | { readonly kind: 'target_exposure'; readonly fraction: number; readonly reverse: boolean };

/** One strategy as the trader runs it: prepared per symbol, and how its signals are sized. */
export interface StrategyBinding {
  readonly id: string;
  readonly reasonNames: readonly string[];
  /** Per symbol of the trader (same order), null where the strategy does not trade the symbol. */
  readonly prepared: (PreparedStrategy<Decision<object>> | null)[];
  readonly policy: SizingPolicy;
}

/** The symbols a trader trades and their base-timeframe candles (closes give marks and trace prices). */
export interface TraderMarket {
  readonly symbols: readonly string[];
  /** Base series per symbol, same order; a live runner swaps them as candles arrive. */
  readonly base: CandleSeries[];
}

/**
 * Persistence and observation hooks: live mode writes them to its store; backtests leave them out (the
 * trader keeps its own trace). A hook may return a promise; the trader awaits it before going on, so a
 * write-ahead intent is stored before its order leaves.
 */
export interface TraderHooks {
  /** Before an order action is sent (write-ahead). */
  onIntent?(intent: IntentRecord): void | Promise<void>;
  /** After the broker answered (status `ok` or the error kind). */
  onIntentResult?(intent: TraceIntent): void | Promise<void>;
  onFill?(fill: Fill, trace: TraceFill): void;
  onTradeClosed?(trade: TradeRecord): void;
  /** After any change of a managed position (persist the registry). */
  onPositionChanged?(position: ManagedPosition): void;
}
