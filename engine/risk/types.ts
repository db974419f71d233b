import type { Decimal } from 'decimal.js';
import type { Instrument, Position, PositionSide, Symbol as SymbolId } from '../broker.ts';
import type { SystemState } from '../safety/types.ts';

/**
 * What the trading core needs from a strategy's signal. The SMC Decision (strategies/strategy.ts) maps onto
 * it one to one for LONG/SHORT actions; prices arrive here as Decimals (the Trader converts the strategy's
 * float64 values), so nothing below depends on a particular strategy.
 */
export interface TradeCandidate {
  readonly symbol: SymbolId;
  /** Decision time, UTC ms. */
  readonly ts: number;
  readonly side: PositionSide;
  readonly entry: Decimal;
  readonly stop: Decimal;
  /** TP1..TP3 as planned by the strategy; missing levels are absent or null. */
  readonly takeProfits: readonly (Decimal | null)[];
  /** Ranking in the auction: higher wins. */
  readonly score: number;
  readonly setupType?: string | null;
  /** Strategy ATR at decision time (price units); used by the trailing guard after TP1. */
  readonly atr?: number | null;
  /**
   * `entry` and `stop` as the numbers they were converted from, when they were (`entry` is then
   * Decimal(entryValue)): the conversion preserves order, sign and finiteness, so checks of those can
   * run on the numbers without making the Decimals.
   */
  readonly entryValue?: number;
  readonly stopValue?: number;
}

/**
 * An exchange position as the caps read it. Notional is `qty × currentMarkPrice` — the field the seed's
 * aggregate cap misspelled as `mark_price` (Bug 9).
 */
export type ExposurePosition = Pick<Position, 'symbol' | 'side' | 'qty' | 'currentMarkPrice' | 'margin'>;

/** An entry approved earlier in the same tick and not yet visible as an exchange position. */
export interface PendingExposure {
  readonly symbol: SymbolId;
  readonly notional: Decimal;
  readonly margin: Decimal;
}

/** Result of the live spread check input: a quote, or the error that prevented getting one. */
export type SpreadObservation =
  | { readonly kind: 'quote'; readonly bid: Decimal; readonly ask: Decimal }
  | { readonly kind: 'error'; readonly error: unknown };

/** Everything the RiskManager reads about the world at one decision; plain data. */
export interface RiskContext {
  readonly now: number;
  readonly equity: Decimal;
  /** Initial margin in use on the exchange now (Account.marginUsed). */
  readonly marginUsed: Decimal;
  /** Positions on the exchange now. */
  readonly positions: readonly ExposurePosition[];
  /** Entries approved this tick, not yet on the exchange. */
  readonly pending?: readonly PendingExposure[];
  /** Symbols with an active position in the registry (PENDING included). */
  readonly activeSymbols: ReadonlySet<SymbolId>;
  readonly systemState: SystemState;
  readonly instruments: ReadonlyMap<SymbolId, Instrument>;
  /** Live quotes per symbol for the spread check; a symbol without one skips the check (backtests). */
  readonly spreads?: ReadonlyMap<SymbolId, SpreadObservation>;
}

export type RiskRejectReason =
  | 'INVALID_CANDIDATE'
  | 'NO_EQUITY'
  | 'SYSTEM_DEGRADED'
  | 'SYSTEM_HALTED'
  | 'DAILY_LOSS_LIMIT'
  | 'POSITION_EXISTS'
  | 'EXCHANGE_EXPOSURE'
  | 'SIGNAL_COOLDOWN'
  | 'MAX_POSITIONS'
  | 'SPREAD_TOO_WIDE'
  | 'NO_INSTRUMENT'
  | 'SINGLE_MARGIN_CAP'
  | 'AGGREGATE_NOTIONAL_CAP'
  | 'AGGREGATE_MARGIN_CAP'
  | 'MARGIN_BUDGET'
  | 'BELOW_MIN_QTY'
  | 'BELOW_MIN_NOTIONAL';

/** Which cap reduced a position, with the notional before and after. */
export interface CapApplied {
  readonly cap:
    | 'single_notional'
    | 'single_margin'
    | 'aggregate_notional'
    | 'aggregate_margin'
    | 'margin_budget';
  readonly from: Decimal;
  readonly to: Decimal;
}

export interface ApprovedTrade {
  readonly approved: true;
  readonly candidate: TradeCandidate;
  readonly symbol: SymbolId;
  readonly side: PositionSide;
  /** Quantized to the instrument step (ROUND_DOWN). */
  readonly qty: Decimal;
  /** qty × entry. */
  readonly notional: Decimal;
  /** notional / leverage. */
  readonly margin: Decimal;
  /** The notional asked for before any cap (risk-based size or the auction's override). */
  readonly requestedNotional: Decimal;
  readonly caps: readonly CapApplied[];
}

export interface RejectedTrade {
  readonly approved: false;
  readonly candidate: TradeCandidate;
  readonly symbol: SymbolId;
  readonly reason: RiskRejectReason;
  readonly detail: string;
}

export type RiskDecision = ApprovedTrade | RejectedTrade;
