import type { Decimal } from 'decimal.js';

/**
 * The exchange as the engine sees it. The simulated broker (engine/sim/) and the Kraken Futures broker
 * (live/kraken/) implement it; nothing in engine/ knows which one it talks to. One vocabulary for every
 * venue, after ccxt: venue statuses and error strings are translated into BrokerError kinds at the venue
 * edge, and the engine reacts to those kinds only (seed Bug 7 was a string match in the wrong place).
 *
 * Every quantity, price, fee and balance that crosses this interface is a Decimal.
 */

/** Canonical symbol: the base asset, upper case, XBT spelled BTC (see data/symbols). */
export type Symbol = string;

export type Side = 'buy' | 'sell';
export type PositionSide = 'long' | 'short';
export type OrderType = 'market' | 'limit' | 'stop' | 'take_profit';
/** Trigger orders fire on the mark price (Kraken's default for stops here) or the last trade price. */
export type TriggerSignal = 'mark' | 'last';
export type OrderStatus = 'open' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected' | 'triggered';

export interface Instrument {
  symbol: Symbol;
  /** Venue name, e.g. PF_XBTUSD. */
  venueSymbol: string;
  tickSize: Decimal;
  qtyStep: Decimal;
  minQty: Decimal;
  maxLeverage: number;
}

export interface OrderRequest {
  /** Client order id: idempotency key, carried into fills and back from the venue. */
  clientId: string;
  symbol: Symbol;
  side: Side;
  type: OrderType;
  qty: Decimal;
  /** Limit price (type 'limit'). */
  price?: Decimal;
  /** Trigger price ('stop' and 'take_profit'). */
  triggerPrice?: Decimal;
  triggerSignal?: TriggerSignal;
  reduceOnly: boolean;
}

export interface Order extends OrderRequest {
  id: string;
  status: OrderStatus;
  filledQty: Decimal;
  avgFillPrice: Decimal | null;
  createdAt: number;
  updatedAt: number;
}

export interface Fill {
  id: string;
  orderId: string;
  clientId: string;
  symbol: Symbol;
  side: Side;
  qty: Decimal;
  price: Decimal;
  fee: Decimal;
  liquidity: 'maker' | 'taker';
  reduceOnly: boolean;
  ts: number;
}

export interface Position {
  symbol: Symbol;
  side: PositionSide;
  /** Always positive; the side says the direction. */
  qty: Decimal;
  entryPrice: Decimal;
  /**
   * Current mark price. Named like the seed's `current_mark_price` on purpose: Bug 9 was code reading a
   * `mark_price` field that did not exist.
   */
  currentMarkPrice: Decimal;
  unrealizedPnl: Decimal;
  /** Initial margin held for the position at the account leverage. */
  margin: Decimal;
  leverage: number;
}

export interface Account {
  /** Wallet balance plus unrealised P&L. */
  equity: Decimal;
  balance: Decimal;
  marginUsed: Decimal;
  availableMargin: Decimal;
  /** marginUsed / equity (0 when equity is 0). */
  marginUtilization: number;
}

export interface Ticker {
  symbol: Symbol;
  bid: Decimal;
  ask: Decimal;
  last: Decimal;
  mark: Decimal;
  ts: number;
}

export type BrokerErrorKind =
  | 'order_not_found'
  | 'insufficient_funds'
  | 'invalid_order'
  | 'reduce_only_violation'
  | 'authentication'
  | 'rate_limited'
  | 'network'
  | 'exchange_unavailable'
  | 'unknown';

/** The one error type brokers throw. `retryable` says whether repeating the same call is safe. */
export class BrokerError extends Error {
  readonly kind: BrokerErrorKind;
  readonly retryable: boolean;
  constructor(kind: BrokerErrorKind, message: string, retryable = false) {
    super(message);
    this.name = 'BrokerError';
    this.kind = kind;
    this.retryable = retryable;
  }
}

export interface Broker {
  instruments(): Promise<Instrument[]>;
  submitOrder(req: OrderRequest): Promise<Order>;
  cancelOrder(symbol: Symbol, orderId: string): Promise<void>;
  openOrders(symbol?: Symbol): Promise<Order[]>;
  positions(): Promise<Position[]>;
  account(): Promise<Account>;
  /** Fills since `sinceTs` (inclusive), oldest first. */
  fills(sinceTs: number): Promise<Fill[]>;
  ticker(symbol: Symbol): Promise<Ticker>;
}
