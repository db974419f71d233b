/**
 * Margin arithmetic of the simulated venue (cross margin over one USD wallet, as Kraken's multi-collateral
 * account):
 *
 * - equity = balance + Σ qty × (mark − entry)
 * - initial margin of a position = |qty| × mark / leverage; available margin = equity − Σ initial margin
 * - maintenance margin = Σ |qty| × mark × maintenanceMarginRate
 * - **Liquidation rule:** a position is liquidated at the first mark price at which equity would fall
 *   below the maintenance margin, holding the other positions at their last marks. It is closed at that
 *   boundary price (or at the gap price when a price event jumps past it) as a taker, paying the taker fee
 *   plus `liquidationFeeRate`; its symbol's open orders are cancelled. Other positions are liquidated by
 *   their own price events if equity is still short.
 *
 * These are float functions for the per-bar hot path and pre-trade checks; the ledger itself is exact.
 */

/**
 * Mark price of `symbol`'s position at which equity equals maintenance margin, NaN when none exists.
 * `qty` signed (long > 0), `entry` its average entry; `restEquity` = balance + unrealised P&L of the other
 * positions; `restMaintenance` = their maintenance margin. A long is liquidated at marks ≤ the result, a
 * short at marks ≥ it.
 */
export function liquidationPrice(
  qty: number,
  entry: number,
  mmr: number,
  restEquity: number,
  restMaintenance: number,
): number {
  if (qty > 0) {
    // restEquity + q(p − e) = restMaintenance + q·p·mmr
    const p = (restMaintenance - restEquity + qty * entry) / (qty * (1 - mmr));
    return p > 0 ? p : Number.NaN;
  }
  if (qty < 0) {
    const a = -qty;
    const p = (restEquity - restMaintenance + a * entry) / (a * (1 + mmr));
    return p > 0 ? p : Number.NaN;
  }
  return Number.NaN;
}

/** Whether a mark breaches the liquidation price for a position of sign `qty`. */
export function breaches(qty: number, mark: number, liqPrice: number): boolean {
  if (Number.isNaN(liqPrice)) return false;
  return qty > 0 ? mark <= liqPrice : qty < 0 ? mark >= liqPrice : false;
}
