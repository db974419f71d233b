import type { Decimal } from 'decimal.js';
import type { Fill, Instrument, Order, Position, Symbol as SymbolId } from '../broker.ts';
import type { Logger } from '../log.ts';
import { roundToTick, ZERO } from '../risk/quantize.ts';
import type { PositionAction } from './actions.ts';
import { positionIdFor } from './client-id.ts';
import type { PositionsConfig } from './config.ts';
import { adoptExchangeFill, stopAction, transition } from './fsm.ts';
import { isProtectiveStop } from './protective-orders.ts';
import type { FsmContext, ManagedPosition } from './types.ts';

/**
 * Reconciliation of the registry with the exchange (seed §3 Bugs 3 and 6, §7 "Startup Order Matters").
 * The exchange is the truth about exposure; the registry is the truth about intent. The rule: never
 * destroy what is not understood. Per symbol:
 *
 * - MATCHED: both agree.
 * - QTY_MISMATCH: same side, other quantity → adopt the exchange quantity and resize the stop.
 * - SIDE_MISMATCH: opposite sides → logged as an error, nothing done (needs an operator).
 * - PHANTOM: the exchange has a position the registry does not know → NO_ACTION (logged `PHANTOM`), and
 *   listed for {@link importPhantoms}. Never flattened: the seed's `FLATTEN_ORPHAN` for phantoms market-
 *   closed real positions at startup whenever the persisted registry was stale (Bug 3).
 * - PENDING_ADOPTED: a PENDING position with nothing filled while the exchange holds its quantity (the
 *   market order filled before the fill was seen) → adopted through a synthetic fill, goes OPEN and gets
 *   its stop. The seed archived it as STALE_ZERO_QTY, forgot it, and entered again every cycle (Bug 6).
 * - PENDING_AWAITING_FILL: PENDING, nothing on the exchange yet → left alone.
 * - ORPHAN_SUSPECTED / ORPHAN: the registry has open quantity the exchange does not show. After
 *   `orphan_confirmations` consecutive reconciliations the position is closed in the registry
 *   (`ORPHAN_RECONCILED`) and its leftover orders cancelled; until then nothing is done.
 */

export type ReconcileClass =
  | 'MATCHED'
  | 'QTY_MISMATCH'
  | 'SIDE_MISMATCH'
  | 'PHANTOM'
  | 'PENDING_ADOPTED'
  | 'PENDING_AWAITING_FILL'
  | 'ORPHAN_SUSPECTED'
  | 'ORPHAN';

export interface ReconcileItem {
  readonly symbol: SymbolId;
  readonly classification: ReconcileClass;
  readonly positionId: string | null;
  readonly registryQty: Decimal | null;
  readonly exchangeQty: Decimal | null;
}

export interface ReconcileContext {
  readonly now: number;
  readonly config: PositionsConfig;
  readonly logger: Logger;
  readonly instruments: ReadonlyMap<SymbolId, Instrument>;
}

export interface ReconcileResult {
  readonly items: readonly ReconcileItem[];
  /** Registry positions that changed (store them). */
  readonly updated: readonly ManagedPosition[];
  /** Actions to execute; NO_ACTION entries record what was deliberately left alone. */
  readonly actions: readonly PositionAction[];
  /** Exchange positions nobody manages: pass to {@link importPhantoms}. */
  readonly phantoms: readonly Position[];
}

function fsmCtx(symbol: SymbolId, ctx: ReconcileContext): FsmContext | null {
  const instrument = ctx.instruments.get(symbol);
  if (instrument === undefined) return null;
  return { now: ctx.now, instrument, config: ctx.config, logger: ctx.logger };
}

/**
 * @param active the registry's active positions
 * @param exchange the exchange's open positions
 */
export function reconcile(
  active: readonly ManagedPosition[],
  exchange: readonly Position[],
  ctx: ReconcileContext,
): ReconcileResult {
  const { logger } = ctx;
  const items: ReconcileItem[] = [];
  const updated: ManagedPosition[] = [];
  const actions: PositionAction[] = [];
  const live = new Map<SymbolId, Position>();
  for (const e of exchange) if (!e.qty.isZero()) live.set(e.symbol, e);
  const known = new Set<SymbolId>();

  for (const p of active) {
    known.add(p.symbol);
    const e = live.get(p.symbol);
    const item = (classification: ReconcileClass): void => {
      items.push({
        symbol: p.symbol,
        classification,
        positionId: p.id,
        registryQty: p.remainingQty,
        exchangeQty: e?.qty ?? null,
      });
    };
    const noAction = (reason: string): void => {
      actions.push({ type: 'NO_ACTION', positionId: p.id, symbol: p.symbol, reason });
    };

    if (e !== undefined && e.side !== p.side) {
      logger.error(
        {
          symbol: p.symbol,
          position_id: p.id,
          registry_side: p.side,
          exchange_side: e.side,
          exchange_qty: e.qty.toString(),
        },
        'SIDE_MISMATCH: exchange position is on the other side; left alone for an operator',
      );
      item('SIDE_MISMATCH');
      noAction('side mismatch');
      continue;
    }

    if (p.state === 'PENDING') {
      if (e === undefined || !p.filledQty.isZero()) {
        item('PENDING_AWAITING_FILL');
        continue;
      }
      const fc = fsmCtx(p.symbol, ctx);
      if (fc === null) {
        logger.error(
          { symbol: p.symbol, position_id: p.id },
          'PENDING_ADOPTED impossible: no instrument; left alone',
        );
        item('PENDING_AWAITING_FILL');
        continue;
      }
      // Bug 6 fix (layer 1): a PENDING position with zero quantity is in flight, not stale — adopt.
      const synthetic: Fill = {
        id: `PENDING_ADOPTED:${p.id}`,
        orderId: p.entryOrderId ?? 'unknown',
        clientId: `${p.id}_entry`,
        symbol: p.symbol,
        side: p.side === 'long' ? 'buy' : 'sell',
        qty: e.qty,
        price: e.entryPrice,
        fee: ZERO,
        liquidity: 'taker',
        reduceOnly: false,
        ts: ctx.now,
      };
      const t = adoptExchangeFill(p, synthetic, e.currentMarkPrice, fc);
      logger.warn(
        {
          symbol: p.symbol,
          position_id: p.id,
          exchange_qty: e.qty.toString(),
          entry_price: e.entryPrice.toString(),
        },
        'PENDING_ADOPTED: PENDING position adopted the exchange quantity via synthetic fill',
      );
      updated.push(t.position);
      actions.push(...t.actions);
      item('PENDING_ADOPTED');
      continue;
    }

    if (e === undefined) {
      const seen = p.orphanObservations + 1;
      if (seen < ctx.config.orphan_confirmations) {
        logger.info(
          { symbol: p.symbol, position_id: p.id, observations: seen },
          'ORPHAN suspected: waiting for confirmation',
        );
        updated.push({ ...p, orphanObservations: seen });
        item('ORPHAN_SUSPECTED');
        noAction('orphan not yet confirmed');
        continue;
      }
      const fc = fsmCtx(p.symbol, ctx);
      logger.warn(
        { symbol: p.symbol, position_id: p.id, registry_qty: p.remainingQty.toString() },
        'ORPHAN: registry position has no exchange position; closing it in the registry',
      );
      if (fc === null) {
        updated.push({
          ...p,
          state: 'CLOSED',
          exitReason: 'ORPHAN_RECONCILED',
          closedAt: ctx.now,
          remainingQty: ZERO,
        });
      } else {
        const t = transition(p, { type: 'EXTERNAL_CLOSE', reason: 'ORPHAN_RECONCILED' }, fc);
        updated.push(t.position);
        actions.push(...t.actions);
      }
      item('ORPHAN');
      continue;
    }

    const fc = fsmCtx(p.symbol, ctx);
    const step = fc?.instrument.qtyStep ?? ZERO;
    const diff = e.qty.minus(p.remainingQty).abs();
    const reset = p.orphanObservations === 0 ? p : { ...p, orphanObservations: 0 };
    if (diff.lte(0) || (step.gt(0) && diff.lt(step))) {
      if (reset !== p) updated.push(reset);
      item('MATCHED');
      continue;
    }
    logger.warn(
      {
        symbol: p.symbol,
        position_id: p.id,
        registry_qty: p.remainingQty.toString(),
        exchange_qty: e.qty.toString(),
      },
      'QTY_MISMATCH: adopting the exchange quantity and resizing the stop',
    );
    const resized: ManagedPosition = { ...reset, remainingQty: e.qty, updatedAt: ctx.now };
    const s = stopAction(resized);
    updated.push(s.position);
    actions.push(s.action);
    item('QTY_MISMATCH');
  }

  const phantoms: Position[] = [];
  for (const e of live.values()) {
    if (known.has(e.symbol)) continue;
    // Bug 3 fix: an unknown exchange position is logged and deferred to import, never flattened.
    logger.warn(
      { symbol: e.symbol, side: e.side, qty: e.qty.toString(), entry_price: e.entryPrice.toString() },
      'PHANTOM: exchange has a position the registry does not know; deferring to import (no action)',
    );
    actions.push({
      type: 'NO_ACTION',
      positionId: null,
      symbol: e.symbol,
      reason: 'PHANTOM deferred to import',
    });
    items.push({
      symbol: e.symbol,
      classification: 'PHANTOM',
      positionId: null,
      registryQty: null,
      exchangeQty: e.qty,
    });
    phantoms.push(e);
  }
  return { items, updated, actions, phantoms };
}

/**
 * Imports exchange positions nobody manages (seed `_import_phantom_positions` / production takeover) as
 * OPEN positions (seed Bug 8: OPEN, not a nonexistent PENDING_PROTECTION). A live reduce-only stop already
 * on the exchange is adopted; otherwise a stop is placed `import_stop_distance_pct` beyond the mark price.
 * No TP is placed: the bot does not know the plan of a position it did not open.
 */
export function importPhantoms(
  phantoms: readonly Position[],
  openOrders: readonly Order[],
  ctx: ReconcileContext,
): { positions: ManagedPosition[]; actions: PositionAction[] } {
  const positions: ManagedPosition[] = [];
  const actions: PositionAction[] = [];
  for (const e of phantoms) {
    const instrument = ctx.instruments.get(e.symbol);
    const existing = openOrders.find((o) => o.symbol === e.symbol && isProtectiveStop(o, e.side));
    const pct = ctx.config.import_stop_distance_pct;
    const rawStop = e.side === 'long' ? e.currentMarkPrice.mul(1 - pct) : e.currentMarkPrice.mul(1 + pct);
    const stopPrice =
      existing?.triggerPrice ??
      (instrument ? roundToTick(rawStop, instrument.tickSize, e.side === 'long' ? 'down' : 'up') : rawStop);
    const id = positionIdFor(e.symbol, ctx.now, 'imp');
    const p: ManagedPosition = {
      id,
      symbol: e.symbol,
      side: e.side,
      state: 'OPEN',
      origin: 'PHANTOM_IMPORT',
      plannedQty: e.qty,
      filledQty: e.qty,
      remainingQty: e.qty,
      avgEntryPrice: e.entryPrice,
      initialStopPrice: stopPrice,
      stopPrice,
      takeProfits: [null, null, null],
      entrySizeInitial: e.qty,
      tp1QtyTarget: null,
      tp2QtyTarget: null,
      tpHit: [false, false, false],
      entryComplete: true,
      breakEvenTriggered: false,
      trailingActive: false,
      bestPrice: null,
      entryOrderId: null,
      stopOrderId: existing?.id ?? null,
      tpOrderIds: [null, null, null],
      tpOrderQtys: [ZERO, ZERO, ZERO],
      realizedPnl: ZERO,
      fees: ZERO,
      funding: ZERO,
      exitQty: ZERO,
      exitNotional: ZERO,
      createdAt: ctx.now,
      openedAt: ctx.now,
      closedAt: null,
      updatedAt: ctx.now,
      lastPartialCloseAt: null,
      exitReason: null,
      score: null,
      setupType: null,
      atr: null,
      orderSeq: 0,
      adoptedFromExchange: true,
      orphanObservations: 0,
    };
    ctx.logger.warn(
      {
        symbol: e.symbol,
        position_id: id,
        side: e.side,
        qty: e.qty.toString(),
        stop: stopPrice.toString(),
        stop_source: existing ? 'existing_order' : 'import_stop_distance_pct',
      },
      'PHANTOM imported as OPEN position',
    );
    if (existing?.qty.gte(e.qty)) {
      positions.push(p);
      continue;
    }
    // No stop, or one too small for the position: (re)place it to cover the whole quantity.
    const s = stopAction(p);
    positions.push(s.position);
    actions.push(s.action);
  }
  return { positions, actions };
}
