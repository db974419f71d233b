import { BucketTable } from '../shared/bucket-table.ts';
import { grown } from '../shared/dense.ts';
import { MinHeap } from '../shared/heap.ts';
import type { SwingDetector } from '../swings/swings.ts';
import {
  type Bars,
  type Dir,
  type EventBase,
  type Incremental,
  nanColumn,
  type ReferenceTable,
} from '../types.ts';

/**
 * Liquidity pools as the reference package defines them (`liquidity(swings, range_percent)`): taking swing
 * highs in order, each one not yet used opens a range `level ± range`; later unused swing highs inside the
 * range, before the first bar whose high reaches the range top (the sweep), join it. A group of two or more
 * is liquidity on the first swing's row: Level = mean of the members' levels (float32), End = the last
 * member, Swept = the sweeping bar (0 if never swept). Swing lows likewise, with the sweep at the bottom.
 *
 * The reference sets `range = (max(high) - min(low)) * range_percent` over the WHOLE series, a value no bar
 * before the end can know. Here the range is an absolute parameter (`range`); the batch function computes
 * the reference's value for conformance, a causal consumer passes its own (e.g. from history it has seen).
 *
 * Causality: members join as their swing becomes known (a member may be confirmed after the sweep if its
 * bar precedes it), so a pool is published (`liquidity`) when its second member is known, re-published as
 * members join, updated with its sweep (`liquidity-swept`), and revised (`liquidity`, or `liquidity-revoked`
 * when fewer than two members remain) when a member swing is revoked by the swing run reduction.
 */
export interface LiquidityEvent extends EventBase {
  readonly type: 'liquidity' | 'liquidity-swept' | 'liquidity-revoked';
  /** 1 pool of swing highs (buy-side), -1 of swing lows (sell-side). */
  readonly dir: Dir;
  /** Mean member level, float32-rounded like the reference. */
  readonly level: number;
  /** Last member's bar. */
  readonly end: number;
  /** Sweeping bar, -1 while unswept. */
  readonly swept: number;
  readonly members: number;
}

export interface LiquidityOptions {
  /** Absolute half-width of a pool's range in price units. */
  readonly range: number;
}

const TYPES = ['liquidity', 'liquidity-swept', 'liquidity-revoked'] as const;

/** Liquidity events as parallel typed columns; `type[k]` indexes 'liquidity', 'liquidity-swept', 'liquidity-revoked'. */
export class LiquidityColumns {
  count = 0;
  type: Uint8Array;
  anchor: Int32Array;
  knownAt: Int32Array;
  dir: Int8Array;
  end: Int32Array;
  swept: Int32Array;
  members: Int32Array;
  level: Float64Array;

  constructor(capacity: number) {
    const c = Math.max(64, capacity);
    this.type = new Uint8Array(c);
    this.anchor = new Int32Array(c);
    this.knownAt = new Int32Array(c);
    this.dir = new Int8Array(c);
    this.end = new Int32Array(c);
    this.swept = new Int32Array(c);
    this.members = new Int32Array(c);
    this.level = new Float64Array(c);
  }

  /** Index of a new event row (the caller fills every column). */
  next(): number {
    if (this.count === this.anchor.length) this.grow();
    return this.count++;
  }

  private grow(): void {
    const c = this.anchor.length * 2;
    this.type = grown(this.type, new Uint8Array(c));
    this.anchor = grown(this.anchor, new Int32Array(c));
    this.knownAt = grown(this.knownAt, new Int32Array(c));
    this.dir = grown(this.dir, new Int8Array(c));
    this.end = grown(this.end, new Int32Array(c));
    this.swept = grown(this.swept, new Int32Array(c));
    this.members = grown(this.members, new Int32Array(c));
    this.level = grown(this.level, new Float64Array(c));
  }
}

/**
 * Open pool heads and their members in typed arrays. A head's members form a stack (`lastMem`, `memPrev`:
 * only the last one can be revoked), each with the running sum of the levels up to it, so the mean is the
 * reference's in-order sum at O(1). Heads sharing a bucket form a list in anchor order (`bucketNext`),
 * reached through an open-addressing table from the bucket key.
 */
class HeadStore {
  count = 0;
  anchor: Int32Array;
  dir: Int8Array;
  alive: Uint8Array;
  swept: Int32Array;
  lo: Float64Array;
  hi: Float64Array;
  lastMem: Int32Array;
  members: Int32Array;
  bucketNext: Int32Array;
  memCount = 0;
  /** Sum of the head's member levels up to and including this member, added in member order. */
  memSum: Float64Array;
  memAnchor: Int32Array;
  memPrev: Int32Array;

  /** Room for `heads` heads and `members` members at first; both grow. */
  constructor(heads: number, members: number) {
    const c = Math.max(64, heads);
    this.anchor = new Int32Array(c);
    this.dir = new Int8Array(c);
    this.alive = new Uint8Array(c);
    this.swept = new Int32Array(c);
    this.lo = new Float64Array(c);
    this.hi = new Float64Array(c);
    this.lastMem = new Int32Array(c);
    this.members = new Int32Array(c);
    this.bucketNext = new Int32Array(c);
    const m = Math.max(64, members);
    this.memSum = new Float64Array(m);
    this.memAnchor = new Int32Array(m);
    this.memPrev = new Int32Array(m);
  }

  addHead(anchor: number, dir: Dir, lo: number, hi: number): number {
    if (this.count === this.anchor.length) {
      const c = this.count * 2;
      this.anchor = grown(this.anchor, new Int32Array(c));
      this.dir = grown(this.dir, new Int8Array(c));
      this.alive = grown(this.alive, new Uint8Array(c));
      this.swept = grown(this.swept, new Int32Array(c));
      this.lo = grown(this.lo, new Float64Array(c));
      this.hi = grown(this.hi, new Float64Array(c));
      this.lastMem = grown(this.lastMem, new Int32Array(c));
      this.members = grown(this.members, new Int32Array(c));
      this.bucketNext = grown(this.bucketNext, new Int32Array(c));
    }
    const h = this.count++;
    this.anchor[h] = anchor;
    this.dir[h] = dir;
    this.alive[h] = 1;
    this.swept[h] = -1;
    this.lo[h] = lo;
    this.hi[h] = hi;
    this.lastMem[h] = -1;
    this.members[h] = 0;
    this.bucketNext[h] = -1;
    return h;
  }

  addMember(h: number, level: number, anchor: number): void {
    if (this.memCount === this.memSum.length) {
      const c = this.memCount * 2;
      this.memSum = grown(this.memSum, new Float64Array(c));
      this.memAnchor = grown(this.memAnchor, new Int32Array(c));
      this.memPrev = grown(this.memPrev, new Int32Array(c));
    }
    const m = this.memCount++;
    const last = this.lastMem[h];
    // The same left-to-right sum the reference's mean makes, kept per prefix so a pop needs no re-sum.
    this.memSum[m] = (last < 0 ? 0 : this.memSum[last]) + level;
    this.memAnchor[m] = anchor;
    this.memPrev[m] = last;
    this.lastMem[h] = m;
    this.members[h]++;
  }

  popMember(h: number): void {
    const last = this.lastMem[h];
    const prev = this.memPrev[last];
    this.lastMem[h] = prev;
    this.members[h]--;
  }
}

export class LiquidityDetector implements Incremental<LiquidityEvent> {
  /** The events as typed columns (the batch rendering reads these). */
  readonly columns: LiquidityColumns;
  readonly warmup: number;
  processed = 0;
  private readonly range: number;
  /** 1 / bucket width (a multiply per swing instead of a divide). */
  private readonly perBucket: number;
  private readonly heads: HeadStore;
  /**
   * Open heads per side, bucketed by `floor(level / (2 range))` so a new swing only looks at the heads
   * whose range can hold it (its bucket and the two neighbours); each bucket keeps anchor order and drops
   * heads nothing can join any more.
   */
  private readonly highBuckets: BucketTable;
  private readonly lowBuckets: BucketTable;
  /** Where the latest swing went (the head it opened or joined): the only swing a revocation can target. */
  private lastAnchor = -1;
  private lastHead = -1;
  /** Unswept high heads by range top; unswept low heads by -(range bottom). */
  private readonly highWatch = new MinHeap();
  private readonly lowWatch = new MinHeap();
  private cursor = 0;
  private finished = false;
  private readonly objects: LiquidityEvent[] = [];

  constructor(
    readonly bars: Bars,
    readonly swings: SwingDetector,
    options: LiquidityOptions,
  ) {
    if (!(options.range >= 0)) throw new RangeError(`liquidity range must be >= 0, got ${options.range}`);
    this.range = options.range;
    // A subnormal range would overflow the reciprocal: one bucket for everything is slow but exact.
    const per = 1 / (2 * this.range);
    this.perBucket = this.range > 0 && Number.isFinite(per) ? per : 0;
    this.warmup = swings.warmup;
    this.highBuckets = new BucketTable(this.range > 0);
    this.lowBuckets = new BucketTable(this.range > 0);
    // Initial room only (allocation is a large part of a whole-series run, so size for the common case
    // and grow past it): on market data about one swing per 8 bars, each one member and about one event,
    // and about one head per 4 swings.
    const swingsHint = Math.ceil(bars.length / 7);
    this.heads = new HeadStore(swingsHint >> 2, swingsHint);
    this.columns = new LiquidityColumns(swingsHint);
  }

  /** Every event so far as objects, built on first access from `columns` (append-only). */
  get events(): readonly LiquidityEvent[] {
    const c = this.columns;
    const out = this.objects;
    for (let k = out.length; k < c.count; k++) {
      out.push({
        type: TYPES[c.type[k]],
        anchor: c.anchor[k],
        knownAt: c.knownAt[k],
        dir: c.dir[k] === 1 ? 1 : -1,
        level: c.level[k],
        end: c.end[k],
        swept: c.swept[k],
        members: c.members[k],
      });
    }
    return out;
  }

  update(t: number): void {
    // Swing events carry knownAt, so advancing the swings first and consuming them bar by bar is exact.
    this.swings.update(t);
    const sc = this.swings.columns;
    const { high, low } = this.bars;
    // The nearest watched levels kept in locals: most bars touch nothing, so the inner loop runs from one
    // bar with a swing to consume to the next comparing each bar with the two nearest levels only.
    let upKey = this.highWatch.topKey();
    let downKey = -this.lowWatch.topKey();
    let b = this.processed;
    while (b <= t) {
      const nextSwing = this.cursor < sc.count ? sc.knownAt[this.cursor] : t + 1;
      const quietEnd = Math.min(t + 1, nextSwing);
      for (; b < quietEnd; b++) {
        if (high[b] >= upKey) {
          this.sweepHighs(b);
          upKey = this.highWatch.topKey();
        }
        if (low[b] <= downKey) {
          this.sweepLows(b);
          downKey = -this.lowWatch.topKey();
        }
      }
      if (b > t) break;
      // Bar b has swings to consume: sweeps first, as on every bar.
      if (high[b] >= upKey) this.sweepHighs(b);
      if (low[b] <= downKey) this.sweepLows(b);
      this.processed = b + 1;
      this.consumeSwings(b);
      upKey = this.highWatch.topKey();
      downKey = -this.lowWatch.topKey();
      b++;
    }
    this.processed = Math.max(this.processed, t + 1);
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.swings.finish();
    this.consumeSwings(Number.POSITIVE_INFINITY);
  }

  private sweepHighs(b: number): void {
    const hi = this.bars.high[b];
    const w = this.highWatch;
    while (w.size > 0 && hi >= w.topKey()) {
      const h = w.topId();
      w.pop();
      this.maybeSwept(h, b);
    }
  }

  private sweepLows(b: number): void {
    const lo = this.bars.low[b];
    const w = this.lowWatch;
    while (w.size > 0 && lo <= -w.topKey()) {
      const h = w.topId();
      w.pop();
      this.maybeSwept(h, b);
    }
  }

  private maybeSwept(h: number, b: number): void {
    const H = this.heads;
    if (H.alive[h] === 0 || H.swept[h] >= 0 || b <= H.anchor[h]) return;
    H.swept[h] = b;
    if (H.members[h] > 1) this.emit(h, 1, b);
  }

  private consumeSwings(b: number): void {
    const c = this.swings.columns;
    while (this.cursor < c.count && c.knownAt[this.cursor] <= b) {
      const k = this.cursor++;
      if (c.revoked[k] === 1) this.revoke(c.anchor[k], c.knownAt[k]);
      else this.add(k);
    }
  }

  private bucketOf(level: number): number {
    // Buckets 2·range wide: a head holding `level` lies within range of it, so in its bucket or a
    // neighbour, with half a bucket to spare for rounding. `+ 0` folds -0 into 0.
    return (this.range > 0 ? Math.floor(level * this.perBucket) : level) + 0;
  }

  /** Adds swing event `k` (a number, not its fields: a float argument would be boxed on every call). */
  private add(k: number): void {
    const sc = this.swings.columns;
    const anchor = sc.anchor[k];
    const knownAt = sc.knownAt[k];
    const dir: Dir = sc.dir[k] === 1 ? 1 : -1;
    const level = sc.level[k];
    const H = this.heads;
    const table = dir === 1 ? this.highBuckets : this.lowBuckets;
    // Nothing confirmed from now on can have its bar before a sweep that is already this old.
    const horizon = knownAt - this.swings.swingLength;
    const key = this.bucketOf(level);
    // The reference gives a swing to the earliest open head whose range holds it.
    let best = -1;
    const span = this.range > 0 ? 1 : 0;
    // The columns are read into locals once: nothing below reallocates them.
    const { swept, alive, bucketNext, lo: los, hi: his, anchor: anchors } = H;
    for (let q = key - span; q <= key + span; q++) {
      const s = table.find(q);
      if (s < 0) continue;
      const { first, last } = table;
      let found = -1;
      let prev = -1;
      for (let h = first[s]; h >= 0; h = bucketNext[h]) {
        const sw = swept[h];
        if (alive[h] === 0 || (sw >= 0 && sw <= horizon)) {
          // Unlink: nothing can join this head any more.
          const next = bucketNext[h];
          if (prev < 0) first[s] = next;
          else bucketNext[prev] = next;
          if (last[s] === h) last[s] = prev;
          continue;
        }
        prev = h;
        if (found >= 0) continue;
        if (sw >= 0 && anchor >= sw) continue;
        if (los[h] <= level && level <= his[h]) found = h;
      }
      if (found >= 0 && (best < 0 || anchors[found] < anchors[best])) best = found;
    }
    if (best >= 0) {
      H.addMember(best, level, anchor);
      this.lastAnchor = anchor;
      this.lastHead = best;
      this.emit(best, 0, knownAt);
      return;
    }
    const lo = level - this.range;
    const hi = level + this.range;
    const h = H.addHead(anchor, dir, lo, hi);
    H.addMember(h, level, anchor);
    const s = table.slot(key);
    if (table.last[s] < 0) table.first[s] = h;
    else H.bucketNext[table.last[s]] = h;
    table.last[s] = h;
    this.lastAnchor = anchor;
    this.lastHead = h;
    // The sweep may already lie between the swing bar and now (at most swingLength bars back).
    const { high, low } = this.bars;
    const last = Math.min(knownAt, this.processed - 1);
    for (let c = anchor + 1; c <= last; c++) {
      if (dir === 1 ? high[c] >= hi : low[c] <= lo) {
        H.swept[h] = c;
        return;
      }
    }
    if (dir === 1) this.highWatch.push(hi, h);
    else this.lowWatch.push(-lo, h);
  }

  /** The revoked swing is the latest of all, so it is its head's last member or a head with no members. */
  private revoke(anchor: number, knownAt: number): void {
    const h = this.lastHead;
    if (h < 0 || this.lastAnchor !== anchor) return;
    this.lastHead = -1;
    const H = this.heads;
    if (H.anchor[h] === anchor) {
      H.alive[h] = 0;
      return;
    }
    const wasPool = H.members[h] > 1;
    H.popMember(h);
    if (H.members[h] > 1) this.emit(h, 0, knownAt);
    else if (wasPool) this.emit(h, 2, knownAt);
  }

  private emit(h: number, type: number, knownAt: number): void {
    const H = this.heads;
    const c = this.columns;
    const k = c.next();
    const last = H.lastMem[h];
    c.type[k] = type;
    c.anchor[k] = H.anchor[h];
    c.knownAt[k] = knownAt;
    c.dir[k] = H.dir[h];
    // The reference's mean: the in-order sum over the members, as float32.
    c.level[k] = Math.fround(H.memSum[last] / H.members[h]);
    c.end[k] = H.memAnchor[last];
    c.swept[k] = H.swept[h];
    c.members[k] = H.members[h];
  }
}

/** The reference's range: `(max(high) - min(low)) * rangePercent` over the whole series (not causal). */
export function referenceLiquidityRange(bars: Bars, rangePercent: number): number {
  const { high, low, length } = bars;
  let hi = Number.NEGATIVE_INFINITY;
  let lo = Number.POSITIVE_INFINITY;
  // Comparisons skip NaN, as pandas' max/min do.
  for (let i = 0; i < length; i++) {
    const h = high[i];
    const l = low[i];
    if (h > hi) hi = h;
    if (l < lo) lo = l;
  }
  return (hi - lo) * rangePercent;
}

/** Reference layout `Liquidity, Level, End, Swept` (Swept 0 = never swept) from a detector's columns. */
export function renderLiquidity(events: LiquidityColumns, n: number): ReferenceTable {
  const liq = nanColumn(n);
  const level = nanColumn(n);
  const end = nanColumn(n);
  const swept = nanColumn(n);
  for (let k = 0; k < events.count; k++) {
    const r = events.anchor[k];
    if (events.type[k] === 2) {
      liq[r] = level[r] = end[r] = swept[r] = Number.NaN;
      continue;
    }
    liq[r] = events.dir[k];
    level[r] = events.level[k];
    end[r] = events.end[k];
    swept[r] = Math.max(events.swept[k], 0);
  }
  return {
    header: ['Liquidity', 'Level', 'End', 'Swept'],
    columns: [liq, level, end, swept],
    formats: ['float', 'float32', 'float', 'float'],
  };
}

/** Runs swings and liquidity over every bar with the reference's range and renders the table. */
export function liquidity(
  bars: Bars,
  swings: SwingDetector,
  rangePercent = 0.01,
): { detector: LiquidityDetector; table: ReferenceTable } {
  const detector = new LiquidityDetector(bars, swings, {
    range: referenceLiquidityRange(bars, rangePercent),
  });
  if (bars.length > 0) detector.update(bars.length - 1);
  detector.finish();
  return { detector, table: renderLiquidity(detector.columns, bars.length) };
}
