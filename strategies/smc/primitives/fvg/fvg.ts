import { MinHeap } from '../shared/heap.ts';
import {
  type Bars,
  type Dir,
  type EventBase,
  type Incremental,
  nanColumn,
  type ReferenceTable,
} from '../types.ts';

/**
 * Fair value gaps as the reference package defines them (`fvg(join_consecutive)`): the three-bar pattern
 * around a middle bar i: bullish when `high[i-1] < low[i+1]` and bar i closes up (gap `high[i-1]..low[i+1]`),
 * bearish when `low[i-1] > high[i+1]` and bar i closes down (gap `high[i+1]..low[i-1]`). A gap is mitigated
 * by the first bar from i+2 on that trades into it (low <= top for bullish, high >= bottom for bearish).
 * With `joinConsecutive`, a gap directly followed by a same-direction gap is merged into the later one
 * (highest top, lowest bottom), chaining along a run.
 *
 * Causality: a gap is knowable at bar i+1 (`knownAt = anchor + 1`); its mitigation at the mitigating bar;
 * a merge (the earlier gap's row cleared, the later one widened) at the bar that reveals the later gap.
 */
export interface FvgEvent extends EventBase {
  /** `fvg`: a gap (or its widened form after a merge); `fvg-merged`: the anchor row was merged away. */
  readonly type: 'fvg' | 'fvg-merged' | 'fvg-mitigated';
  readonly dir: Dir;
  readonly top: number;
  readonly bottom: number;
  /** Mitigating bar for `fvg-mitigated`, else -1. */
  readonly mitigatedIndex: number;
  /** For `fvg-merged`: the gap it was merged into, else -1. */
  readonly mergedInto: number;
}

function gap(
  type: FvgEvent['type'],
  anchor: number,
  knownAt: number,
  dir: Dir,
  top: number,
  bottom: number,
  mitigatedIndex: number,
  mergedInto: number,
): FvgEvent {
  return { type, anchor, knownAt, dir, top, bottom, mitigatedIndex, mergedInto };
}

export interface FvgOptions {
  readonly joinConsecutive: boolean;
}

export class FvgDetector implements Incremental<FvgEvent> {
  readonly events: FvgEvent[] = [];
  /** The first gap can be known at bar 2 (three bars). */
  readonly warmup = 3;
  processed = 0;
  private readonly join: boolean;
  /** Open bullish gaps keyed by -top (the highest top is mitigated first). */
  private readonly bullOpen = new MinHeap();
  /** Open bearish gaps keyed by bottom (the lowest bottom is mitigated first). */
  private readonly bearOpen = new MinHeap();
  /** Open (unmerged, unmitigated) gaps by anchor; heap entries of other gaps are stale. */
  private readonly open = new Map<number, FvgEvent>();
  private prev: FvgEvent | undefined;

  constructor(
    readonly bars: Bars,
    options: FvgOptions = { joinConsecutive: false },
  ) {
    this.join = options.joinConsecutive;
  }

  update(t: number): void {
    const { open, high, low, close } = this.bars;
    for (let b = this.processed; b <= t; b++) {
      this.processed = b + 1;
      let found: FvgEvent | undefined;
      const i = b - 1;
      if (i >= 1) {
        let dir = 0;
        if (high[i - 1] < low[b] && close[i] > open[i]) dir = 1;
        else if (low[i - 1] > high[b] && close[i] < open[i]) dir = -1;
        if (dir !== 0) {
          let top = dir === 1 ? low[b] : low[i - 1];
          let bottom = dir === 1 ? high[i - 1] : high[b];
          const p = this.prev;
          if (this.join && p !== undefined && p.anchor === i - 1 && p.dir === dir) {
            top = Math.max(p.top, top);
            bottom = Math.min(p.bottom, bottom);
            this.open.delete(p.anchor);
            this.events.push(gap('fvg-merged', p.anchor, b, p.dir, p.top, p.bottom, -1, i));
          }
          found = gap('fvg', i, b, dir as Dir, top, bottom, -1, -1);
          this.events.push(found);
        }
      }
      this.mitigate(b);
      if (found !== undefined) {
        this.open.set(found.anchor, found);
        if (found.dir === 1) this.bullOpen.push(-found.top, found.anchor);
        else this.bearOpen.push(found.bottom, found.anchor);
      }
      this.prev = found ?? this.prev;
    }
  }

  private mitigate(b: number): void {
    const lo = this.bars.low[b];
    while (this.bullOpen.size > 0 && lo <= -this.bullOpen.topKey()) {
      this.close(this.bullOpen.topId(), -this.bullOpen.topKey(), b);
      this.bullOpen.pop();
    }
    const hi = this.bars.high[b];
    while (this.bearOpen.size > 0 && hi >= this.bearOpen.topKey()) {
      this.close(this.bearOpen.topId(), this.bearOpen.topKey(), b);
      this.bearOpen.pop();
    }
  }

  private close(anchor: number, key: number, b: number): void {
    const g = this.open.get(anchor);
    // A merged gap's heap entry is stale; so is one whose key no longer matches (cannot happen, kept safe).
    if (g === undefined || (g.dir === 1 ? g.top : g.bottom) !== key) return;
    this.open.delete(anchor);
    this.events.push(gap('fvg-mitigated', anchor, b, g.dir, g.top, g.bottom, b, -1));
  }

  finish(): void {}
}

/** Reference layout `FVG, Top, Bottom, MitigatedIndex` (MitigatedIndex 0 = not mitigated). */
export function renderFvg(events: readonly FvgEvent[], n: number): ReferenceTable {
  const fvg = nanColumn(n);
  const top = nanColumn(n);
  const bottom = nanColumn(n);
  const mit = nanColumn(n);
  for (const e of events) {
    const r = e.anchor;
    if (e.type === 'fvg-merged') {
      fvg[r] = top[r] = bottom[r] = mit[r] = Number.NaN;
    } else {
      fvg[r] = e.dir;
      top[r] = e.top;
      bottom[r] = e.bottom;
      mit[r] = Math.max(e.mitigatedIndex, 0);
    }
  }
  return {
    header: ['FVG', 'Top', 'Bottom', 'MitigatedIndex'],
    columns: [fvg, top, bottom, mit],
    formats: ['float', 'float', 'float', 'float'],
  };
}

/** Runs the detector over every bar and renders the table. */
export function fairValueGaps(
  bars: Bars,
  options: FvgOptions = { joinConsecutive: false },
): { detector: FvgDetector; table: ReferenceTable } {
  const detector = new FvgDetector(bars, options);
  if (bars.length > 0) detector.update(bars.length - 1);
  detector.finish();
  return { detector, table: renderFvg(detector.events, bars.length) };
}
