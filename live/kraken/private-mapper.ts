import type { Decimal } from 'decimal.js';
import { fromKrakenFuturesSymbol, isKrakenFuturesSymbol } from '../../data/symbols/symbols.ts';
import type {
  Account,
  Fill,
  Instrument,
  Order,
  OrderRequest,
  OrderStatus,
  OrderType,
  Position,
  Ticker,
  TriggerSignal,
} from '../../engine/broker.ts';
import { dec } from '../../engine/sim/decimal.ts';
import type { FeeModel } from '../../engine/sim/fees.ts';
import type { FlexAccount } from './api/schema/accounts.ts';
import type { KrakenFill } from './api/schema/fills.ts';
import type { Instrument as KrakenInstrument } from './api/schema/instruments.ts';
import type { KrakenNumber } from './api/schema/numbers.ts';
import type { OpenOrder, OrderStatusEntry, SendStatus } from './api/schema/orders.ts';
import type { OpenPosition } from './api/schema/positions.ts';
import type { Ticker as KrakenTicker } from './api/schema/tickers.ts';

/**
 * Kraken Futures' private shapes (validated by live/kraken/api/schema) → the Broker interface's types.
 * Every number goes through its decimal text into a Decimal (40 significant digits, engine/sim/decimal),
 * never through float arithmetic; symbols only through data/symbols.
 */

/** A venue number as a Decimal, exactly as printed (`0.1` stays 0.1). */
export function decimalOf(v: KrakenNumber): Decimal {
  return dec(typeof v === 'number' ? String(v) : v);
}

const timeOf = (iso: string): number => Date.parse(iso);

function triggerSignalOf(s: string | undefined): TriggerSignal | undefined {
  if (s === undefined) return undefined;
  return s === 'last_price' || s === 'LAST_PRICE' ? 'last' : 'mark';
}

/**
 * A Kraken perpetual as an Instrument: tick from `tickSize`, quantity step 10^-`contractValueTradePrecision`,
 * max leverage from the first margin tier. Null for anything but a tradeable PF_ perpetual.
 */
export function instrumentOf(i: KrakenInstrument): Instrument | null {
  if (i.type !== 'flexible_futures' || i.lastTradingTime !== undefined || !isKrakenFuturesSymbol(i.symbol))
    return null;
  if (!i.symbol.toUpperCase().startsWith('PF_') || i.tickSize === undefined) return null;
  const step = dec(10).pow(-(i.contractValueTradePrecision ?? 0));
  const im = i.marginLevels?.[0]?.initialMargin;
  return {
    symbol: fromKrakenFuturesSymbol(i.symbol),
    venueSymbol: i.symbol.toUpperCase(),
    tickSize: decimalOf(i.tickSize),
    qtyStep: step,
    minQty: step,
    maxLeverage: im !== undefined && im > 0 ? Math.round(1 / im) : 1,
  };
}

export function tickerOf(t: KrakenTicker): Ticker | null {
  if (t.bid === undefined || t.ask === undefined || t.last === undefined || !isKrakenFuturesSymbol(t.symbol))
    return null;
  return {
    symbol: fromKrakenFuturesSymbol(t.symbol),
    bid: decimalOf(t.bid),
    ask: decimalOf(t.ask),
    last: decimalOf(t.last),
    mark: decimalOf(t.markPrice ?? t.last),
    ts: t.lastTime === undefined ? Number.NaN : timeOf(t.lastTime),
  };
}

/** openorders `orderType` → our order type (a stop-limit is a `stop` with a `price`). */
function openOrderType(t: string): OrderType {
  switch (t) {
    case 'stop':
    case 'stp':
      return 'stop';
    case 'take_profit':
      return 'take_profit';
    case 'mkt':
      return 'market';
    default:
      return 'limit';
  }
}

/** A GET openorders entry as an Order. */
export function openOrderToOrder(o: OpenOrder): Order {
  const filled = decimalOf(o.filledSize);
  const type = openOrderType(o.orderType);
  const order: Order = {
    id: o.order_id,
    clientId: o.cliOrdId ?? '',
    symbol: fromKrakenFuturesSymbol(o.symbol),
    side: o.side,
    type,
    qty: filled.plus(decimalOf(o.unfilledSize)),
    reduceOnly: o.reduceOnly,
    status: filled.isZero() ? 'open' : 'partially_filled',
    filledQty: filled,
    avgFillPrice: null,
    createdAt: timeOf(o.receivedTime),
    updatedAt: timeOf(o.lastUpdateTime),
  };
  if (o.limitPrice !== undefined && o.limitPrice !== null) order.price = decimalOf(o.limitPrice);
  if (o.stopPrice !== undefined && o.stopPrice !== null) {
    order.triggerPrice = decimalOf(o.stopPrice);
    order.triggerSignal = triggerSignalOf(o.triggerSignal) ?? 'mark';
  }
  return order;
}

/** A GET orders/status entry as an Order. */
export function orderStatusToOrder(e: OrderStatusEntry, type: OrderType): Order {
  const o = e.order;
  const filled = decimalOf(o.filled);
  const qty = decimalOf(o.quantity);
  const statusMap: Record<OrderStatusEntry['status'], OrderStatus> = {
    ENTERED_BOOK: filled.isZero() ? 'open' : 'partially_filled',
    TRIGGER_PLACED: 'open',
    FULLY_EXECUTED: 'filled',
    CANCELLED: 'cancelled',
    REJECTED: 'rejected',
    TRIGGER_ACTIVATION_FAILURE: 'rejected',
  };
  const order: Order = {
    id: o.orderId,
    clientId: o.cliOrdId ?? '',
    symbol: fromKrakenFuturesSymbol(o.symbol),
    side: o.side,
    type,
    qty,
    reduceOnly: o.reduceOnly,
    status: statusMap[e.status],
    filledQty: filled,
    avgFillPrice: null,
    createdAt: timeOf(o.timestamp),
    updatedAt: timeOf(o.lastUpdateTimestamp),
  };
  if (o.limitPrice !== null) order.price = decimalOf(o.limitPrice);
  const pt = o.priceTriggerOptions;
  if (pt) {
    order.triggerPrice = decimalOf(pt.triggerPrice);
    order.triggerSignal = triggerSignalOf(pt.triggerSignal) ?? 'mark';
  }
  return order;
}

/**
 * The Order a `sendStatus: placed` describes, for the request that produced it (quantities and prices as
 * sent). EXECUTION events are the fills made at once; a PLACE event means the order rests. A market order
 * that executed only in part and does not rest had its remainder cancelled (Kraken market orders are
 * immediate-or-cancel).
 */
export function sentOrder(req: OrderRequest, s: SendStatus, fallbackTs: number): Order {
  const events = s.orderEvents ?? [];
  let filled = dec(0);
  let notional = dec(0);
  let resting = false;
  let createdAt = s.receivedTime === undefined ? fallbackTs : timeOf(s.receivedTime);
  for (const e of events) {
    if (e.type === 'EXECUTION') {
      const a = decimalOf(e.amount);
      filled = filled.plus(a);
      notional = notional.plus(a.mul(decimalOf(e.price)));
      createdAt = timeOf(e.orderPriorExecution.timestamp);
    } else if (e.type === 'PLACE') {
      resting = true;
    }
  }
  let status: OrderStatus;
  if (filled.gte(req.qty)) status = 'filled';
  else if (resting) status = filled.isZero() ? 'open' : 'partially_filled';
  else status = 'cancelled';
  const order: Order = {
    ...req,
    id: s.order_id ?? '',
    status,
    filledQty: filled,
    avgFillPrice: filled.isZero() ? null : notional.div(filled),
    createdAt,
    updatedAt: createdAt,
  };
  return order;
}

/**
 * A Kraken fill as a Fill. Kraken's fills carry no fee, so it is computed with the venue's rates (`fees`);
 * nor do they say whether the order was reduce-only (`reduceOnly` answers from what the broker knows).
 * Liquidations count as taker fills.
 */
export function fillOf(f: KrakenFill, fees: FeeModel, reduceOnly: (f: KrakenFill) => boolean): Fill {
  const qty = decimalOf(f.size);
  const price = decimalOf(f.price);
  const liquidity = f.fillType.includes('maker') ? 'maker' : 'taker';
  return {
    id: f.fill_id,
    orderId: f.order_id,
    clientId: f.cliOrdId ?? '',
    symbol: fromKrakenFuturesSymbol(f.symbol),
    side: f.side,
    qty,
    price,
    fee: fees.fee(qty, price, liquidity),
    liquidity,
    reduceOnly: reduceOnly(f),
    ts: timeOf(f.fillTime),
  };
}

/** An open position marked at `mark`; `leverage` when the venue reports none (cross margin). */
export function positionOf(p: OpenPosition, mark: Decimal, fallbackLeverage: number): Position {
  const qty = decimalOf(p.size);
  const entry = decimalOf(p.price);
  const leverage =
    p.maxFixedLeverage === undefined ? fallbackLeverage : Number(decimalOf(p.maxFixedLeverage));
  const signed = p.side === 'long' ? qty : qty.neg();
  return {
    symbol: fromKrakenFuturesSymbol(p.symbol),
    side: p.side,
    qty,
    entryPrice: entry,
    currentMarkPrice: mark,
    unrealizedPnl: signed.mul(mark.minus(entry)),
    margin: qty.mul(mark).div(leverage),
    leverage,
  };
}

/**
 * The flex account as an Account: equity = portfolio value (balance + unrealised P&L), margin used = the
 * positions' initial margin. Utilisation is infinite when equity is gone but margin is in use, so a
 * safety monitor cannot mistake a blown account for an idle one (as the simulator does).
 */
export function accountOf(f: FlexAccount): Account {
  const equity = decimalOf(f.portfolioValue);
  const marginUsed = decimalOf(f.initialMargin);
  const eq = equity.toNumber();
  const used = marginUsed.toNumber();
  return {
    equity,
    balance: decimalOf(f.balanceValue),
    marginUsed,
    availableMargin: decimalOf(f.availableMargin),
    marginUtilization: eq > 0 ? used / eq : used > 0 ? Number.POSITIVE_INFINITY : 0,
  };
}
