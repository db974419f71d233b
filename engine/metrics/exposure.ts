import type { TradeRecord } from './trade-record.ts';

/**
 * Fraction of the span [fromTs, toTs] during which at least one position was held: the measure of the
 * union of the trades' [entryTs, exitTs] intervals, clipped to the span. Overlapping positions on several
 * symbols count once (this is time in the market, not leverage).
 */
export function exposure(
  trades: readonly Pick<TradeRecord, 'entryTs' | 'exitTs'>[],
  fromTs: number,
  toTs: number,
): number {
  const span = toTs - fromTs;
  if (!(span > 0) || trades.length === 0) return 0;
  const intervals = trades
    .map((t) => [Math.max(fromTs, t.entryTs), Math.min(toTs, t.exitTs)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let covered = 0;
  let curStart = Number.NaN;
  let curEnd = Number.NaN;
  for (const [a, b] of intervals) {
    if (Number.isNaN(curStart) || a > curEnd) {
      if (!Number.isNaN(curStart)) covered += curEnd - curStart;
      curStart = a;
      curEnd = b;
    } else if (b > curEnd) {
      curEnd = b;
    }
  }
  if (!Number.isNaN(curStart)) covered += curEnd - curStart;
  return covered / span;
}
