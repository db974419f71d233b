import type { Decimal } from 'decimal.js';
import type { Fill, PositionSide, Side, Symbol as SymbolId } from '../broker.ts';
import { dec, dmax, dmin, quantizeDown, roundToTick, ZERO } from '../risk/quantize.ts';
import { toNumberExact } from '../sim/decimal.ts';
import type { PositionAction } from './actions.ts';
import { closeClientId, entryClientId, stopClientId, tpClientId } from './client-id.ts';
import { computeTpPlan } from './tp-plan.ts';
import type { ExitReason, FsmContext, ManagedPosition, PositionEvent, TpLevel } from './types.ts';
import { isActive } from './types.ts';

/**
 * The position state machine (see types.ts for the states). Pure: `transition` returns the next position
 * and the actions to execute; nothing here talks to a broker.
 *
 * Rules (seed §3 "Runner Logic & Capital Utilisation Fixes", §7 "TP/SL Lifecycle"):
 * - first entry fill: snapshot `entrySizeInitial`, `tp1QtyTarget`, `tp2QtyTarget` (ROUND_DOWN to the
 *   step), go OPEN and place the stop at once; TPs follow when the entry is complete;
 * - a TP closes min(target, remaining) — the TP orders are sized so — and the stop shrinks to what is left;
 * - after TP1 the stop moves to break-even; the trailing stop activates only when ATR / price ≥
 *   `trailing_activation_atr_min` (at TP1, or later once break-even is in place — the seed's relaxed
 *   RULE 9), and only ever tightens;
 * - a stop fill closes, cancelling the TPs; the last TP closes, cancelling the stop.
 */

export interface Transition {
  readonly position: ManagedPosition;
  readonly actions: readonly PositionAction[];
}

/** Order side that closes a position of `side`. */
export function closingSide(side: PositionSide): Side {
  return side === 'long' ? 'sell' : 'buy';
}

/** Order side that opens (or adds to) a position of `side`. */
export function openingSide(side: PositionSide): Side {
  return side === 'long' ? 'buy' : 'sell';
}

export interface OpenParams {
  readonly id: string;
  readonly symbol: SymbolId;
  readonly side: PositionSide;
  /** Approved, quantized entry quantity. */
  readonly qty: Decimal;
  readonly stop: Decimal;
  readonly takeProfits: readonly (Decimal | null)[];
  /** Limit price; absent for a market entry. */
  readonly limitPrice?: Decimal;
  readonly score?: number | null;
  readonly setupType?: string | null;
  readonly atr?: number | null;
}

function stopPriceToTick(side: PositionSide, price: Decimal, ctx: FsmContext): Decimal {
  // A long's stop rounds down and a short's up: never tighter than the strategy asked.
  return roundToTick(price, ctx.instrument.tickSize, side === 'long' ? 'down' : 'up');
}

/** A new PENDING position and its entry order. */
export function openPosition(p: OpenParams, ctx: FsmContext): Transition {
  const tps = [0, 1, 2].map((i) => p.takeProfits[i] ?? null);
  const stop = stopPriceToTick(p.side, p.stop, ctx);
  const position: ManagedPosition = {
    id: p.id,
    symbol: p.symbol,
    side: p.side,
    state: 'PENDING',
    origin: 'SIGNAL',
    plannedQty: p.qty,
    filledQty: ZERO,
    remainingQty: ZERO,
    avgEntryPrice: null,
    initialStopPrice: stop,
    stopPrice: stop,
    takeProfits: tps,
    entrySizeInitial: null,
    tp1QtyTarget: null,
    tp2QtyTarget: null,
    tpHit: [false, false, false],
    entryComplete: false,
    breakEvenTriggered: false,
    trailingActive: false,
    bestPrice: null,
    entryOrderId: null,
    stopOrderId: null,
    tpOrderIds: [null, null, null],
    tpOrderQtys: [ZERO, ZERO, ZERO],
    realizedPnl: ZERO,
    fees: ZERO,
    funding: ZERO,
    exitQty: ZERO,
    exitNotional: ZERO,
    createdAt: ctx.now,
    openedAt: null,
    closedAt: null,
    updatedAt: ctx.now,
    lastPartialCloseAt: null,
    exitReason: null,
    score: p.score ?? null,
    setupType: p.setupType ?? null,
    atr: p.atr ?? null,
    orderSeq: 0,
    adoptedFromExchange: false,
    orphanObservations: 0,
  };
  const action: PositionAction = {
    type: 'PLACE_ENTRY',
    positionId: p.id,
    symbol: p.symbol,
    side: openingSide(p.side),
    qty: p.qty,
    clientId: entryClientId(p.id),
    ...(p.limitPrice ? { price: p.limitPrice } : {}),
  };
  return { position, actions: [action] };
}

/** Gross P&L of closing `qty` at `price`. */
export function pnlOf(side: PositionSide, entry: Decimal, price: Decimal, qty: Decimal): Decimal {
  return side === 'long' ? price.minus(entry).mul(qty) : entry.minus(price).mul(qty);
}

/** Net P&L so far: realised minus fees plus funding. */
export function netPnl(p: ManagedPosition): Decimal {
  return p.realizedPnl.minus(p.fees).plus(p.funding);
}

export function avgExitPrice(p: ManagedPosition): Decimal | null {
  return p.exitQty.isZero() ? null : p.exitNotional.div(p.exitQty);
}

/** The stop order for what is open now: PLACE_STOP when none is live, else UPDATE_STOP (replace). */
export function stopAction(p: ManagedPosition): { position: ManagedPosition; action: PositionAction } {
  const seq = p.orderSeq + 1;
  const base = {
    positionId: p.id,
    symbol: p.symbol,
    side: closingSide(p.side),
    qty: p.remainingQty,
    triggerPrice: p.stopPrice,
    clientId: stopClientId(p.id, seq),
  };
  const action: PositionAction =
    p.stopOrderId === null
      ? { type: 'PLACE_STOP', ...base }
      : { type: 'UPDATE_STOP', ...base, oldOrderId: p.stopOrderId };
  return { position: { ...p, orderSeq: seq }, action };
}

/**
 * TP orders for the levels not hit and without a live order (Bug 5 filtering in tp-plan.ts). Used after
 * the entry completes and by the protection backfill.
 */
export function tpActions(
  p: ManagedPosition,
  currentPrice: Decimal,
  ctx: FsmContext,
): { position: ManagedPosition; actions: PositionAction[] } {
  const levels = ([1, 2, 3] as const).filter((l) => !p.tpHit[l - 1] && p.tpOrderIds[l - 1] === null);
  let reserved = ZERO;
  for (let i = 0; i < 3; i++) if (p.tpOrderIds[i] !== null) reserved = reserved.plus(p.tpOrderQtys[i]);
  const plan = computeTpPlan(
    {
      symbol: p.symbol,
      side: p.side,
      takeProfits: p.takeProfits,
      levels: levels.filter((l) => p.takeProfits[l - 1] !== null),
      currentPrice,
      remainingQty: p.remainingQty,
      reservedQty: reserved,
      tp1QtyTarget: p.tp1QtyTarget,
      tp2QtyTarget: p.tp2QtyTarget,
      instrument: ctx.instrument,
      minDistancePct: ctx.config.tp_min_distance_pct,
    },
    ctx.logger,
  );
  if (plan === null || plan.length === 0) return { position: p, actions: [] };
  let seq = p.orderSeq;
  const actions: PositionAction[] = plan.map((e) => {
    seq++;
    return {
      type: 'PLACE_TP',
      positionId: p.id,
      symbol: p.symbol,
      side: closingSide(p.side),
      qty: e.qty,
      triggerPrice: e.price,
      level: e.level,
      clientId: tpClientId(p.id, e.level, seq),
    };
  });
  return { position: { ...p, orderSeq: seq }, actions };
}

function cancelAll(p: ManagedPosition, which: 'tps' | 'stop' | 'all'): PositionAction[] {
  const out: PositionAction[] = [];
  if (which !== 'tps' && p.stopOrderId !== null) {
    out.push({
      type: 'CANCEL_ORDER',
      positionId: p.id,
      symbol: p.symbol,
      orderId: p.stopOrderId,
      role: 'stop',
    });
  }
  if (which !== 'stop') {
    for (const id of p.tpOrderIds) {
      if (id !== null)
        out.push({ type: 'CANCEL_ORDER', positionId: p.id, symbol: p.symbol, orderId: id, role: 'tp' });
    }
  }
  return out;
}

function closed(p: ManagedPosition, reason: ExitReason, now: number): ManagedPosition {
  return { ...p, state: 'CLOSED', exitReason: reason, closedAt: now, remainingQty: ZERO, updatedAt: now };
}

/** Applies an exit fill (stop, TP or close): P&L, fees, exit stats; returns the reduced position. */
function applyExit(p: ManagedPosition, fill: Fill, ctx: FsmContext): ManagedPosition {
  const qty = dmin(fill.qty, p.remainingQty);
  if (fill.qty.gt(p.remainingQty)) {
    ctx.logger.warn(
      {
        symbol: p.symbol,
        position_id: p.id,
        fill_qty: fill.qty.toString(),
        remaining: p.remainingQty.toString(),
      },
      'Exit fill larger than the remaining quantity; counted up to the remaining quantity',
    );
  }
  const entry = p.avgEntryPrice ?? fill.price;
  return {
    ...p,
    remainingQty: p.remainingQty.minus(qty),
    realizedPnl: p.realizedPnl.plus(pnlOf(p.side, entry, fill.price, qty)),
    fees: p.fees.plus(fill.fee),
    exitQty: p.exitQty.plus(qty),
    exitNotional: p.exitNotional.plus(qty.mul(fill.price)),
    updatedAt: ctx.now,
  };
}

function atrQualifies(atr: number | null | undefined, price: Decimal, ctx: FsmContext): boolean {
  if (atr == null || !Number.isFinite(atr) || price.lte(0)) return false;
  return atr / price.toNumber() >= ctx.config.trailing_activation_atr_min;
}

function onEntryFill(p: ManagedPosition, fill: Fill, ctx: FsmContext): Transition {
  if (p.state !== 'PENDING' && p.state !== 'OPEN') {
    ctx.logger.warn(
      { symbol: p.symbol, position_id: p.id, state: p.state },
      'Entry fill after the entry phase ignored',
    );
    return { position: p, actions: [] };
  }
  if (p.adoptedFromExchange) {
    // PENDING_ADOPTED already took the exchange's quantity; reconciliation corrects any difference.
    ctx.logger.debug(
      { symbol: p.symbol, position_id: p.id, fill_id: fill.id },
      'Entry fill already covered by PENDING_ADOPTED',
    );
    return { position: { ...p, fees: p.fees.plus(fill.fee), updatedAt: ctx.now }, actions: [] };
  }
  const filled = p.filledQty.plus(fill.qty);
  const avg =
    p.avgEntryPrice === null
      ? fill.price
      : p.avgEntryPrice.mul(p.filledQty).plus(fill.price.mul(fill.qty)).div(filled);
  let next: ManagedPosition = {
    ...p,
    filledQty: filled,
    remainingQty: p.remainingQty.plus(fill.qty),
    avgEntryPrice: avg,
    fees: p.fees.plus(fill.fee),
    updatedAt: ctx.now,
  };
  if (p.state === 'PENDING') {
    const step = ctx.instrument.qtyStep;
    const initial = quantizeDown(dmax(p.plannedQty, fill.qty), step);
    next = {
      ...next,
      state: 'OPEN',
      openedAt: fill.ts,
      entrySizeInitial: initial,
      tp1QtyTarget: quantizeDown(initial.mul(ctx.config.tp1_close_pct), step),
      tp2QtyTarget: quantizeDown(initial.mul(ctx.config.tp2_close_pct), step),
    };
  }
  const actions: PositionAction[] = [];
  const s = stopAction(next);
  next = s.position;
  actions.push(s.action);
  if (!next.entryComplete && next.filledQty.gte(next.plannedQty)) {
    next = { ...next, entryComplete: true };
    const t = tpActions(next, fill.price, ctx);
    next = t.position;
    actions.push(...t.actions);
  }
  return { position: next, actions };
}

function onTpFill(p: ManagedPosition, level: TpLevel, fill: Fill, ctx: FsmContext): Transition {
  let next = applyExit(p, fill, ctx);
  const hit = [...next.tpHit];
  hit[level - 1] = true;
  const orderQtys = [...next.tpOrderQtys];
  const ids = [...next.tpOrderIds];
  const left = orderQtys[level - 1].minus(fill.qty);
  if (left.lte(0)) {
    orderQtys[level - 1] = ZERO;
    ids[level - 1] = null;
  } else {
    orderQtys[level - 1] = left;
  }
  next = { ...next, tpHit: hit, tpOrderQtys: orderQtys, tpOrderIds: ids };
  if (next.remainingQty.lte(0)) {
    const done = closed(next, 'TAKE_PROFIT', ctx.now);
    return { position: done, actions: cancelAll(next, 'all') };
  }
  next = { ...next, lastPartialCloseAt: ctx.now };
  if (level === 1 && next.state === 'OPEN') next = { ...next, state: 'TP1_FILLED' };
  if (level === 2 && (next.state === 'OPEN' || next.state === 'TP1_FILLED'))
    next = { ...next, state: 'TP2_FILLED' };

  if (level === 1 && ctx.config.break_even_after_tp1 && !next.breakEvenTriggered && next.avgEntryPrice) {
    const be = stopPriceToTick(next.side, next.avgEntryPrice, ctx);
    const better = next.side === 'long' ? be.gt(next.stopPrice) : be.lt(next.stopPrice);
    next = { ...next, breakEvenTriggered: true, stopPrice: better ? be : next.stopPrice };
    ctx.logger.info(
      { symbol: p.symbol, position_id: p.id, stop: next.stopPrice.toString() },
      'Stop moved to break-even after TP1',
    );
  }
  if (level === 1 && !next.trailingActive && atrQualifies(next.atr, fill.price, ctx)) {
    next = { ...next, trailingActive: true, bestPrice: fill.price };
  }
  // The stop always covers exactly what is open.
  const s = stopAction(next);
  return { position: s.position, actions: [s.action] };
}

function onStopFill(
  p: ManagedPosition,
  fill: Fill,
  ctx: FsmContext,
  reasonOverride?: ExitReason,
): Transition {
  const next = applyExit(p, fill, ctx);
  if (next.remainingQty.gt(0)) return { position: next, actions: [] };
  const reason: ExitReason =
    reasonOverride ??
    (p.trailingActive ? 'TRAILING_STOP' : p.breakEvenTriggered ? 'BREAK_EVEN_STOP' : 'STOP_LOSS');
  // A stop fill consumed the stop order; a manual close leaves it live, so it is cancelled too.
  const actions = cancelAll(next, reasonOverride ? 'all' : 'tps');
  return { position: { ...closed(next, reason, ctx.now), stopOrderId: null }, actions };
}

/** Relative margin of the float pre-check below: far above the few ulps the floats are off by. */
const TRAIL_NEAR = 1e-9;

/**
 * Whether the trailing stop at `distance` from `best` is certainly not tighter than `stop`, decided in
 * floats (most bars): a long's candidate is rounded down from best − distance, a short's up from
 * best + distance, so once that unrounded price is clearly on the loose side of the stop, the exact
 * candidate is too.
 */
function cannotTighten(long: boolean, best: Decimal, distance: number, stop: Decimal): boolean {
  const b = toNumberExact(best);
  const s = toNumberExact(stop);
  const tol = TRAIL_NEAR * (Math.abs(b) + Math.abs(distance) + Math.abs(s));
  return long ? b - distance <= s - tol : b + distance >= s + tol;
}

function onMark(
  p: ManagedPosition,
  price: Decimal,
  atr: number | null | undefined,
  ctx: FsmContext,
): Transition {
  if (p.remainingQty.lte(0) || p.state === 'PENDING') return { position: p, actions: [] };
  let next = p;
  if (!next.trailingActive && next.breakEvenTriggered && atrQualifies(atr, price, ctx)) {
    next = { ...next, trailingActive: true, bestPrice: price };
  }
  if (!next.trailingActive || atr == null || !Number.isFinite(atr) || atr <= 0) {
    return { position: next, actions: [] };
  }
  const long = next.side === 'long';
  const best =
    next.bestPrice === null ? price : long ? dmax(next.bestPrice, price) : dmin(next.bestPrice, price);
  // Most marks leave the best price where it was (dmax/dmin return it): the position stays the same object.
  if (best !== next.bestPrice) next = { ...next, bestPrice: best };
  if (cannotTighten(long, best, atr * ctx.config.trailing_atr_multiple, next.stopPrice)) {
    return { position: next, actions: [] };
  }
  const distance = dec(atr).mul(ctx.config.trailing_atr_multiple);
  const candidate = stopPriceToTick(next.side, long ? best.minus(distance) : best.plus(distance), ctx);
  const tighter = long ? candidate.gt(next.stopPrice) : candidate.lt(next.stopPrice);
  // Never trail through the market: a stop at or beyond the price would fire at once.
  const sane = long ? candidate.lt(price) : candidate.gt(price);
  if (!tighter || !sane) return { position: next, actions: [] };
  next = { ...next, stopPrice: candidate, updatedAt: ctx.now };
  const s = stopAction(next);
  return { position: s.position, actions: [s.action] };
}

/**
 * Takes a quantity found on the exchange as the entry fill of a PENDING position (PENDING_ADOPTED, seed
 * Bug 6): the stop is placed, the entry counts as complete, TPs are planned against the current mark, and
 * later real fills of the entry order are not counted again.
 */
export function adoptExchangeFill(
  p: ManagedPosition,
  fill: Fill,
  markPrice: Decimal,
  ctx: FsmContext,
): Transition {
  // entryComplete first, so the fill itself plans no TPs at the entry price
  const t = onEntryFill({ ...p, entryComplete: true }, fill, ctx);
  const adopted: ManagedPosition = { ...t.position, adoptedFromExchange: true };
  const tp = tpActions(adopted, markPrice, ctx);
  return { position: tp.position, actions: [...t.actions, ...tp.actions] };
}

/** Applies one event; unknown or late events for a finished position change nothing. */
export function transition(p: ManagedPosition, e: PositionEvent, ctx: FsmContext): Transition {
  if (!isActive(p) && e.type !== 'ORDER_GONE' && e.type !== 'FUNDING') {
    ctx.logger.debug(
      { symbol: p.symbol, position_id: p.id, state: p.state, event: e.type },
      'Event for a finished position ignored',
    );
    return { position: p, actions: [] };
  }
  switch (e.type) {
    case 'ENTRY_FILL':
      return onEntryFill(p, e.fill, ctx);
    case 'ENTRY_ENDED': {
      if (p.filledQty.isZero()) {
        return {
          position: {
            ...p,
            state: 'CANCELLED',
            exitReason: 'ENTRY_CANCELLED',
            closedAt: ctx.now,
            updatedAt: ctx.now,
          },
          actions: [],
        };
      }
      if (p.entryComplete) return { position: p, actions: [] };
      const t = tpActions({ ...p, entryComplete: true }, p.avgEntryPrice ?? p.stopPrice, ctx);
      return { position: t.position, actions: t.actions };
    }
    case 'TP_FILL':
      return onTpFill(p, e.level, e.fill, ctx);
    case 'STOP_FILL':
      return onStopFill(p, e.fill, ctx);
    case 'CLOSE_FILL':
      return onStopFill(p, e.fill, ctx, e.reason ?? 'MANUAL');
    case 'ORDER_PLACED': {
      if (e.role === 'stop')
        return { position: { ...p, stopOrderId: e.orderId, updatedAt: ctx.now }, actions: [] };
      if (e.role === 'entry')
        return { position: { ...p, entryOrderId: e.orderId, updatedAt: ctx.now }, actions: [] };
      if (e.role === 'tp' && e.level !== undefined) {
        const ids = [...p.tpOrderIds];
        const qtys = [...p.tpOrderQtys];
        ids[e.level - 1] = e.orderId;
        qtys[e.level - 1] = e.qty ?? ZERO;
        return { position: { ...p, tpOrderIds: ids, tpOrderQtys: qtys, updatedAt: ctx.now }, actions: [] };
      }
      return { position: p, actions: [] };
    }
    case 'ORDER_GONE': {
      if (p.stopOrderId === e.orderId) {
        if (isActive(p) && p.remainingQty.gt(0)) {
          ctx.logger.warn(
            { symbol: p.symbol, position_id: p.id, order_id: e.orderId },
            'Stop order gone; protection backfill will replace it',
          );
        }
        return { position: { ...p, stopOrderId: null, updatedAt: ctx.now }, actions: [] };
      }
      const i = p.tpOrderIds.indexOf(e.orderId);
      if (i >= 0) {
        const ids = [...p.tpOrderIds];
        const qtys = [...p.tpOrderQtys];
        ids[i] = null;
        qtys[i] = ZERO;
        return { position: { ...p, tpOrderIds: ids, tpOrderQtys: qtys, updatedAt: ctx.now }, actions: [] };
      }
      if (p.entryOrderId === e.orderId) return { position: { ...p, entryOrderId: null }, actions: [] };
      return { position: p, actions: [] };
    }
    case 'MARK':
      return onMark(p, e.price, e.atr ?? p.atr, ctx);
    case 'FUNDING':
      return { position: { ...p, funding: p.funding.plus(e.amount), updatedAt: ctx.now }, actions: [] };
    case 'EXTERNAL_CLOSE': {
      const exitPrice = e.price;
      let next = p;
      if (exitPrice && p.avgEntryPrice && p.remainingQty.gt(0)) {
        next = {
          ...p,
          realizedPnl: p.realizedPnl.plus(pnlOf(p.side, p.avgEntryPrice, exitPrice, p.remainingQty)),
          exitQty: p.exitQty.plus(p.remainingQty),
          exitNotional: p.exitNotional.plus(p.remainingQty.mul(exitPrice)),
        };
      }
      return { position: closed(next, e.reason, ctx.now), actions: cancelAll(p, 'all') };
    }
  }
}

/** A reduce-only market close of what is open (operator request, end of a backtest). */
export function closePositionAction(
  p: ManagedPosition,
  reason: ExitReason,
): { position: ManagedPosition; action: PositionAction } {
  const seq = p.orderSeq + 1;
  return {
    position: { ...p, orderSeq: seq },
    action: {
      type: 'CLOSE_POSITION',
      positionId: p.id,
      symbol: p.symbol,
      side: closingSide(p.side),
      qty: p.remainingQty,
      clientId: closeClientId(p.id, seq),
      reason,
    },
  };
}
