import type { Decimal } from 'decimal.js';
import type { Logger } from '../log.ts';
import type { RiskConfig } from './config.ts';
import { decConst, own, ZERO } from './quantize.ts';
import type { CapApplied, ExposurePosition, PendingExposure, RiskRejectReason } from './types.ts';

/**
 * The position caps (seed §3 Bug 2, "Margin caps", §3b Feature 3, §4): a requested notional is clamped by
 * each cap in turn; a cap with no headroom left rejects. Every sizing path goes through here — the
 * risk-based size and the auction's notional override alike (Bug 2 was an override path that skipped the
 * single-position cap).
 *
 * Order: single notional (25 % equity) → single margin (25 % equity at the leverage) → aggregate notional
 * (200 % equity, existing exposure at the current mark price) → aggregate margin (200 % equity) → the
 * auction's margin-utilisation budget (90 %).
 */

export interface CapInput {
  readonly symbol: string;
  readonly requestedNotional: Decimal;
  readonly equity: Decimal;
  /** Account margin in use now. */
  readonly marginUsed: Decimal;
  readonly positions: readonly ExposurePosition[];
  readonly pending: readonly PendingExposure[];
}

export type CapResult =
  | { readonly ok: true; readonly notional: Decimal; readonly caps: readonly CapApplied[] }
  | { readonly ok: false; readonly reason: RiskRejectReason; readonly detail: string };

/**
 * Notional of the positions on the exchange, valued at their current mark price (seed Bug 9: the field
 * is `currentMarkPrice`; the entry price would understate a position that moved up).
 */
export function existingNotional(positions: readonly ExposurePosition[]): Decimal {
  let sum = ZERO;
  for (const p of positions) sum = sum.plus(p.qty.abs().mul(p.currentMarkPrice));
  return sum;
}

function pendingSum(pending: readonly PendingExposure[], pick: (p: PendingExposure) => Decimal): Decimal {
  let sum = ZERO;
  for (const p of pending) sum = sum.plus(pick(p));
  return sum;
}

export function applyCaps(input: CapInput, cfg: RiskConfig, logger: Logger): CapResult {
  const { equity, symbol } = input;
  const lev = decConst(cfg.leverage);
  const caps: CapApplied[] = [];
  let notional = own(input.requestedNotional);

  // Bug 2 fix: the single-position cap applies whatever sized the trade, the auction override included.
  const singleNotionalLimit = equity.mul(decConst(cfg.max_single_position_pct_equity));
  if (notional.gt(singleNotionalLimit)) {
    logger.info(
      { symbol, requested: notional.toString(), cap: singleNotionalLimit.toString() },
      'Capping position notional by single position limit',
    );
  }
  notional = clamp(caps, 'single_notional', notional, singleNotionalLimit);

  const singleMarginLimit = equity.mul(decConst(cfg.max_single_position_margin_pct_equity)).mul(lev);
  if (singleMarginLimit.lte(0))
    return { ok: false, reason: 'SINGLE_MARGIN_CAP', detail: 'no margin allowed' };
  notional = clamp(caps, 'single_margin', notional, singleMarginLimit);

  const pendingNotional = pendingSum(input.pending, (p) => p.notional);
  const exposure = existingNotional(input.positions).plus(pendingNotional);
  const aggregateNotionalHeadroom = equity
    .mul(decConst(cfg.max_aggregate_notional_pct_equity))
    .minus(exposure);
  if (aggregateNotionalHeadroom.lte(0)) {
    return {
      ok: false,
      reason: 'AGGREGATE_NOTIONAL_CAP',
      detail: `existing notional ${exposure.toFixed(2)} already at ${cfg.max_aggregate_notional_pct_equity * 100}% of equity ${equity.toFixed(2)}`,
    };
  }
  if (notional.gt(aggregateNotionalHeadroom)) {
    logger.info(
      {
        symbol,
        requested: notional.toString(),
        headroom: aggregateNotionalHeadroom.toString(),
        existing_notional: exposure.toString(),
      },
      'Capping position notional by aggregate exposure limit',
    );
  }
  notional = clamp(caps, 'aggregate_notional', notional, aggregateNotionalHeadroom);

  const marginInUse = own(input.marginUsed).plus(pendingSum(input.pending, (p) => p.margin));
  const aggregateMarginHeadroom = equity
    .mul(decConst(cfg.max_aggregate_margin_pct_equity))
    .minus(marginInUse);
  if (aggregateMarginHeadroom.lte(0)) {
    return {
      ok: false,
      reason: 'AGGREGATE_MARGIN_CAP',
      detail: `margin in use ${marginInUse.toFixed(2)} already at ${cfg.max_aggregate_margin_pct_equity * 100}% of equity`,
    };
  }
  notional = clamp(caps, 'aggregate_margin', notional, aggregateMarginHeadroom.mul(lev));

  const budgetHeadroom = equity.mul(decConst(cfg.auction_max_margin_util)).minus(marginInUse);
  if (budgetHeadroom.lte(0)) {
    return {
      ok: false,
      reason: 'MARGIN_BUDGET',
      detail: `margin utilisation ${marginInUse.div(equity).toFixed(4)} already at the budget ${cfg.auction_max_margin_util}`,
    };
  }
  notional = clamp(caps, 'margin_budget', notional, budgetHeadroom.mul(lev));

  return { ok: true, notional, caps };
}

/**
 * `limit` when `notional` exceeds it (recording the cap), else `notional`. A module function rather than a
 * closure per call: applyCaps runs twice per candidate, and a closure also costs its name definition there.
 */
function clamp(caps: CapApplied[], cap: CapApplied['cap'], notional: Decimal, limit: Decimal): Decimal {
  if (!notional.gt(limit)) return notional;
  caps.push({ cap, from: notional, to: limit });
  return limit;
}
