/**
 * A closed (or, at the end of a run, still open) position round trip as the backtest reports it: entry to
 * full exit, partial take-profits folded into one record. Money and quantities are decimal strings
 * (`Decimal#toFixed()`), exact and structured-clone safe, so a result crosses worker boundaries and hashes
 * the same everywhere; times are UTC ms.
 */
export interface TradeRecord {
  /** Strategy that opened the position. */
  strategyId: string;
  symbol: string;
  side: 'long' | 'short';
  /** Time of the first entry fill. */
  entryTs: number;
  /** Time of the last exit fill; for an open trade, the end of the run. */
  exitTs: number;
  /** Average entry fill price. */
  entryPrice: string;
  /** Quantity-weighted average exit price; the last mark for an open trade. */
  exitPrice: string;
  /** Largest quantity held (the entry size). */
  qty: string;
  /** Commissions paid on entry and exit fills (positive = paid). */
  fees: string;
  /** Funding paid while the position was open (positive = paid, negative = received). */
  funding: string;
  /** Gross price P&L: Σ (exit − entry) × qty × direction over the exit fills. */
  pnl: string;
  /** pnl − fees − funding. */
  netPnl: string;
  /**
   * Why the position ended: the reason of its last exit (`stop_loss`, `take_profit`, `signal_reverse`,
   * `liquidation`, `kill_switch`, …), or `open` when the run ended with the position still held (marked to
   * the last close, no exit fee).
   */
  exitReason: string;
}

/** Equity sampled at each base-bar close: wallet balance plus unrealised P&L at the close price. */
export interface EquityCurve {
  /** UTC ms, strictly increasing. */
  ts: Float64Array;
  equity: Float64Array;
}
