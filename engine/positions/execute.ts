import { type Broker, BrokerError, type Order, type TriggerSignal } from '../broker.ts';
import type { Logger } from '../log.ts';
import { type IntentRecord, type PositionAction, toIntentRecord } from './actions.ts';
import { replaceStop, stopOrderRequest } from './protective-orders.ts';
import type { PositionEvent } from './types.ts';

/**
 * Runs one PositionAction against a Broker and says what came of it as position events to feed back into
 * the FSM (ORDER_PLACED / ORDER_GONE). The intent is recorded before anything is sent (write-ahead).
 * A failure is logged as `Execution failed` with the action's context and returned — never thrown past
 * the tick, never silently dropped.
 */

export interface ExecuteDeps {
  readonly logger: Logger;
  readonly now: number;
  /**
   * Write-ahead hook: persist the intent before the order leaves. A returned promise is awaited before
   * anything is sent, and a failed write fails the action (the order never leaves).
   */
  readonly recordIntent?: (r: IntentRecord) => void | Promise<void>;
  readonly stopTrigger?: TriggerSignal;
}

export interface ExecutionResult {
  readonly action: PositionAction;
  readonly ok: boolean;
  /** Events for the position this action belongs to (apply them with `PositionRegistry.apply`). */
  readonly events: readonly PositionEvent[];
  readonly order?: Order;
  readonly error?: unknown;
}

export async function executeAction(
  broker: Broker,
  a: PositionAction,
  deps: ExecuteDeps,
): Promise<ExecutionResult> {
  const { logger } = deps;
  try {
    const written = deps.recordIntent?.(toIntentRecord(a, deps.now));
    if (written !== undefined) await written;
    switch (a.type) {
      case 'NO_ACTION':
        return { action: a, ok: true, events: [] };
      case 'PLACE_ENTRY': {
        const order = await broker.submitOrder({
          clientId: a.clientId,
          symbol: a.symbol,
          side: a.side,
          type: a.price ? 'limit' : 'market',
          qty: a.qty,
          ...(a.price ? { price: a.price } : {}),
          reduceOnly: false,
        });
        return {
          action: a,
          ok: true,
          order,
          events: [{ type: 'ORDER_PLACED', role: 'entry', orderId: order.id }],
        };
      }
      case 'PLACE_STOP':
      case 'UPDATE_STOP': {
        const request = stopOrderRequest({ ...a, triggerSignal: deps.stopTrigger });
        const oldId = a.type === 'UPDATE_STOP' ? a.oldOrderId : null;
        const { placed } = await replaceStop(broker, oldId, request, logger);
        const events: PositionEvent[] = [{ type: 'ORDER_PLACED', role: 'stop', orderId: placed.id }];
        return { action: a, ok: true, order: placed, events };
      }
      case 'PLACE_TP': {
        const order = await broker.submitOrder({
          clientId: a.clientId,
          symbol: a.symbol,
          side: a.side,
          type: 'take_profit',
          qty: a.qty,
          triggerPrice: a.triggerPrice,
          triggerSignal: deps.stopTrigger ?? 'mark',
          reduceOnly: true,
        });
        return {
          action: a,
          ok: true,
          order,
          events: [{ type: 'ORDER_PLACED', role: 'tp', level: a.level, orderId: order.id, qty: a.qty }],
        };
      }
      case 'CANCEL_ORDER': {
        try {
          await broker.cancelOrder(a.symbol, a.orderId);
        } catch (err) {
          if (!(err instanceof BrokerError && err.kind === 'order_not_found')) throw err;
          logger.info(
            { symbol: a.symbol, order_id: a.orderId, role: a.role },
            'Order already gone on cancel',
          );
        }
        return { action: a, ok: true, events: [{ type: 'ORDER_GONE', orderId: a.orderId }] };
      }
      case 'CLOSE_POSITION': {
        const order = await broker.submitOrder({
          clientId: a.clientId,
          symbol: a.symbol,
          side: a.side,
          type: 'market',
          qty: a.qty,
          reduceOnly: true,
        });
        return {
          action: a,
          ok: true,
          order,
          events: [{ type: 'ORDER_PLACED', role: 'close', orderId: order.id }],
        };
      }
      case 'FLATTEN_ORPHAN': {
        // Side and quantity come from the exchange now; the action itself has neither (seed Bug 4).
        const pos = (await broker.positions()).find((p) => p.symbol === a.symbol && !p.qty.isZero());
        if (pos === undefined) {
          logger.info({ symbol: a.symbol }, 'flatten_orphan: no exchange position left to close');
          return { action: a, ok: true, events: [] };
        }
        const order = await broker.submitOrder({
          clientId: `flatten-${a.symbol}-${deps.now}`,
          symbol: a.symbol,
          side: pos.side === 'long' ? 'sell' : 'buy',
          type: 'market',
          qty: pos.qty,
          reduceOnly: true,
        });
        logger.warn(
          { symbol: a.symbol, qty: pos.qty.toString(), reason: a.reason },
          'flatten_orphan executed',
        );
        return { action: a, ok: true, order, events: [] };
      }
    }
  } catch (error) {
    const r = toIntentRecord(a, deps.now);
    logger.error(
      {
        action_type: a.type.toLowerCase(),
        symbol: a.symbol,
        position_id: a.positionId,
        side: r.side,
        kind: error instanceof BrokerError ? error.kind : 'unknown',
        err: error instanceof Error ? error.message : String(error),
      },
      'Execution failed',
    );
    return { action: a, ok: false, events: [], error };
  }
}
