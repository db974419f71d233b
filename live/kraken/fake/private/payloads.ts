import type { Decimal } from 'decimal.js';
import type { Account, Fill, Order, Position } from '../../../../engine/broker.ts';
import type { FlexAccount } from '../../api/schema/accounts.ts';
import { serverTime } from '../../api/schema/common.ts';
import type { KrakenFill } from '../../api/schema/fills.ts';
import type {
  EventOrder,
  OpenOrder,
  OrderEvent,
  OrderStatusEntry,
  OrderTrigger,
} from '../../api/schema/orders.ts';
import type { OpenPosition } from '../../api/schema/positions.ts';

/**
 * The simulator's orders, fills, positions and account in Kraken Futures' response shapes
 * (live/kraken/api/schema): the one place the fake formats what the broker will parse.
 */

/** How the account names things the simulator does not: venue ids and the caller's client ids. */
export interface PayloadNames {
  venueId(symbol: string): string;
  /** The client id the caller sent, or null. */
  clientId(internal: string): string | null;
}

const num = (d: Decimal): number => d.toNumber();
const numOrNull = (d: Decimal | undefined): number | null => (d === undefined ? null : d.toNumber());

function isTrigger(o: Order): boolean {
  return o.type === 'stop' || o.type === 'take_profit';
}

/** Kraken's order type code in order events: market orders execute as ioc, trigger orders as their type. */
function eventType(o: Order): string {
  if (o.type === 'market') return 'ioc';
  if (o.type === 'limit') return 'lmt';
  return o.type === 'stop' ? 'stp' : 'take_profit';
}

/** Buy stops and sell take-profits fire on a rise. */
function triggerSide(o: Order): 'trigger_above' | 'trigger_below' {
  return (o.type === 'stop') === (o.side === 'buy') ? 'trigger_above' : 'trigger_below';
}

/** The order as order events show it; `filled` overrides the quantity filled (the state before an execution). */
export function eventOrder(o: Order, names: PayloadNames, filled: Decimal = o.filledQty): EventOrder {
  return {
    orderId: o.id,
    cliOrdId: names.clientId(o.clientId),
    type: eventType(o),
    symbol: names.venueId(o.symbol),
    side: o.side,
    quantity: num(o.qty),
    filled: num(filled),
    limitPrice: numOrNull(o.price),
    stopPrice: numOrNull(o.triggerPrice),
    reduceOnly: o.reduceOnly,
    timestamp: serverTime(o.createdAt),
    lastUpdateTimestamp: serverTime(o.updatedAt),
  };
}

export function orderTrigger(o: Order, names: PayloadNames): OrderTrigger {
  if (o.triggerPrice === undefined)
    throw new Error(`order ${o.id} is a ${o.type} order without a trigger price`);
  return {
    uid: o.id,
    clientId: names.clientId(o.clientId),
    type: o.price === undefined ? 'ioc' : 'lmt',
    symbol: names.venueId(o.symbol),
    side: o.side,
    quantity: num(o.qty),
    limitPrice: numOrNull(o.price),
    triggerPrice: num(o.triggerPrice),
    triggerSide: triggerSide(o),
    triggerSignal: o.triggerSignal === 'last' ? 'last_price' : 'mark_price',
    reduceOnly: o.reduceOnly,
    timestamp: serverTime(o.createdAt),
    lastUpdateTimestamp: serverTime(o.updatedAt),
  };
}

/** PLACE for an order left resting; one EXECUTION per fill made while placing it. */
export function sendEvents(o: Order, fills: readonly Fill[], names: PayloadNames): OrderEvent[] {
  const events: OrderEvent[] = [];
  let filledBefore = o.qty.mul(0);
  for (const f of fills) {
    events.push({
      type: 'EXECUTION',
      executionId: f.id,
      price: num(f.price),
      amount: num(f.qty),
      orderPriorEdit: null,
      orderPriorExecution: eventOrder(o, names, filledBefore),
      takerReducedQuantity: null,
    });
    filledBefore = filledBefore.plus(f.qty);
  }
  const resting = o.status === 'open' || o.status === 'partially_filled' || o.status === 'triggered';
  if (resting || fills.length === 0) {
    events.push(
      isTrigger(o) && o.status !== 'triggered'
        ? { type: 'PLACE', orderTrigger: orderTrigger(o, names) }
        : { type: 'PLACE', order: eventOrder(o, names), reducedQuantity: null },
    );
  }
  return events;
}

export function cancelEvent(o: Order, names: PayloadNames): OrderEvent {
  return isTrigger(o) && o.status !== 'triggered'
    ? { type: 'CANCEL', uid: o.id, orderTrigger: orderTrigger(o, names) }
    : { type: 'CANCEL', uid: o.id, order: eventOrder(o, names) };
}

/** GET openorders entry. A stop-limit whose trigger fired rests as a plain limit order. */
export function openOrder(o: Order, names: PayloadNames): OpenOrder {
  const fired = o.status === 'triggered';
  const orderType = isTrigger(o) && !fired ? o.type : o.type === 'market' ? 'mkt' : 'lmt';
  const entry: OpenOrder = {
    order_id: o.id,
    cliOrdId: names.clientId(o.clientId),
    symbol: names.venueId(o.symbol),
    side: o.side,
    orderType,
    unfilledSize: num(o.qty.minus(o.filledQty)),
    filledSize: num(o.filledQty),
    receivedTime: serverTime(o.createdAt),
    lastUpdateTime: serverTime(o.updatedAt),
    status: o.filledQty.isZero() ? 'untouched' : 'partiallyFilled',
    reduceOnly: o.reduceOnly,
  };
  if (o.price !== undefined) entry.limitPrice = num(o.price);
  if (isTrigger(o) && !fired) {
    entry.stopPrice = numOrNull(o.triggerPrice);
    entry.triggerSignal = o.triggerSignal === 'last' ? 'last_price' : 'mark_price';
  }
  return entry;
}

/** GET orders/status entry. */
export function orderStatusEntry(o: Order, names: PayloadNames): OrderStatusEntry {
  const trigger = isTrigger(o) && o.status !== 'triggered' && o.status !== 'filled';
  let status: OrderStatusEntry['status'];
  switch (o.status) {
    case 'filled':
      status = 'FULLY_EXECUTED';
      break;
    case 'cancelled':
      status = 'CANCELLED';
      break;
    case 'rejected':
      status = 'REJECTED';
      break;
    default:
      status = trigger ? 'TRIGGER_PLACED' : 'ENTERED_BOOK';
  }
  return {
    order: {
      type: isTrigger(o) ? 'TRIGGER_ORDER' : 'ORDER',
      orderId: o.id,
      cliOrdId: names.clientId(o.clientId),
      symbol: names.venueId(o.symbol),
      side: o.side,
      quantity: num(o.qty),
      filled: num(o.filledQty),
      limitPrice: numOrNull(o.price),
      reduceOnly: o.reduceOnly,
      timestamp: serverTime(o.createdAt),
      lastUpdateTimestamp: serverTime(o.updatedAt),
      priceTriggerOptions:
        isTrigger(o) && o.triggerPrice !== undefined
          ? {
              triggerPrice: num(o.triggerPrice),
              triggerSide: triggerSide(o) === 'trigger_above' ? 'TRIGGER_ABOVE' : 'TRIGGER_BELOW',
              triggerSignal: o.triggerSignal === 'last' ? 'LAST_PRICE' : 'MARK_PRICE',
            }
          : null,
    },
    status,
    updateReason: null,
    error: null,
  };
}

/** GET fills entry. Liquidations are their own fill type; the fee is not part of Kraken's fill. */
export function fillEntry(f: Fill, names: PayloadNames): KrakenFill {
  const liquidation = f.clientId.startsWith('liquidation-');
  const entry: KrakenFill = {
    fill_id: f.id,
    symbol: names.venueId(f.symbol),
    side: f.side,
    order_id: f.orderId,
    size: num(f.qty),
    price: num(f.price),
    fillTime: serverTime(f.ts),
    fillType: liquidation ? 'liquidation' : f.liquidity,
  };
  const cid = names.clientId(f.clientId);
  if (cid !== null) entry.cliOrdId = cid;
  return entry;
}

/** GET openpositions entry: Kraken sends these numbers as decimal strings, exact. */
export function openPosition(
  p: Position,
  fillTime: number,
  maxFixedLeverage: number | null,
  names: PayloadNames,
): OpenPosition {
  const entry: OpenPosition = {
    side: p.side,
    symbol: names.venueId(p.symbol),
    price: p.entryPrice.toString(),
    fillTime: serverTime(fillTime),
    size: p.qty.toString(),
    unrealizedFunding: '0',
    unrealizedPnl: p.unrealizedPnl.toString(),
    pnlCurrency: 'USD',
  };
  if (maxFixedLeverage !== null) entry.maxFixedLeverage = String(maxFixedLeverage);
  return entry;
}

/** The multi-collateral (flex) account of a USD-only wallet: no haircuts, so collateral = balance. */
export function flexAccount(a: Account, maintenanceMargin: Decimal, unrealized: Decimal): FlexAccount {
  return {
    type: 'multiCollateralMarginAccount',
    currencies: {
      USD: {
        quantity: num(a.balance),
        value: num(a.balance),
        collateral: num(a.balance),
        available: num(a.availableMargin),
      },
    },
    initialMargin: num(a.marginUsed),
    initialMarginWithOrders: num(a.marginUsed),
    maintenanceMargin: num(maintenanceMargin),
    balanceValue: num(a.balance),
    portfolioValue: num(a.equity),
    collateralValue: num(a.balance),
    pnl: num(unrealized),
    unrealizedFunding: 0,
    totalUnrealized: num(unrealized),
    totalUnrealizedAsMargin: num(unrealized),
    availableMargin: num(a.availableMargin),
    marginEquity: num(a.equity),
  };
}
