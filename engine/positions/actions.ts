import type { Decimal } from 'decimal.js';
import type { Side, Symbol as SymbolId } from '../broker.ts';
import type { ExitReason, OrderRole, TpLevel } from './types.ts';

/**
 * What the position layer asks the execution side to do. A discriminated union: each action type carries
 * only the fields it has — FLATTEN_ORPHAN and NO_ACTION have no side, CANCEL_ORDER has no quantity — so
 * code reading an action must branch on `type` or use the accessors below (seed Bug 4: the write-ahead
 * log read `action.side.value` on an action without a side).
 */
export type PositionAction =
  | {
      readonly type: 'PLACE_ENTRY';
      readonly positionId: string;
      readonly symbol: SymbolId;
      readonly side: Side;
      readonly qty: Decimal;
      readonly clientId: string;
      /** Limit price; absent for a market entry. */
      readonly price?: Decimal;
    }
  | {
      readonly type: 'PLACE_STOP';
      readonly positionId: string;
      readonly symbol: SymbolId;
      readonly side: Side;
      readonly qty: Decimal;
      readonly triggerPrice: Decimal;
      readonly clientId: string;
    }
  | {
      /** Cancel the old stop, then place the new one — two independent steps (seed Bug 7). */
      readonly type: 'UPDATE_STOP';
      readonly positionId: string;
      readonly symbol: SymbolId;
      readonly side: Side;
      readonly qty: Decimal;
      readonly triggerPrice: Decimal;
      readonly clientId: string;
      readonly oldOrderId: string | null;
    }
  | {
      readonly type: 'PLACE_TP';
      readonly positionId: string;
      readonly symbol: SymbolId;
      readonly side: Side;
      readonly qty: Decimal;
      readonly triggerPrice: Decimal;
      readonly level: TpLevel;
      readonly clientId: string;
    }
  | {
      readonly type: 'CANCEL_ORDER';
      readonly positionId: string | null;
      readonly symbol: SymbolId;
      readonly orderId: string;
      readonly role: OrderRole | 'unknown';
    }
  | {
      /** Reduce-only market close of (part of) a managed position. */
      readonly type: 'CLOSE_POSITION';
      readonly positionId: string;
      readonly symbol: SymbolId;
      readonly side: Side;
      readonly qty: Decimal;
      readonly clientId: string;
      readonly reason: ExitReason;
    }
  | {
      /**
       * Close whatever the exchange holds in `symbol`. Has no side and no quantity: they are read from the
       * exchange at execution. Reconciliation never emits it (seed Bug 3); only an operator request does.
       */
      readonly type: 'FLATTEN_ORPHAN';
      readonly positionId: string | null;
      readonly symbol: SymbolId;
      readonly reason: string;
    }
  | {
      readonly type: 'NO_ACTION';
      readonly positionId: string | null;
      readonly symbol: SymbolId;
      readonly reason: string;
    };

export type PositionActionType = PositionAction['type'];

/** The action's side, or undefined for action types that have none (FLATTEN_ORPHAN, CANCEL_ORDER, NO_ACTION). */
export function actionSide(a: PositionAction): Side | undefined {
  return 'side' in a ? a.side : undefined;
}

export function actionQty(a: PositionAction): Decimal | undefined {
  return 'qty' in a ? a.qty : undefined;
}

export function actionPrice(a: PositionAction): Decimal | undefined {
  if ('triggerPrice' in a) return a.triggerPrice;
  if ('price' in a) return a.price;
  return undefined;
}

export function actionClientId(a: PositionAction): string | undefined {
  return 'clientId' in a ? a.clientId : undefined;
}

/**
 * A write-ahead intent: recorded before an action is sent, so a crash between "decided" and "sent" is
 * visible at restart. Plain JSON-able data.
 */
export interface IntentRecord {
  readonly ts: number;
  readonly actionType: PositionActionType;
  readonly positionId: string | null;
  readonly symbol: SymbolId;
  /** 'unknown' for actions that carry no side (seed Bug 4). */
  readonly side: Side | 'unknown';
  readonly qty: string | null;
  readonly price: string | null;
  readonly clientId: string | null;
  readonly orderId: string | null;
  readonly reason: string | null;
}

/**
 * Builds the intent record of any action. Every optional field goes through an accessor that tolerates
 * its absence — the seed's crash was exactly this record reading a side that FLATTEN_ORPHAN lacks.
 */
export function toIntentRecord(a: PositionAction, ts: number): IntentRecord {
  const side = actionSide(a); // Bug 4 fix: a missing side is recorded as 'unknown', never dereferenced.
  return {
    ts,
    actionType: a.type,
    positionId: a.positionId,
    symbol: a.symbol,
    side: side ?? 'unknown',
    qty: actionQty(a)?.toString() ?? null,
    price: actionPrice(a)?.toString() ?? null,
    clientId: actionClientId(a) ?? null,
    orderId: a.type === 'CANCEL_ORDER' ? a.orderId : a.type === 'UPDATE_STOP' ? a.oldOrderId : null,
    reason: 'reason' in a ? a.reason : null,
  };
}
