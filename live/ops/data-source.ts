import type { Decimal } from 'decimal.js';
import type { PositionSide } from '../../engine/broker.ts';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import type { SystemState } from '../../engine/safety/types.ts';

/** What `/status` and `smc status` report (seed §12). */
export interface OpsStatus {
  readonly equity: Decimal;
  readonly marginUsed: Decimal;
  /** marginUsed / equity. */
  readonly marginUtilization: number;
  readonly unrealizedPnl: Decimal;
  readonly systemState: SystemState;
  /** Why the system is halted, when it is. */
  readonly haltReason: string | null;
  /** Active managed positions (the CYCLE_SUMMARY `positions`). */
  readonly positions: number;
  readonly universe: number;
  readonly cycle: number;
  readonly cooldownsActive: number;
  /** End of the last cycle (UTC ms), null before the first. */
  readonly lastCycleAt: number | null;
  /** Last successful reconciliation with the exchange (UTC ms). */
  readonly lastReconciliationAt: number | null;
}

/** One open position as `/positions` lists it. */
export interface OpsPosition {
  readonly symbol: string;
  readonly side: PositionSide;
  readonly qty: Decimal;
  readonly entryPrice: Decimal;
  readonly markPrice: Decimal;
  readonly leverage: number;
  readonly unrealizedPnl: Decimal;
  readonly margin: Decimal;
}

/** Closed trades, newest first, from wherever they are kept (the live store). */
export interface ClosedTradesReader {
  /** The last `limit` closed trades, newest first. */
  recentTrades(limit: number): Promise<readonly TradeRecord[]>;
  /** Trades whose exit is at or after `ts`, newest first. */
  tradesSince(ts: number): Promise<readonly TradeRecord[]>;
}

/**
 * Everything the operations layer reads about the running system: the Telegram commands, the daily
 * summary and the status file go through it, never to the exchange or the store directly. The live
 * runner provides it (live/ops/ops-state.ts keeps it from the runner's own cycle reports, so an answer
 * never costs an exchange request).
 */
export interface OpsDataSource extends ClosedTradesReader {
  status(): Promise<OpsStatus>;
  positions(): Promise<readonly OpsPosition[]>;
}
