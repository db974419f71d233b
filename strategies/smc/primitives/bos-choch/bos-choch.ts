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
 * Break of structure (BOS) and change of character (CHoCH) as the reference package defines them
 * (`bos_choch(swings, close_break)`). Over the alternating swing list, each new swing closes a window of four
 * (s1, s2, s3, s4); the fact is written on s2's bar with s2's level:
 * - bullish BOS: low, high, low, high with s1 < s3 < s2 < s4 (higher lows, higher highs);
 * - bullish CHoCH: low, high, low, high with s4 > s2 > s1 > s3 (a lower low, then a break higher);
 * - bearish BOS / CHoCH: the mirror images on high, low, high, low.
 * It counts only once a bar from s2+2 on closes beyond the level (`close_break`; the high/low otherwise):
 * that bar is `brokenIndex`. A fact is cancelled when a later-anchored fact broke at or before its own break.
 *
 * Causality: a fact is published (`structure`) at the later of the bar its fourth swing became known and its
 * break bar, so often well after the anchor. A cancellation is a later `structure-cancelled` event (the
 * reference keeps the cancelled row's BrokenIndex, so a cancelled fact that breaks after its cancellation
 * also gets a `structure-cancelled` event carrying its break). Facts never broken are never published.
 * The level is stored as float32 and the break compared against it, as the reference does.
 */
export type StructureKind = 'BOS' | 'CHOCH';

export interface StructureEvent extends EventBase {
  readonly type: 'structure' | 'structure-cancelled';
  readonly kind: StructureKind;
  /** 1 bullish (broke a swing high upwards), -1 bearish. */
  readonly dir: Dir;
  /** The broken swing's level (float32-rounded, as the reference stores it). */
  readonly level: number;
  /** Bar whose close broke the level; -1 for a cancelled fact not (yet) broken. */
  readonly brokenIndex: number;
  /** The four swings of the pattern, oldest first: anchors and levels (s2 is the anchor). */
  readonly swingAnchors: readonly [number, number, number, number];
  readonly swingLevels: readonly [number, number, number, number];
}

export interface BosChochOptions {
  /** Break on the close (reference default `close_break=True`); on the high/low otherwise. */
  readonly closeBreak: boolean;
}

interface SwingRec {
  readonly anchor: number;
  readonly dir: Dir;
  readonly level: number;
  readonly level32: number;
  broken: number;
  alive: boolean;
  cand: Candidate | undefined;
}

interface Candidate {
  readonly rec: SwingRec;
  readonly kind: StructureKind;
  readonly dir: Dir;
  readonly swingAnchors: readonly [number, number, number, number];
  readonly swingLevels: readonly [number, number, number, number];
  state: 'pending' | 'confirmed' | 'cancelled';
}

export class BosChochDetector implements Incremental<StructureEvent> {
  readonly events: StructureEvent[] = [];
  readonly warmup: number;
  processed = 0;
  private readonly closeBreak: boolean;
  private readonly recs: SwingRec[] = [];
  private readonly stack: SwingRec[] = [];
  /** Unbroken swing highs keyed by level (break when a bar rises above the smallest). */
  private readonly highWatch = new MinHeap();
  /** Unbroken swing lows keyed by -level (break when a bar falls below the largest). */
  private readonly lowWatch = new MinHeap();
  /** Candidates a later fact may still cancel. */
  private readonly live: Candidate[] = [];
  private cursor = 0;
  private finished = false;

  constructor(
    readonly bars: Bars,
    readonly swings: SwingDetector,
    options: BosChochOptions = { closeBreak: true },
  ) {
    this.closeBreak = options.closeBreak;
    this.warmup = swings.warmup;
  }

  update(t: number): void {
    // Swing events carry knownAt, so advancing the swings first and consuming them bar by bar is exact.
    this.swings.update(t);
    const c = this.swings.columns;
    const up = this.closeBreak ? this.bars.close : this.bars.high;
    const down = this.closeBreak ? this.bars.close : this.bars.low;
    const highWatch = this.highWatch;
    const lowWatch = this.lowWatch;
    for (let b = this.processed; b <= t; b++) {
      this.processed = b + 1;
      // (an empty heap's top key is +Infinity: no break is checked)
      if (up[b] > highWatch.topKey() || down[b] < -lowWatch.topKey()) this.checkWatches(b);
      if (this.cursor < c.count && c.knownAt[this.cursor] <= b) this.consumeSwings(b);
    }
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.swings.finish();
    this.consumeSwings(Number.POSITIVE_INFINITY);
  }

  private upPrice(j: number): number {
    return this.closeBreak ? this.bars.close[j] : this.bars.high[j];
  }

  private downPrice(j: number): number {
    return this.closeBreak ? this.bars.close[j] : this.bars.low[j];
  }

  private checkWatches(b: number): void {
    const up = this.upPrice(b);
    while (this.highWatch.size > 0 && up > this.highWatch.topKey()) {
      const rec = this.recs[this.highWatch.topId()];
      this.highWatch.pop();
      if (rec.alive && rec.broken < 0 && b >= rec.anchor + 2) this.onBroken(rec, b);
    }
    const down = this.downPrice(b);
    while (this.lowWatch.size > 0 && down < -this.lowWatch.topKey()) {
      const rec = this.recs[this.lowWatch.topId()];
      this.lowWatch.pop();
      if (rec.alive && rec.broken < 0 && b >= rec.anchor + 2) this.onBroken(rec, b);
    }
  }

  private consumeSwings(b: number): void {
    const c = this.swings.columns;
    while (this.cursor < c.count && c.knownAt[this.cursor] <= b) {
      const k = this.cursor++;
      if (c.revoked[k] === 1) {
        const top = this.stack.pop();
        if (top !== undefined) top.alive = false;
        continue;
      }
      this.addSwing(c.anchor[k], c.knownAt[k], c.dir[k] === 1 ? 1 : -1, c.level[k]);
    }
  }

  private addSwing(anchor: number, knownAt: number, dir: Dir, level: number): void {
    const level32 = Math.fround(level);
    const rec: SwingRec = {
      anchor,
      dir,
      level,
      level32,
      broken: -1,
      alive: true,
      cand: undefined,
    };
    const id = this.recs.length;
    this.recs.push(rec);
    this.stack.push(rec);
    // The break may already have happened between anchor+2 and now (at most swingLength bars back).
    const last = Math.min(knownAt, this.processed - 1);
    const bars = this.bars;
    if (dir === 1) {
      const up = this.closeBreak ? bars.close : bars.high;
      for (let j = anchor + 2; j <= last; j++) {
        if (up[j] > level32) {
          rec.broken = j;
          break;
        }
      }
    } else {
      const down = this.closeBreak ? bars.close : bars.low;
      for (let j = anchor + 2; j <= last; j++) {
        if (down[j] < level32) {
          rec.broken = j;
          break;
        }
      }
    }
    if (rec.broken < 0) {
      if (dir === 1) this.highWatch.push(level32, id);
      else this.lowWatch.push(-level32, id);
    }
    if (this.stack.length >= 4) this.evaluate(knownAt);
  }

  private evaluate(knownAt: number): void {
    const n = this.stack.length;
    const s1 = this.stack[n - 4];
    const s2 = this.stack[n - 3];
    const s3 = this.stack[n - 2];
    const s4 = this.stack[n - 1];
    const a = s1.level;
    const b = s2.level;
    const c = s3.level;
    const d = s4.level;
    let kind: StructureKind | undefined;
    let dir: Dir = 1;
    if (s1.dir === -1 && s2.dir === 1 && s3.dir === -1 && s4.dir === 1) {
      if (a < c && c < b && b < d) kind = 'BOS';
      else if (d > b && b > a && a > c) kind = 'CHOCH';
      dir = 1;
    } else if (s1.dir === 1 && s2.dir === -1 && s3.dir === 1 && s4.dir === -1) {
      if (a > c && c > b && b > d) kind = 'BOS';
      else if (d < b && b < a && a < c) kind = 'CHOCH';
      dir = -1;
    }
    // Re-evaluation after the fourth swing was replaced by a more extreme one can only turn a window true,
    // never false (every condition wants s4 further out), so an existing candidate stands.
    if (kind === undefined || s2.cand !== undefined) return;
    const cand: Candidate = {
      rec: s2,
      kind,
      dir,
      swingAnchors: [s1.anchor, s2.anchor, s3.anchor, s4.anchor],
      swingLevels: [a, b, c, d],
      state: 'pending',
    };
    s2.cand = cand;
    this.live.push(cand);
    if (s2.broken >= 0) this.confirm(cand, knownAt);
    this.prune();
  }

  private onBroken(rec: SwingRec, b: number): void {
    rec.broken = b;
    const cand = rec.cand;
    if (cand === undefined) return;
    if (cand.state === 'pending') this.confirm(cand, b);
    else if (cand.state === 'cancelled') this.emit(cand, 'structure-cancelled', b);
  }

  private confirm(cand: Candidate, knownAt: number): void {
    cand.state = 'confirmed';
    this.emit(cand, 'structure', knownAt);
    const anchor = cand.rec.anchor;
    const broken = cand.rec.broken;
    // in place, in order (kept candidates move down to w)
    const live = this.live;
    let w = 0;
    for (let r = 0; r < live.length; r++) {
      const k = live[r];
      if (k === cand || k.rec.anchor >= anchor || k.state === 'cancelled') {
        if (k.state !== 'cancelled') live[w++] = k;
        continue;
      }
      if (k.state === 'pending') {
        // Its break, if any, comes after now and so after this one's: cancelled before it is ever published.
        k.state = 'cancelled';
        live[w++] = k;
      } else if (k.rec.broken >= broken) {
        k.state = 'cancelled';
        this.emit(k, 'structure-cancelled', knownAt);
      } else {
        live[w++] = k;
      }
    }
    live.length = w;
  }

  /** Drops confirmed candidates no future fact can cancel (its break lies before any future fact's anchor+2). */
  private prune(): void {
    const n = this.stack.length;
    if (n < 3) return;
    const minFutureBreak = this.stack[n - 3].anchor + 2;
    // in place (this runs once per swing): keep the order, drop the settled ones
    const live = this.live;
    let w = 0;
    for (let r = 0; r < live.length; r++) {
      const k = live[r];
      if (k.state === 'confirmed' && k.rec.broken < minFutureBreak) continue;
      live[w++] = k;
    }
    live.length = w;
  }

  private emit(cand: Candidate, type: StructureEvent['type'], knownAt: number): void {
    this.events.push({
      type,
      anchor: cand.rec.anchor,
      knownAt,
      kind: cand.kind,
      dir: cand.dir,
      level: cand.rec.level32,
      brokenIndex: cand.rec.broken,
      swingAnchors: cand.swingAnchors,
      swingLevels: cand.swingLevels,
    });
  }
}

/** Reference layout `BOS, CHOCH, Level, BrokenIndex` from structure events over `n` bars. */
export function renderBosChoch(events: readonly StructureEvent[], n: number): ReferenceTable {
  const bos = nanColumn(n);
  const choch = nanColumn(n);
  const level = nanColumn(n);
  const broken = nanColumn(n);
  for (const e of events) {
    const r = e.anchor;
    if (e.type === 'structure') {
      bos[r] = e.kind === 'BOS' ? e.dir : Number.NaN;
      choch[r] = e.kind === 'CHOCH' ? e.dir : Number.NaN;
      level[r] = e.level;
    } else {
      bos[r] = Number.NaN;
      choch[r] = Number.NaN;
      level[r] = Number.NaN;
    }
    broken[r] = e.brokenIndex >= 0 ? e.brokenIndex : Number.NaN;
  }
  return {
    header: ['BOS', 'CHOCH', 'Level', 'BrokenIndex'],
    columns: [bos, choch, level, broken],
    formats: ['float', 'float', 'float32', 'float'],
  };
}

/** Runs swings and BOS/CHoCH over every bar (with the end-of-series swing mark) and renders the table. */
export function bosChoch(
  bars: Bars,
  swings: SwingDetector,
  options: BosChochOptions = { closeBreak: true },
): { detector: BosChochDetector; table: ReferenceTable } {
  const detector = new BosChochDetector(bars, swings, options);
  if (bars.length > 0) detector.update(bars.length - 1);
  detector.finish();
  return { detector, table: renderBosChoch(detector.events, bars.length) };
}
