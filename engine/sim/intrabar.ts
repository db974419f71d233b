/**
 * The intrabar rule: how the simulator walks a bar it only knows by its OHLC.
 *
 * 1. **Open first.** Everything that can execute at the open does, as if the price had gapped there:
 *    market orders submitted before the bar, marketable limits, stops and take-profits whose trigger lies
 *    beyond the open (filled at the open, not at the trigger). Then liquidation is checked at the open.
 * 2. **Adverse extreme next.** The path is then open → first extreme → second extreme → close, chosen
 *    *after* the open was processed: with a long position the low comes first, with a short the high;
 *    when flat, a bar with close ≥ open goes open → low → high → close, otherwise open → high → low → close.
 *    So when a position's stop and take-profit both lie inside one bar, the stop is hit first — the
 *    conservative assumption — and liquidation is met before any favourable move. Feed finer bars (e.g.
 *    1m bars to the broker while the strategy reads 15m) to let a finer timeframe decide instead.
 * 3. **Along each leg,** orders fire in the order the price meets them (nearest first; equal prices by
 *    submission sequence; a liquidation at the same price as an order comes after it). Triggered orders
 *    fill at their trigger price, resting limits at their limit price (maker).
 * 4. **Timestamps.** Fills at the open carry the bar open time; fills on the three legs carry the open
 *    time plus ¼, ½ and ¾ of the bar, so every fill of a bar precedes its close (and its candle_closed).
 *
 * Orders are eligible only for price events processed *after* their submission, so an order placed on a
 * bar's close can never fill inside that bar (no lookahead); a market order fills at the next bar's open.
 */

/** True when the walk visits the low before the high. `positionSign` is the position after the open. */
export function lowFirst(open: number, close: number, positionSign: number): boolean {
  if (positionSign > 0) return true;
  if (positionSign < 0) return false;
  return close >= open;
}

/** Synthetic time of leg `k` (1..3) of a bar opening at `ts` and closing at `closeTs`. */
export function legTime(ts: number, closeTs: number, k: 1 | 2 | 3): number {
  return ts + Math.floor(((closeTs - ts) * k) / 4);
}
