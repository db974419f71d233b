import ccxt from 'ccxt';
import { BrokerError, type BrokerErrorKind } from '../../engine/broker.ts';

/**
 * The ONE place where Kraken Futures' order statuses and ccxt's exceptions become {@link BrokerError} kinds
 * (STYLE: the engine reacts to our error kinds, never to venue strings — seed Bug 7 was a string match in
 * the wrong place). Everything the Kraken broker throws goes through here.
 *
 * `retryable` says whether repeating the *same* call is safe and may succeed: true for transport trouble
 * (timeouts, dropped connections, 5xx, rate limits, a stale nonce), false for anything the venue decided.
 * Whether a retried *order submission* is safe is the broker's business (it checks for the client order
 * id first); see live/kraken/broker.ts.
 */

/** Kraken statuses of sendorder / editorder / cancelorder and the kind each means. */
const STATUS_KINDS: Readonly<Record<string, BrokerErrorKind>> = {
  // no open order to act on
  notFound: 'order_not_found',
  filled: 'order_not_found',
  orderForEditNotFound: 'order_not_found',
  // money
  insufficientAvailableFunds: 'insufficient_funds',
  // reduce-only
  wouldNotReducePosition: 'reduce_only_violation',
  // the order itself
  invalidOrderType: 'invalid_order',
  invalidSide: 'invalid_order',
  invalidSize: 'invalid_order',
  invalidPrice: 'invalid_order',
  selfFill: 'invalid_order',
  tooManySmallOrders: 'invalid_order',
  maxPositionViolation: 'invalid_order',
  clientOrderIdAlreadyExist: 'invalid_order',
  clientOrderIdTooLong: 'invalid_order',
  outsidePriceCollar: 'invalid_order',
  postWouldExecute: 'invalid_order',
  iocWouldNotExecute: 'invalid_order',
  orderForEditNotAStop: 'invalid_order',
  // the market
  marketSuspended: 'exchange_unavailable',
  marketInactive: 'exchange_unavailable',
};

/** Statuses that mean the request did what was asked. */
const SUCCESS_STATUSES: ReadonlySet<string> = new Set(['placed', 'cancelled', 'edited', 'noOrdersToCancel']);

/** True for the status of a successful order action. */
export function isSuccessStatus(status: string): boolean {
  return SUCCESS_STATUSES.has(status);
}

/** The kind of a failed order status; `unknown` for a status this table does not know. */
export function kindOfStatus(status: string): BrokerErrorKind {
  return STATUS_KINDS[status] ?? 'unknown';
}

/** The BrokerError for a failed order status (`what` names the call, e.g. "sendorder BTC buy 0.01"). */
export function statusError(status: string, what: string): BrokerError {
  const kind = kindOfStatus(status);
  const retryable = kind === 'exchange_unavailable';
  return new BrokerError(kind, `Kraken Futures ${what}: ${status}`, retryable);
}

/**
 * Any error thrown by a ccxt call (or by the broker's own parsing) as a BrokerError. An error that already
 * is one passes through. `what` names the call for the message.
 */
export function toBrokerError(err: unknown, what: string): BrokerError {
  if (err instanceof BrokerError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  const make = (kind: BrokerErrorKind, retryable: boolean, hint = '') =>
    new BrokerError(kind, `Kraken Futures ${what}: ${msg}${hint}`, retryable);
  // order matters: subclasses before their parents (ccxt's hierarchy)
  if (err instanceof ccxt.OrderNotFound) return make('order_not_found', false);
  if (err instanceof ccxt.AuthenticationError) {
    return make(
      'authentication',
      false,
      ' (check KRAKEN_FUTURES_API_KEY / KRAKEN_FUTURES_API_SECRET: the secret is base64)',
    );
  }
  if (err instanceof ccxt.InsufficientFunds) return make('insufficient_funds', false);
  if (
    err instanceof ccxt.InvalidOrder ||
    err instanceof ccxt.BadRequest ||
    err instanceof ccxt.ArgumentsRequired
  ) {
    return make('invalid_order', false);
  }
  if (err instanceof ccxt.RateLimitExceeded || err instanceof ccxt.DDoSProtection)
    return make('rate_limited', true);
  if (err instanceof ccxt.ExchangeNotAvailable) return make('exchange_unavailable', true);
  if (err instanceof ccxt.InvalidNonce) return make('network', true);
  if (err instanceof ccxt.NetworkError) return make('network', true);
  if (err instanceof ccxt.ExchangeError) {
    // ccxt raises a bare ExchangeError for this order status (verifyOrderActionSuccess)
    if (msg.includes('wouldNotReducePosition')) return make('reduce_only_violation', false);
    return make('unknown', false);
  }
  if (err instanceof ccxt.BadResponse) return make('unknown', true);
  return make('unknown', false);
}
