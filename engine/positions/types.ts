import type { Decimal } from 'decimal.js';
import type { Fill, Instrument, PositionSide, Symbol as SymbolId } from '../broker.ts';
import type { Logger } from '../log.ts';
import type { PositionsConfig } from './config.ts';

/**
 * Position state machine V2 (seed §3 "Runner Logic", §7 "TP/SL Lifecycle"):
 * PENDING (entry sent, nothing filled) → OPEN (first entry fill; stop placed) → TP1_FILLED → TP2_FILLED →
 * CLOSED; CANCELLED when the entry ends without a fill; ERROR is set only by an operator-visible failure.
 * A stop can close the position from OPEN, TP1_FILLED or TP2_FILLED.
 *
 * There is no PENDING_PROTECTION state (seed Bug 8): an imported position is OPEN and the protection
 * backfill and the naked-position monitor take care of its stop.
 */
export type PositionState =
  | 'PENDING'
  | 'OPEN'
  | 'TP1_FILLED'
  | 'TP2_FILLED'
  | 'CLOSED'
  | 'CANCELLED'
  | 'ERROR';

export const ACTIVE_STATES: ReadonlySet<PositionState> = new Set([
  'PENDING',
  'OPEN',
  'TP1_FILLED',
  'TP2_FILLED',
]);

export function isActive(p: { readonly state: PositionState }): boolean {
  return ACTIVE_STATES.has(p.state);
}

export type ExitReason =
  | 'STOP_LOSS'
  | 'BREAK_EVEN_STOP'
  | 'TRAILING_STOP'
  | 'TAKE_PROFIT'
  | 'MANUAL'
  | 'LIQUIDATION'
  | 'ORPHAN_RECONCILED'
  | 'ENTRY_CANCELLED';

/** SIGNAL: opened by the bot. PHANTOM_IMPORT: found on the exchange and adopted (seed Bug 3). */
export type PositionOrigin = 'SIGNAL' | 'PHANTOM_IMPORT';

export type TpLevel = 1 | 2 | 3;

/**
 * One managed position as plain, immutable data: the FSM returns a new object on every transition, so a
 * snapshot can be persisted (see registry.ts for the JSON form) and compared.
 */
export interface ManagedPosition {
  readonly id: string;
  readonly symbol: SymbolId;
  readonly side: PositionSide;
  readonly state: PositionState;
  readonly origin: PositionOrigin;
  /** Entry order quantity. */
  readonly plannedQty: Decimal;
  /** Sum of entry fills (synthetic adoption included). */
  readonly filledQty: Decimal;
  /** Quantity still open. */
  readonly remainingQty: Decimal;
  readonly avgEntryPrice: Decimal | null;
  readonly initialStopPrice: Decimal;
  readonly stopPrice: Decimal;
  /** TP1..TP3 prices; null where the strategy gave none. Always length 3. */
  readonly takeProfits: readonly (Decimal | null)[];
  /** Snapshot on the first entry fill (seed "Snapshot targets"). */
  readonly entrySizeInitial: Decimal | null;
  readonly tp1QtyTarget: Decimal | null;
  readonly tp2QtyTarget: Decimal | null;
  /** Which TP levels have filled (at least partly). Always length 3. */
  readonly tpHit: readonly boolean[];
  /** The entry is complete (fully filled, ended, or adopted): TPs may be placed. */
  readonly entryComplete: boolean;
  readonly breakEvenTriggered: boolean;
  readonly trailingActive: boolean;
  /** Best price since trailing activated (highest for a long, lowest for a short). */
  readonly bestPrice: Decimal | null;
  readonly entryOrderId: string | null;
  readonly stopOrderId: string | null;
  /** Live TP order ids by level (index 0 = TP1). Always length 3. */
  readonly tpOrderIds: readonly (string | null)[];
  /** Quantity of each live TP order (index 0 = TP1); zero where none. Always length 3. */
  readonly tpOrderQtys: readonly Decimal[];
  /** Gross realised P&L of the closed part. */
  readonly realizedPnl: Decimal;
  readonly fees: Decimal;
  /** Funding received (positive) or paid (negative). */
  readonly funding: Decimal;
  readonly exitQty: Decimal;
  readonly exitNotional: Decimal;
  readonly createdAt: number;
  readonly openedAt: number | null;
  readonly closedAt: number | null;
  readonly updatedAt: number;
  readonly lastPartialCloseAt: number | null;
  readonly exitReason: ExitReason | null;
  readonly score: number | null;
  readonly setupType: string | null;
  /** Strategy ATR at entry, price units (trailing guard). */
  readonly atr: number | null;
  /** Sequence for this position's client order ids. */
  readonly orderSeq: number;
  /** The quantity came from the exchange (PENDING_ADOPTED): later entry fills are already counted. */
  readonly adoptedFromExchange: boolean;
  /** Consecutive reconciliations without an exchange position (ORPHAN confirmation). */
  readonly orphanObservations: number;
}

export type OrderRole = 'entry' | 'stop' | 'tp' | 'close';

/** What happens to a position; the Trader routes broker events here (see fill-router.ts). */
export type PositionEvent =
  | { readonly type: 'ENTRY_FILL'; readonly fill: Fill }
  | { readonly type: 'ENTRY_ENDED'; readonly status: 'cancelled' | 'rejected' }
  | { readonly type: 'STOP_FILL'; readonly fill: Fill }
  | { readonly type: 'TP_FILL'; readonly level: TpLevel; readonly fill: Fill }
  | { readonly type: 'CLOSE_FILL'; readonly fill: Fill; readonly reason?: ExitReason }
  | {
      readonly type: 'ORDER_PLACED';
      readonly role: OrderRole;
      readonly orderId: string;
      readonly level?: TpLevel;
      readonly qty?: Decimal;
    }
  | { readonly type: 'ORDER_GONE'; readonly orderId: string }
  | { readonly type: 'MARK'; readonly price: Decimal; readonly atr?: number | null }
  | { readonly type: 'FUNDING'; readonly amount: Decimal }
  | { readonly type: 'EXTERNAL_CLOSE'; readonly reason: ExitReason; readonly price?: Decimal };

/** What every transition needs besides the position. */
export interface FsmContext {
  readonly now: number;
  readonly instrument: Instrument;
  readonly config: PositionsConfig;
  readonly logger: Logger;
}
