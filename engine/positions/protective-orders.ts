import type { Decimal } from 'decimal.js';
import {
  type Broker,
  BrokerError,
  type Order,
  type OrderRequest,
  type Symbol as SymbolId,
  type TriggerSignal,
} from '../broker.ts';
import type { Logger } from '../log.ts';
import { ZERO } from '../risk/quantize.ts';
import type { PositionAction } from './actions.ts';
import { closingSide, stopAction, tpActions } from './fsm.ts';
import type { FsmContext, ManagedPosition } from './types.ts';
import { isActive } from './types.ts';

/**
 * Stop-loss and take-profit orders on the exchange (seed §3 Bug 7, §7 "TP/SL Lifecycle", "After a Kill
 * Switch Recovery").
 *
 * Replacing a stop is two independent steps: cancel the old one, then place the new one. A failed cancel
 * — above all `order_not_found`, normal after a kill switch or a restart — is logged and the placement
 * goes ahead regardless. (The seed had both in one try block, so a `notFound` on the cancel left the
 * position without a stop, and the naked-position monitor then fired the kill switch.)
 */

export type CancelOutcome = 'cancelled' | 'already_gone' | 'failed' | 'none';

export interface ReplaceStopResult {
  readonly cancel: CancelOutcome;
  readonly placed: Order;
}

/** Request of a reduce-only stop-loss order. */
export function stopOrderRequest(a: {
  clientId: string;
  symbol: SymbolId;
  side: 'buy' | 'sell';
  qty: Decimal;
  triggerPrice: Decimal;
  triggerSignal?: TriggerSignal;
}): OrderRequest {
  return {
    clientId: a.clientId,
    symbol: a.symbol,
    side: a.side,
    type: 'stop',
    qty: a.qty,
    triggerPrice: a.triggerPrice,
    triggerSignal: a.triggerSignal ?? 'mark',
    reduceOnly: true,
  };
}

/** Step 1 of a stop replacement, on its own: never throws. */
export async function cancelOldStop(
  broker: Broker,
  symbol: SymbolId,
  oldOrderId: string | null,
  logger: Logger,
): Promise<CancelOutcome> {
  if (oldOrderId === null) return 'none';
  try {
    await broker.cancelOrder(symbol, oldOrderId);
    return 'cancelled';
  } catch (err) {
    const notFound = err instanceof BrokerError && err.kind === 'order_not_found';
    logger.warn(
      {
        symbol,
        order_id: oldOrderId,
        kind: err instanceof BrokerError ? err.kind : 'unknown',
        err: err instanceof Error ? err.message : String(err),
      },
      'Old SL cancel failed (proceeding to place new SL)',
    );
    return notFound ? 'already_gone' : 'failed';
  }
}

/**
 * Cancels `oldOrderId` (if any) and places `request`. The placement runs whatever the cancel did; only a
 * failed placement throws, because then the position really is unprotected and the caller must know.
 */
export async function replaceStop(
  broker: Broker,
  oldOrderId: string | null,
  request: OrderRequest,
  logger: Logger,
): Promise<ReplaceStopResult> {
  const cancel = await cancelOldStop(broker, request.symbol, oldOrderId, logger); // Bug 7 fix: separate step.
  const placed = await broker.submitOrder(request);
  logger.info(
    {
      symbol: request.symbol,
      order_id: placed.id,
      trigger: request.triggerPrice?.toString(),
      qty: request.qty.toString(),
      old_cancel: cancel,
    },
    'Stop loss placed',
  );
  return { cancel, placed };
}

/** True when `o` is a live reduce-only stop that closes a position of `side`. */
export function isProtectiveStop(o: Order, positionSide: 'long' | 'short'): boolean {
  const live = o.status === 'open' || o.status === 'partially_filled';
  return live && o.type === 'stop' && o.reduceOnly && o.side === closingSide(positionSide);
}

/**
 * Protection backfill (seed `_place_missing_stops_for_unprotected` and TP backfill): for an active
 * position with open quantity, the orders that are missing on the exchange. The registry is brought in
 * line with `liveOrders` first (ids of orders that are gone are dropped), then a missing stop is placed —
 * as UPDATE_STOP when the registry still had an id, so the stale id goes through the Bug 7 path — and
 * missing TP levels are planned one by one (Bug 5).
 */
export function planProtection(
  p: ManagedPosition,
  liveOrders: readonly Order[],
  currentPrice: Decimal,
  ctx: FsmContext,
): { position: ManagedPosition; actions: PositionAction[] } {
  if (!isActive(p) || p.state === 'PENDING' || p.remainingQty.lte(0)) return { position: p, actions: [] };
  const live = new Set(
    liveOrders.filter((o) => o.status === 'open' || o.status === 'partially_filled').map((o) => o.id),
  );
  let next = p;
  const tpIds = p.tpOrderIds.map((id) => (id !== null && live.has(id) ? id : null));
  const tpQtys = p.tpOrderQtys.map((q, i) => (tpIds[i] === null ? ZERO : q));
  next = { ...next, tpOrderIds: tpIds, tpOrderQtys: tpQtys };

  const actions: PositionAction[] = [];
  const stopLive = p.stopOrderId !== null && live.has(p.stopOrderId);
  if (!stopLive) {
    // keep the stale id: UPDATE_STOP cancels it (harmless not-found) before placing the new stop
    const s = stopAction(next);
    next = s.position;
    actions.push(s.action);
  }
  if (next.entryComplete) {
    const t = tpActions(next, currentPrice, ctx);
    next = t.position;
    actions.push(...t.actions);
  }
  return { position: next, actions };
}
