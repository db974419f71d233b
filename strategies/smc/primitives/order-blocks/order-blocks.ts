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
 * Order blocks as the reference package defines them (`ob(swings, close_mitigation)`). Bullish: when a bar
 * closes above the high of the last swing high before it (each swing used once), the block is the bar with
 * the lowest low strictly between the swing and that bar (the last such bar on ties; when the break comes on
 * the very next bar, the swing bar itself with top and bottom swapped, as the reference does). A bullish
 * block is mitigated ("breaker") by the first later bar trading below its bottom (`MitigatedIndex` = that
 * bar - 1, as the reference records it) and removed from the output when, after that, a bar trades above its
 * top. Bearish is the mirror image (MitigatedIndex = the mitigating bar itself). Values are float32 like the
 * reference's arrays; OBVolume is the volume of the breaking bar and the two before it, Percentage
 * min/max of (two newest, oldest) volumes in %, 100 when both are 0.
 *
 * Causality: the reference uses the final swing list, in which a swing high is only known swingLength bars
 * after it and may still be revoked until its run of same-type candidates ends. The machine therefore
 * replays the reference loop bar by bar only up to the settled frontier (every swing before the bar is
 * final), so each event's `knownAt` is the bar at which that replay reached it: creation, mitigation and
 * removal are published with a delay of swingLength-1 bars or until the current swing run ends.
 */
export interface OrderBlockEvent extends EventBase {
  /** `ob`: a block (re)written at anchor; `ob-mitigated`: became a breaker; `ob-removed`: row cleared. */
  readonly type: 'ob' | 'ob-mitigated' | 'ob-removed';
  readonly dir: Dir;
  readonly top: number;
  readonly bottom: number;
  readonly volume: number;
  readonly percentage: number;
  /** Reference MitigatedIndex (0 = not mitigated). */
  readonly mitigatedIndex: number;
  /** Bar whose close crossed the swing and created the block (for `ob`; else -1). */
  readonly crossIndex: number;
  /** Bar of the loop step that produced the event (the reference's own time for it). */
  readonly step: number;
}

export interface OrderBlockOptions {
  /** Mitigate on the body (min/max of open and close) instead of the wick (reference default false). */
  readonly closeMitigation: boolean;
}

interface Block {
  readonly anchor: number;
  top: number;
  bottom: number;
  volume: number;
  percentage: number;
  mitigated: number;
  breaker: boolean;
  /** Entries of this anchor in the reference's active list (a re-created block is listed twice). */
  entries: number;
  /** Bumped on every re-key so stale heap entries are recognised. */
  version: number;
}

/** One side (bullish or bearish) of the reference's two independent passes. */
class Side {
  readonly blocks = new Map<number, Block>();
  /** Non-breaker blocks by the level that mitigates them; breaker blocks by the level that removes them. */
  readonly mitigateHeap = new MinHeap();
  readonly removeHeap = new MinHeap();
  /** Heap entry id -> (anchor, version at push); an entry is live while the block still has that version. */
  readonly entryAnchor: number[] = [];
  readonly entryVersion: number[] = [];
  /** Final swing anchors of this side's type, in order, and how many are before the current step. */
  readonly swingAnchors: number[] = [];
  swingPtr = 0;
  lastSwing = -1;
  crossed = false;
  /** Running extreme (lowest low for bullish, highest high for bearish) over (lastSwing, step-1]. */
  extIdx = -1;
  next = 0;

  constructor(readonly dir: Dir) {}
}

export class OrderBlockDetector implements Incremental<OrderBlockEvent> {
  readonly events: OrderBlockEvent[] = [];
  readonly warmup: number;
  processed = 0;
  private readonly closeMitigation: boolean;
  private readonly bull = new Side(1);
  private readonly bear = new Side(-1);
  private cursor = 0;
  private latestDir = 0;
  private latestAnchor = -1;
  private started = false;
  private finished = false;

  constructor(
    readonly bars: Bars,
    readonly swings: SwingDetector,
    options: OrderBlockOptions = { closeMitigation: false },
  ) {
    this.closeMitigation = options.closeMitigation;
    this.warmup = swings.warmup;
  }

  update(t: number): void {
    // Swing events carry knownAt, so advancing the swings first and consuming them bar by bar is exact.
    this.swings.update(t);
    const c = this.swings.columns;
    const L = this.swings.swingLength;
    const bull = this.bull;
    const bear = this.bear;
    for (let b = this.processed; b <= t; b++) {
      this.processed = b + 1;
      if (this.cursor < c.count && c.knownAt[this.cursor] <= b) this.consumeSwings(b);
      if (!this.started) continue;
      // Only the latest swing (the open run's survivor) can still be revoked; every swing before it, and
      // every swing of the other type, is final.
      const settled = b - L + 1;
      const latest = this.latestAnchor;
      const bullFrontier = this.latestDir === 1 && latest < settled ? latest : settled;
      const bearFrontier = this.latestDir === -1 && latest < settled ? latest : settled;
      // (the reference loop of each side, one step per bar once running: see replay)
      for (let i = bull.next; i <= bullFrontier; i++) {
        this.step(bull, i, b);
        bull.next = i + 1;
      }
      for (let i = bear.next; i <= bearFrontier; i++) {
        this.step(bear, i, b);
        bear.next = i + 1;
      }
    }
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.swings.finish();
    this.consumeSwings(Number.POSITIVE_INFINITY);
    const last = this.processed - 1;
    if (!this.started || last < 0) return;
    // The end-of-series swing mark sits on the last bar and so is never "before" any bar: replaying the
    // remaining steps with it changes nothing but completes the reference's loop.
    this.replay(this.bull, last, last);
    this.replay(this.bear, last, last);
  }

  private consumeSwings(b: number): void {
    const c = this.swings.columns;
    while (this.cursor < c.count && c.knownAt[this.cursor] <= b) {
      const k = this.cursor++;
      this.started = true;
      const dir: Dir = c.dir[k] === 1 ? 1 : -1;
      const side = dir === 1 ? this.bull : this.bear;
      if (c.revoked[k] === 0) {
        side.swingAnchors.push(c.anchor[k]);
        this.latestDir = dir;
        this.latestAnchor = c.anchor[k];
      } else {
        side.swingAnchors.pop();
      }
    }
  }

  /** Runs the reference loop of one side for steps up to `frontier` (inclusive), publishing at bar `b`. */
  private replay(side: Side, frontier: number, b: number): void {
    for (let i = side.next; i <= frontier; i++) {
      this.step(side, i, b);
      side.next = i + 1;
    }
  }

  /**
   * One step of the reference loop at bar i (published at bar b). Kept small enough to be inlined into the
   * per-bar loop: block updates and block creation, which most bars do not reach, are separate methods.
   */
  private step(side: Side, i: number, b: number): void {
    const { open, high, low, close } = this.bars;
    const bull = side.dir === 1;
    // 1. Active blocks (an empty heap's top key is +Infinity: nothing to do).
    const removeAt = bull ? high[i] : -low[i];
    const mitPrice = this.closeMitigation
      ? bull
        ? Math.min(open[i], close[i])
        : -Math.max(open[i], close[i])
      : bull
        ? low[i]
        : -high[i];
    if (side.removeHeap.topKey() < removeAt || -side.mitigateHeap.topKey() > mitPrice) {
      this.updateBlocks(side, i, b, removeAt, mitPrice);
    }
    // 2. The last swing of this side strictly before bar i.
    const anchors = side.swingAnchors;
    if (side.swingPtr < anchors.length && anchors[side.swingPtr] === i - 1) {
      side.lastSwing = i - 1;
      side.swingPtr++;
      side.crossed = false;
      side.extIdx = -1;
    } else if (side.lastSwing >= 0 && i - 1 > side.lastSwing) {
      const j = i - 1;
      if (side.extIdx < 0 || (bull ? low[j] <= low[side.extIdx] : high[j] >= high[side.extIdx]))
        side.extIdx = j;
    }
    // 3. A close beyond the last swing creates the block (once per swing).
    const s = side.lastSwing;
    if (s < 0 || side.crossed) return;
    if (bull ? close[i] > high[s] : close[i] < low[s]) this.cross(side, s, i, b);
  }

  /**
   * Step 1 of {@link step}: breakers are removed when price trades back through the far side, others
   * become breakers when price trades through them. A block listed twice takes both checks in the same bar.
   */
  private updateBlocks(side: Side, i: number, b: number, removeAt: number, mitPrice: number): void {
    const { high, low } = this.bars;
    const bull = side.dir === 1;
    const removeHeap = side.removeHeap;
    while (removeHeap.topKey() < removeAt) {
      const blk = this.live(side, removeHeap);
      if (blk === undefined || !blk.breaker) continue;
      this.remove(side, blk, i, b);
    }
    const mitigateHeap = side.mitigateHeap;
    while (-mitigateHeap.topKey() > mitPrice) {
      const blk = this.live(side, mitigateHeap);
      if (blk === undefined || blk.breaker) continue;
      blk.breaker = true;
      blk.mitigated = bull ? i - 1 : i;
      this.emit(side, blk, 'ob-mitigated', -1, i, b);
      if (blk.entries > 1 && (bull ? high[i] > blk.top : low[i] < blk.bottom)) this.remove(side, blk, i, b);
      else this.key(side, blk);
    }
  }

  /** Step 3 of {@link step}: bar i closed beyond swing s, the block is the extreme bar between them. */
  private cross(side: Side, s: number, i: number, b: number): void {
    const { high, low } = this.bars;
    side.crossed = true;
    let idx = i - 1;
    let top: number;
    let bottom: number;
    if (i - s > 1) {
      idx = side.extIdx;
      top = high[idx];
      bottom = low[idx];
    } else if (side.dir === 1) {
      // The reference's default for a break on the very next bar swaps the bar's high and low.
      top = low[idx];
      bottom = high[idx];
    } else {
      top = high[idx];
      bottom = low[idx];
    }
    this.create(side, idx, top, bottom, i, b);
  }

  private create(side: Side, idx: number, top: number, bottom: number, i: number, b: number): void {
    const v = this.bars.volume;
    const v0 = v[i];
    const v1 = i >= 1 ? v[i - 1] : 0;
    const v2 = i >= 2 ? v[i - 2] : 0;
    const newest = Math.fround(v0 + v1);
    const oldest = Math.fround(v2);
    const mx = Math.max(newest, oldest);
    const pct = mx !== 0 ? Math.fround((Math.min(newest, oldest) / mx) * 100) : 100;
    let blk = side.blocks.get(idx);
    if (blk === undefined) {
      blk = {
        anchor: idx,
        top: 0,
        bottom: 0,
        volume: 0,
        percentage: 0,
        mitigated: 0,
        breaker: false,
        entries: 0,
        version: 0,
      };
      side.blocks.set(idx, blk);
    }
    blk.top = Math.fround(top);
    blk.bottom = Math.fround(bottom);
    blk.volume = Math.fround(v0 + v1 + v2);
    blk.percentage = pct;
    blk.entries++;
    this.key(side, blk);
    this.emit(side, blk, 'ob', i, i, b);
  }

  /** (Re)inserts a block in the heap its state calls for. */
  private key(side: Side, blk: Block): void {
    blk.version++;
    const id = side.entryAnchor.length;
    side.entryAnchor.push(blk.anchor);
    side.entryVersion.push(blk.version);
    const bull = side.dir === 1;
    if (blk.breaker) side.removeHeap.push(bull ? blk.top : -blk.bottom, id);
    else side.mitigateHeap.push(bull ? -blk.bottom : blk.top, id);
  }

  /** Pops the heap's top and returns its block unless the entry is stale. */
  private live(side: Side, heap: MinHeap): Block | undefined {
    const id = heap.topId();
    heap.pop();
    const blk = side.blocks.get(side.entryAnchor[id]);
    if (blk === undefined || blk.entries === 0 || blk.version !== side.entryVersion[id]) return undefined;
    return blk;
  }

  private remove(side: Side, blk: Block, i: number, b: number): void {
    blk.top = 0;
    blk.bottom = 0;
    blk.volume = 0;
    blk.percentage = 0;
    blk.mitigated = 0;
    blk.entries = 0;
    blk.version++;
    this.emit(side, blk, 'ob-removed', -1, i, b);
  }

  private emit(
    side: Side,
    blk: Block,
    type: OrderBlockEvent['type'],
    crossIndex: number,
    step: number,
    knownAt: number,
  ): void {
    this.events.push({
      type,
      anchor: blk.anchor,
      knownAt,
      dir: side.dir,
      top: blk.top,
      bottom: blk.bottom,
      volume: blk.volume,
      percentage: blk.percentage,
      mitigatedIndex: blk.mitigated,
      crossIndex,
      step,
    });
  }
}

/**
 * Reference layout `OB, Top, Bottom, OBVolume, MitigatedIndex, Percentage`. The reference runs the whole
 * bullish pass before the bearish one over shared arrays, so bearish events are applied after bullish ones.
 */
export function renderOrderBlocks(events: readonly OrderBlockEvent[], n: number): ReferenceTable {
  const cols = [nanColumn(n), nanColumn(n), nanColumn(n), nanColumn(n), nanColumn(n), nanColumn(n)];
  for (const dir of [1, -1]) {
    for (const e of events) {
      if (e.dir !== dir) continue;
      const r = e.anchor;
      if (e.type === 'ob-removed') {
        for (const c of cols) c[r] = Number.NaN;
        continue;
      }
      cols[0][r] = e.dir;
      cols[1][r] = e.top;
      cols[2][r] = e.bottom;
      cols[3][r] = e.volume;
      cols[4][r] = e.mitigatedIndex;
      cols[5][r] = e.percentage;
    }
  }
  return {
    header: ['OB', 'Top', 'Bottom', 'OBVolume', 'MitigatedIndex', 'Percentage'],
    columns: cols,
    formats: ['float', 'float32', 'float32', 'float32', 'float', 'float32'],
  };
}

/** Runs swings and order blocks over every bar and renders the table. */
export function orderBlocks(
  bars: Bars,
  swings: SwingDetector,
  options: OrderBlockOptions = { closeMitigation: false },
): { detector: OrderBlockDetector; table: ReferenceTable } {
  const detector = new OrderBlockDetector(bars, swings, options);
  if (bars.length > 0) detector.update(bars.length - 1);
  detector.finish();
  return { detector, table: renderOrderBlocks(detector.events, bars.length) };
}
