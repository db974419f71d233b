import { grown } from '../shared/dense.ts';
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

export interface FvgOptions {
  readonly joinConsecutive: boolean;
}

const TYPES = ['fvg', 'fvg-merged', 'fvg-mitigated'] as const;
/** `FvgColumns.type` codes: a gap, a gap merged away, a gap mitigated. */
export const FVG_GAP = 0;
const MERGED = 1;
const MITIGATED = 2;

/**
 * The events of an {@link FvgDetector} as parallel typed columns (no per-event objects on the hot path):
 * event k is `type[k]` (0 'fvg', 1 'fvg-merged', 2 'fvg-mitigated'), `anchor[k]`, `knownAt[k]`, `dir[k]`,
 * `top[k]`, `bottom[k]`, `mitigatedIndex[k]`, `mergedInto[k]`. Columns are replaced when they grow: re-read
 * them after every `update`.
 */
export class FvgColumns {
  count = 0;
  type: Uint8Array;
  anchor: Int32Array;
  knownAt: Int32Array;
  dir: Int8Array;
  top: Float64Array;
  bottom: Float64Array;
  mitigatedIndex: Int32Array;
  mergedInto: Int32Array;

  constructor(capacity: number) {
    const c = Math.max(64, capacity);
    this.type = new Uint8Array(c);
    this.anchor = new Int32Array(c);
    this.knownAt = new Int32Array(c);
    this.dir = new Int8Array(c);
    this.top = new Float64Array(c);
    this.bottom = new Float64Array(c);
    this.mitigatedIndex = new Int32Array(c);
    this.mergedInto = new Int32Array(c);
  }

  push(
    type: number,
    anchor: number,
    knownAt: number,
    dir: number,
    top: number,
    bottom: number,
    mitigatedIndex: number,
    mergedInto: number,
  ): void {
    if (this.count === this.type.length) this.grow();
    const k = this.count++;
    this.type[k] = type;
    this.anchor[k] = anchor;
    this.knownAt[k] = knownAt;
    this.dir[k] = dir;
    this.top[k] = top;
    this.bottom[k] = bottom;
    this.mitigatedIndex[k] = mitigatedIndex;
    this.mergedInto[k] = mergedInto;
  }

  private grow(): void {
    const c = this.type.length * 2;
    this.type = grown(this.type, new Uint8Array(c));
    this.anchor = grown(this.anchor, new Int32Array(c));
    this.knownAt = grown(this.knownAt, new Int32Array(c));
    this.dir = grown(this.dir, new Int8Array(c));
    this.top = grown(this.top, new Float64Array(c));
    this.bottom = grown(this.bottom, new Float64Array(c));
    this.mitigatedIndex = grown(this.mitigatedIndex, new Int32Array(c));
    this.mergedInto = grown(this.mergedInto, new Int32Array(c));
  }
}

export class FvgDetector implements Incremental<FvgEvent> {
  /** The events as typed columns: what the pipeline reads. */
  readonly columns: FvgColumns;
  /** The first gap can be known at bar 2 (three bars). */
  readonly warmup = 3;
  processed = 0;
  private readonly join: boolean;
  /** Open bullish gaps keyed by -top (the highest top is mitigated first). */
  private readonly bullOpen = new MinHeap();
  /** Open bearish gaps keyed by bottom (the lowest bottom is mitigated first). */
  private readonly bearOpen = new MinHeap();
  /**
   * Every gap found, by number (the heaps hold these): anchor, direction (0 once merged away or
   * mitigated), top and bottom. Typed columns grown by doubling replace a map on this per-gap path.
   */
  private gapAnchor = new Int32Array(64);
  private gapDir = new Int8Array(64);
  private gapTop = new Float64Array(64);
  private gapBottom = new Float64Array(64);
  private gaps = 0;
  /** Number of the latest gap found (the one a consecutive gap may merge), -1 before the first. */
  private prevId = -1;
  /** Its direction and bounds as found (`gapDir` is cleared when it closes). */
  private prevDir = 0;
  private readonly objects: FvgEvent[] = [];

  constructor(
    readonly bars: Bars,
    options: FvgOptions = { joinConsecutive: false },
  ) {
    this.join = options.joinConsecutive;
    // Initial room only: market data has about one gap (and its mitigation) per six bars.
    this.columns = new FvgColumns(Math.ceil(bars.length / 2.5));
  }

  /**
   * Every event so far as objects, built on first access from `columns` (append-only, so the array is only
   * extended); consumers on the hot path read `columns` instead.
   */
  get events(): readonly FvgEvent[] {
    const c = this.columns;
    const out = this.objects;
    for (let k = out.length; k < c.count; k++) {
      out.push({
        type: TYPES[c.type[k]],
        anchor: c.anchor[k],
        knownAt: c.knownAt[k],
        dir: c.dir[k] === 1 ? 1 : -1,
        top: c.top[k],
        bottom: c.bottom[k],
        mitigatedIndex: c.mitigatedIndex[k],
        mergedInto: c.mergedInto[k],
      });
    }
    return out;
  }

  update(t: number): void {
    const { open, high, low, close } = this.bars;
    const bullOpen = this.bullOpen;
    const bearOpen = this.bearOpen;
    const cols = this.columns;
    for (let b = this.processed; b <= t; b++) {
      this.processed = b + 1;
      let dir = 0;
      let top = 0;
      let bottom = 0;
      const i = b - 1;
      if (i >= 1) {
        if (high[i - 1] < low[b] && close[i] > open[i]) dir = 1;
        else if (low[i - 1] > high[b] && close[i] < open[i]) dir = -1;
        if (dir !== 0) {
          top = dir === 1 ? low[b] : low[i - 1];
          bottom = dir === 1 ? high[i - 1] : high[b];
          const p = this.prevId;
          if (this.join && p >= 0 && this.gapAnchor[p] === i - 1 && this.prevDir === dir) {
            // the earlier gap is merged into this one, which takes the wider bounds
            const pTop = this.gapTop[p];
            const pBottom = this.gapBottom[p];
            top = Math.max(pTop, top);
            bottom = Math.min(pBottom, bottom);
            this.gapDir[p] = 0;
            cols.push(MERGED, i - 1, b, dir, pTop, pBottom, -1, i);
          }
          cols.push(FVG_GAP, i, b, dir, top, bottom, -1, -1);
        }
      }
      // mitigation by bar b (a gap found at b is not yet open: it cannot be mitigated by its own bar)
      const lo = low[b];
      while (lo <= -bullOpen.topKey()) {
        this.close(bullOpen.topId(), -bullOpen.topKey(), b);
        bullOpen.pop();
      }
      const hi = high[b];
      while (hi >= bearOpen.topKey()) {
        this.close(bearOpen.topId(), bearOpen.topKey(), b);
        bearOpen.pop();
      }
      if (dir !== 0) {
        if (this.gaps === this.gapDir.length) this.grow();
        const id = this.gaps++;
        this.gapAnchor[id] = i;
        this.gapDir[id] = dir;
        this.gapTop[id] = top;
        this.gapBottom[id] = bottom;
        if (dir === 1) bullOpen.push(-top, id);
        else bearOpen.push(bottom, id);
        this.prevId = id;
        this.prevDir = dir;
      }
    }
  }

  private grow(): void {
    const cap = this.gapDir.length * 2;
    this.gapAnchor = grown(this.gapAnchor, new Int32Array(cap));
    this.gapDir = grown(this.gapDir, new Int8Array(cap));
    this.gapTop = grown(this.gapTop, new Float64Array(cap));
    this.gapBottom = grown(this.gapBottom, new Float64Array(cap));
  }

  private close(id: number, key: number, b: number): void {
    const dir = this.gapDir[id];
    // A merged gap's heap entry is stale; so is one whose key no longer matches (cannot happen, kept safe).
    if (dir === 0) return;
    const top = this.gapTop[id];
    const bottom = this.gapBottom[id];
    if ((dir === 1 ? top : bottom) !== key) return;
    this.gapDir[id] = 0;
    this.columns.push(MITIGATED, this.gapAnchor[id], b, dir, top, bottom, b, -1);
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
