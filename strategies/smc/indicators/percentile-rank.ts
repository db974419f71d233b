/**
 * Rolling percentile rank: the fraction of the last `window` values (the new one included) that are
 * ≤ the new value, in (0, 1]. NaN inputs are skipped (they neither enter the window nor get a rank) so
 * an indicator's warm-up does not poison the window. No allocation per value.
 *
 * The window is also kept sorted, so a rank is one binary search and a value enters and leaves with one
 * block move each, instead of comparing against the whole window (the same counts: values equal under
 * `<=` are interchangeable in a sorted window).
 */
export class RollingPercentileRank {
  readonly window: number;
  /** The window in arrival order (the oldest value at `next` once full). */
  private readonly ring: Float64Array;
  /** The same values, ascending, in sorted[0 .. filled). */
  private readonly sorted: Float64Array;
  private filled = 0;
  private next = 0;

  constructor(window: number) {
    if (!Number.isInteger(window) || window < 2) {
      throw new Error(`percentile window ${window} is invalid: use an integer ≥ 2`);
    }
    this.window = window;
    this.ring = new Float64Array(window);
    this.sorted = new Float64Array(window);
  }

  /** Adds a value; returns its rank among the window, or NaN for NaN input or a window not yet full. */
  push(x: number): number {
    if (Number.isNaN(x)) return Number.NaN;
    const sorted = this.sorted;
    let n = this.filled;
    let at: number;
    if (n === this.window) {
      // The oldest value leaves and x enters: one block move between the leaving slot and x's slot (the
      // same window as removing one copy of the old value, then inserting x after every value ≤ x).
      const k = lowerBound(sorted, n, this.ring[this.next]);
      at = upperBound(sorted, n, x);
      if (at > k) {
        // x goes after the gap: shift (k, at) down by one; x lands at at - 1
        at--;
        sorted.copyWithin(k, k + 1, at + 1);
      } else {
        sorted.copyWithin(at + 1, at, k);
      }
      n--;
    } else {
      at = upperBound(sorted, n, x);
      for (let q = n; q > at; q--) sorted[q] = sorted[q - 1];
    }
    sorted[at] = x;
    n++;
    this.filled = n;
    this.ring[this.next] = x;
    this.next = this.next + 1 === this.window ? 0 : this.next + 1;
    if (n < this.window) return Number.NaN;
    // values ≤ x: every index up to x's own slot, plus equal values placed after it (none: inserted last)
    return (at + 1) / this.window;
  }
}

/** First index in a[0 .. n) whose value is not < v (halving by selects rather than if/else). */
function lowerBound(a: Float64Array, n: number, v: number): number {
  let lo = 0;
  let len = n;
  while (len > 0) {
    const half = len >>> 1;
    const less = a[lo + half] < v;
    lo = less ? lo + half + 1 : lo;
    len = less ? len - half - 1 : half;
  }
  return lo;
}

/** First index in a[0 .. n) whose value is > v. */
function upperBound(a: Float64Array, n: number, v: number): number {
  let lo = 0;
  let len = n;
  while (len > 0) {
    const half = len >>> 1;
    const le = a[lo + half] <= v;
    lo = le ? lo + half + 1 : lo;
    len = le ? len - half - 1 : half;
  }
  return lo;
}
