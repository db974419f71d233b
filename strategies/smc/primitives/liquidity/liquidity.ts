import { MinHeap } from '../shared/heap.ts';
import type { SwingDetector, SwingEvent } from '../swings/swings.ts';
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

interface Head {
  readonly anchor: number;
  readonly dir: Dir;
  readonly lo: number;
  readonly hi: number;
  readonly levels: number[];
  readonly anchors: number[];
  swept: number;
  alive: boolean;
}

export class LiquidityDetector implements Incremental<LiquidityEvent> {
  readonly events: LiquidityEvent[] = [];
  readonly warmup: number;
  processed = 0;
  private readonly range: number;
  /**
   * Open heads per side, bucketed by `floor(level / range)` so a new swing only looks at the heads whose
   * range can hold it (its bucket and the neighbours); each bucket keeps anchor order and drops heads
   * nothing can join any more.
   */
  private readonly highBuckets = new Map<number, Head[]>();
  private readonly lowBuckets = new Map<number, Head[]>();
  private readonly heads: Head[] = [];
  /** Where the latest swing went (the head it opened or joined): the only swing a revocation can target. */
  private lastAnchor = -1;
  private lastHead: Head | undefined;
  /** Unswept high heads by range top; unswept low heads by -(range bottom). */
  private readonly highWatch = new MinHeap();
  private readonly lowWatch = new MinHeap();
  private cursor = 0;
  private finished = false;

  constructor(
    readonly bars: Bars,
    readonly swings: SwingDetector,
    options: LiquidityOptions,
  ) {
    if (!(options.range >= 0)) throw new RangeError(`liquidity range must be >= 0, got ${options.range}`);
    this.range = options.range;
    this.warmup = swings.warmup;
  }

  update(t: number): void {
    // Swing events carry knownAt, so advancing the swings first and consuming them bar by bar is exact.
    this.swings.update(t);
    for (let b = this.processed; b <= t; b++) {
      this.processed = b + 1;
      this.checkSweeps(b);
      this.consumeSwings(b);
    }
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.swings.finish();
    this.consumeSwings(Number.POSITIVE_INFINITY);
  }

  private checkSweeps(b: number): void {
    const hi = this.bars.high[b];
    while (this.highWatch.size > 0 && hi >= this.highWatch.topKey()) {
      const h = this.heads[this.highWatch.topId()];
      this.highWatch.pop();
      if (h.alive && h.swept < 0 && b > h.anchor) this.onSwept(h, b);
    }
    const lo = this.bars.low[b];
    while (this.lowWatch.size > 0 && lo <= -this.lowWatch.topKey()) {
      const h = this.heads[this.lowWatch.topId()];
      this.lowWatch.pop();
      if (h.alive && h.swept < 0 && b > h.anchor) this.onSwept(h, b);
    }
  }

  private onSwept(h: Head, b: number): void {
    h.swept = b;
    if (h.levels.length > 1) this.emit(h, 'liquidity-swept', b);
  }

  private consumeSwings(b: number): void {
    const evs = this.swings.events;
    while (this.cursor < evs.length && evs[this.cursor].knownAt <= b) {
      const e = evs[this.cursor++];
      if (e.type === 'swing-revoked') this.revoke(e);
      else this.add(e);
    }
  }

  private bucketOf(level: number): number {
    return this.range > 0 ? Math.floor(level / this.range) : level;
  }

  private add(e: SwingEvent): void {
    const buckets = e.dir === 1 ? this.highBuckets : this.lowBuckets;
    // Nothing confirmed from now on can have its bar before a sweep that is already this old.
    const horizon = e.knownAt - this.swings.swingLength;
    const key = this.bucketOf(e.level);
    // The reference gives a swing to the earliest open head whose range holds it.
    let best: Head | undefined;
    const span = this.range > 0 ? 2 : 0;
    for (let k = key - span; k <= key + span; k++) {
      const list = buckets.get(k);
      if (list === undefined) continue;
      let w = 0;
      let found: Head | undefined;
      for (let r = 0; r < list.length; r++) {
        const h = list[r];
        if (!h.alive || (h.swept >= 0 && h.swept <= horizon)) continue;
        list[w++] = h;
        if (found !== undefined) continue;
        if (h.swept >= 0 && e.anchor >= h.swept) continue;
        if (h.lo <= e.level && e.level <= h.hi) found = h;
      }
      list.length = w;
      if (w === 0) buckets.delete(k);
      if (found !== undefined && (best === undefined || found.anchor < best.anchor)) best = found;
    }
    if (best !== undefined) {
      best.levels.push(e.level);
      best.anchors.push(e.anchor);
      this.lastAnchor = e.anchor;
      this.lastHead = best;
      this.emit(best, 'liquidity', e.knownAt);
      return;
    }
    const head: Head = {
      anchor: e.anchor,
      dir: e.dir,
      lo: e.level - this.range,
      hi: e.level + this.range,
      levels: [e.level],
      anchors: [e.anchor],
      swept: -1,
      alive: true,
    };
    const id = this.heads.length;
    this.heads.push(head);
    const list = buckets.get(key);
    if (list === undefined) buckets.set(key, [head]);
    else list.push(head);
    this.lastAnchor = e.anchor;
    this.lastHead = head;
    // The sweep may already lie between the swing bar and now (at most swingLength bars back).
    const { high, low } = this.bars;
    const last = Math.min(e.knownAt, this.processed - 1);
    for (let c = e.anchor + 1; c <= last; c++) {
      if (e.dir === 1 ? high[c] >= head.hi : low[c] <= head.lo) {
        head.swept = c;
        return;
      }
    }
    if (e.dir === 1) this.highWatch.push(head.hi, id);
    else this.lowWatch.push(-head.lo, id);
  }

  /** The revoked swing is the latest of all, so it is its head's last member or a head with no members. */
  private revoke(e: SwingEvent): void {
    const h = this.lastHead;
    if (h === undefined || this.lastAnchor !== e.anchor) return;
    this.lastHead = undefined;
    if (h.anchor === e.anchor) {
      h.alive = false;
      return;
    }
    const wasPool = h.levels.length > 1;
    h.levels.pop();
    h.anchors.pop();
    if (h.levels.length > 1) this.emit(h, 'liquidity', e.knownAt);
    else if (wasPool) this.emit(h, 'liquidity-revoked', e.knownAt);
  }

  private emit(h: Head, type: LiquidityEvent['type'], knownAt: number): void {
    let sum = 0;
    for (const v of h.levels) sum += v;
    this.events.push({
      type,
      anchor: h.anchor,
      knownAt,
      dir: h.dir,
      level: Math.fround(sum / h.levels.length),
      end: h.anchors[h.anchors.length - 1],
      swept: h.swept,
      members: h.levels.length,
    });
  }
}

/** The reference's range: `(max(high) - min(low)) * rangePercent` over the whole series (not causal). */
export function referenceLiquidityRange(bars: Bars, rangePercent: number): number {
  let hi = Number.NEGATIVE_INFINITY;
  let lo = Number.POSITIVE_INFINITY;
  for (let i = 0; i < bars.length; i++) {
    if (bars.high[i] > hi) hi = bars.high[i];
    if (bars.low[i] < lo) lo = bars.low[i];
  }
  return (hi - lo) * rangePercent;
}

/** Reference layout `Liquidity, Level, End, Swept` (Swept 0 = never swept). */
export function renderLiquidity(events: readonly LiquidityEvent[], n: number): ReferenceTable {
  const liq = nanColumn(n);
  const level = nanColumn(n);
  const end = nanColumn(n);
  const swept = nanColumn(n);
  for (const e of events) {
    const r = e.anchor;
    if (e.type === 'liquidity-revoked') {
      liq[r] = level[r] = end[r] = swept[r] = Number.NaN;
      continue;
    }
    liq[r] = e.dir;
    level[r] = e.level;
    end[r] = e.end;
    swept[r] = Math.max(e.swept, 0);
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
  return { detector, table: renderLiquidity(detector.events, bars.length) };
}
