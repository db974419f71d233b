import type { Decimal } from 'decimal.js';
import type { Instrument, PositionSide, Symbol as SymbolId } from '../broker.ts';
import type { Logger } from '../log.ts';
import { dmin, quantizeDown, roundToTick, ZERO } from '../risk/quantize.ts';
import type { TpLevel } from './types.ts';

/**
 * The take-profit plan (seed §3 Bug 5, §7 "TP/SL Lifecycle"): which TP orders to place now and how big.
 *
 * Each level is judged on its own. A level whose price is already passed, or closer to the current price
 * than `minDistancePct`, is skipped with a warning and the others are still placed; the plan is null only
 * when levels were asked for and none is valid. (The seed rejected the whole plan when TP1 was too close,
 * so a fast move past TP1 left the position with no TP at all.)
 *
 * Sizes: TP1 = min(tp1 target, available), TP2 = min(tp2 target, available), TP3 = what is left, where
 * available = remaining − quantity already held by live TP orders; all ROUND_DOWN to the step.
 */

export interface TpPlanInput {
  readonly symbol: SymbolId;
  readonly side: PositionSide;
  /** TP1..TP3 prices (null = none). */
  readonly takeProfits: readonly (Decimal | null)[];
  /** Levels to plan (those not hit and without a live order), any order. */
  readonly levels: readonly TpLevel[];
  readonly currentPrice: Decimal;
  readonly remainingQty: Decimal;
  /** Quantity already covered by live TP orders of other levels. */
  readonly reservedQty: Decimal;
  readonly tp1QtyTarget: Decimal | null;
  readonly tp2QtyTarget: Decimal | null;
  readonly instrument: Instrument;
  readonly minDistancePct: number;
}

export interface TpPlanEntry {
  readonly level: TpLevel;
  readonly price: Decimal;
  readonly qty: Decimal;
}

/** True when `price` is a take-profit still ahead of `current` by at least `minDistancePct`. */
export function isTpValid(
  side: PositionSide,
  price: Decimal,
  current: Decimal,
  minDistancePct: number,
): boolean {
  if (!price.isFinite() || price.lte(0)) return false;
  const distance = side === 'long' ? price.minus(current) : current.minus(price);
  return distance.gt(current.mul(minDistancePct));
}

export function computeTpPlan(input: TpPlanInput, logger: Logger): TpPlanEntry[] | null {
  const { side, instrument } = input;
  const step = instrument.qtyStep;
  let available = input.remainingQty.minus(input.reservedQty);
  const out: TpPlanEntry[] = [];
  const levels = [...new Set(input.levels)].sort((a, b) => a - b);
  if (levels.length === 0) return [];

  for (const level of levels) {
    const raw = input.takeProfits[level - 1] ?? null;
    if (raw === null) continue;
    // A long's TP rounds down and a short's up: towards the entry, so it is reached no later.
    const price = roundToTick(raw, instrument.tickSize, side === 'long' ? 'down' : 'up');
    if (!isTpValid(side, price, input.currentPrice, input.minDistancePct)) {
      // Bug 5 fix: skip this level only; the remaining levels are still planned.
      logger.warn(
        { symbol: input.symbol, level, tp: price.toString(), current: input.currentPrice.toString() },
        `TP${level} skipped: already passed or too close to the current price`,
      );
      continue;
    }
    if (available.lte(0)) break;
    const target = level === 1 ? input.tp1QtyTarget : level === 2 ? input.tp2QtyTarget : null;
    const qty = quantizeDown(target === null ? available : dmin(target, available), step);
    if (qty.lte(ZERO) || qty.lt(instrument.minQty)) {
      logger.debug(
        { symbol: input.symbol, level, qty: qty.toString() },
        `TP${level} skipped: quantity below minimum`,
      );
      continue;
    }
    out.push({ level, price, qty });
    available = available.minus(qty);
  }

  if (out.length === 0) {
    logger.warn({ symbol: input.symbol, levels }, 'TP plan: no valid take-profit level');
    return null;
  }
  return out;
}
