/**
 * Rolling percentile rank: the fraction of the last `window` values (the new one included) that are
 * ≤ the new value, in (0, 1]. NaN inputs are skipped (they neither enter the window nor get a rank) so
 * an indicator's warm-up does not poison the window. O(window) per value, no allocation.
 */
export class RollingPercentileRank {
  readonly window: number;
  private readonly ring: Float64Array;
  private filled = 0;
  private next = 0;

  constructor(window: number) {
    if (!Number.isInteger(window) || window < 2) {
      throw new Error(`percentile window ${window} is invalid: use an integer ≥ 2`);
    }
    this.window = window;
    this.ring = new Float64Array(window);
  }

  /** Adds a value; returns its rank among the window, or NaN for NaN input or a window not yet full. */
  push(x: number): number {
    if (Number.isNaN(x)) return Number.NaN;
    this.ring[this.next] = x;
    this.next = (this.next + 1) % this.window;
    if (this.filled < this.window) this.filled++;
    if (this.filled < this.window) return Number.NaN;
    let le = 0;
    for (let k = 0; k < this.window; k++) if (this.ring[k] <= x) le++;
    return le / this.window;
  }
}
