import { DenseRows } from '../shared/dense.ts';
import type { SwingDetector } from '../swings/swings.ts';
import type { Bars, ReferenceTable } from '../types.ts';

/**
 * Retracements as the reference package defines them (`retracements(swings)`): after a swing high the
 * direction is 1 and each bar's retracement is how far its low fell back into the last low→high leg,
 * `100 - (low - bottom) / (top - bottom) * 100` rounded to 0.1 (half to even, as numpy rounds); after a swing
 * low the direction is -1 and the mirror formula uses the bar's high. `DeepestRetracement%` is the running
 * maximum since the direction began. The reference shifts all three columns one row down (row r shows bar
 * r-1's values) and blanks (zeros) the rows up to one past the third direction change.
 *
 * Causality: a row depends on the final swing list up to the bar before it, so it is published once the
 * swings up to that bar are settled (swingLength bars later at the earliest, and not before the swing run
 * containing it has ended). Warm-up rows (up to one past the second direction change between consecutive
 * rows) are published as zeros. The reference also counts a "change" between the last row of the whole
 * series and the first (its shift wraps around), which decides whether it blanks up to the second or the
 * third change: only `renderRetracements` (batch) can apply that, by blanking more rows.
 */
export class RetracementTracker {
  /** Published rows: columns Direction, CurrentRetracement%, DeepestRetracement%; plus `knownAt` per row. */
  readonly rows: DenseRows;
  /** Direction before the one-row shift, per bar (for the batch rendering's wrap-around rule). */
  rawDirection: Int8Array;
  readonly warmup: number;
  processed = 0;
  /** Reference bars processed (bar i fills row i+1). */
  private step = 0;
  private dirPrev = 0;
  private deepPrev = 0;
  private top = 0;
  private bottom = 0;
  private changes = 0;
  private warm = false;
  /** Known swings in bar order (a revocation pops the last); `next` is the first one not yet replayed. */
  private readonly swAnchor: number[] = [];
  private readonly swDir: number[] = [];
  private readonly swLevel: number[] = [];
  private next = 0;
  private cursor = 0;
  private started = false;
  private finished = false;

  constructor(
    readonly bars: Bars,
    readonly swings: SwingDetector,
  ) {
    this.rows = new DenseRows(3, bars.length);
    this.rawDirection = new Int8Array(Math.max(16, bars.length));
    this.warmup = swings.warmup;
  }

  update(t: number): void {
    // Swing events carry knownAt, so advancing the swings first and consuming them bar by bar is exact.
    this.swings.update(t);
    const L = this.swings.swingLength;
    for (let b = this.processed; b <= t; b++) {
      this.processed = b + 1;
      this.consumeSwings(b);
      if (!this.started) continue;
      // Only the latest swing can still be revoked, so swings before `frontier` are final; bar i needs every
      // swing at or before i.
      const frontier = Math.min(b - L + 1, this.swAnchor[this.swAnchor.length - 1]);
      this.replay(frontier - 1, b);
    }
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.swings.finish();
    this.consumeSwings(Number.POSITIVE_INFINITY);
    const last = this.processed - 1;
    if (this.started) this.replay(last, last);
  }

  private consumeSwings(b: number): void {
    const c = this.swings.columns;
    while (this.cursor < c.count && c.knownAt[this.cursor] <= b) {
      const k = this.cursor++;
      this.started = true;
      if (c.revoked[k] === 0) {
        this.swAnchor.push(c.anchor[k]);
        this.swDir.push(c.dir[k] === 1 ? 1 : -1);
        this.swLevel.push(c.level[k]);
      } else {
        this.swAnchor.pop();
        this.swDir.pop();
        this.swLevel.pop();
      }
    }
  }

  private replay(lastStep: number, b: number): void {
    const { high, low } = this.bars;
    if (this.rows.rows === 0) this.rows.push(b, 0, 0, 0);
    for (let i = this.step; i <= lastStep; i++) {
      this.step = i + 1;
      let dir = this.dirPrev;
      if (this.next < this.swAnchor.length && this.swAnchor[this.next] === i) {
        const k = this.next++;
        dir = this.swDir[k];
        if (dir === 1) this.top = this.swLevel[k];
        else this.bottom = this.swLevel[k];
      }
      let cur = 0;
      let deep = 0;
      if (this.dirPrev === 1) {
        cur = round1(100 - ((low[i] - this.bottom) / (this.top - this.bottom)) * 100);
        deep = pyMax(i > 0 ? this.deepPrev : 0, cur);
      }
      if (dir === -1) {
        cur = round1(100 - ((high[i] - this.top) / (this.bottom - this.top)) * 100);
        deep = pyMax(i > 0 && this.dirPrev === -1 ? this.deepPrev : 0, cur);
      }
      const changed = i >= 1 && dir !== this.dirPrev;
      if (changed) this.changes++;
      if (i >= this.rawDirection.length) {
        const g = new Int8Array(this.rawDirection.length * 2);
        g.set(this.rawDirection);
        this.rawDirection = g;
      }
      this.rawDirection[i] = dir;
      this.dirPrev = dir;
      this.deepPrev = deep;
      // The last bar's values wrap to row 0 in the reference, which blanks that row anyway.
      if (i + 1 >= this.bars.length) continue;
      if (this.warm) this.rows.push(b, dir, cur, deep);
      else this.rows.push(b, 0, 0, 0);
      // Warm-up ends one row past the second direction change.
      if (changed && this.changes === 2) this.warm = true;
    }
  }
}

/** numpy's round(x, 1): half to even on x*10. */
function round1(x: number): number {
  const y = x * 10;
  const f = Math.floor(y);
  const d = y - f;
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return Number.isFinite(y) ? r / 10 : y;
}

/** Python's max(a, b): b only when b > a (so NaN never wins as the second argument). */
function pyMax(a: number, b: number): number {
  // biome-ignore lint/complexity/useMathMinMax: Math.max propagates NaN; Python's max keeps `a`.
  return b > a ? b : a;
}

/**
 * Reference layout `Direction, CurrentRetracement%, DeepestRetracement%` over `n` bars, applying the
 * reference's warm-up blanking including its wrap-around comparison of the last bar with the first.
 */
export function renderRetracements(tracker: RetracementTracker, n: number): ReferenceTable {
  const src = tracker.rows;
  const cols = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  for (let c = 0; c < 3; c++) cols[c].set(src.columns[c].subarray(0, Math.min(n, src.rows)));
  const raw = tracker.rawDirection;
  // Reference: compare row i with row i+1 of the shifted direction (row 0 holds the LAST bar's direction),
  // blank row i, and after the third change blank one more row and stop.
  let count = 0;
  for (let i = 0; i + 1 < n; i++) {
    const a = i === 0 ? raw[n - 1] : raw[i - 1];
    const b = raw[i];
    if (a !== b) count++;
    cols[0][i] = cols[1][i] = cols[2][i] = 0;
    if (count === 3) {
      cols[0][i + 1] = cols[1][i + 1] = cols[2][i + 1] = 0;
      break;
    }
  }
  return {
    header: ['Direction', 'CurrentRetracement%', 'DeepestRetracement%'],
    columns: cols,
    formats: ['int', 'float', 'float'],
  };
}

/** Runs swings and retracements over every bar and renders the table. */
export function retracements(
  bars: Bars,
  swings: SwingDetector,
): { tracker: RetracementTracker; table: ReferenceTable } {
  const tracker = new RetracementTracker(bars, swings);
  if (bars.length > 0) tracker.update(bars.length - 1);
  tracker.finish();
  return { tracker, table: renderRetracements(tracker, bars.length) };
}
