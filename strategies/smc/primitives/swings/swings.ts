import { grown } from '../shared/dense.ts';
import {
  type Bars,
  type Dir,
  type EventBase,
  type Incremental,
  nanColumn,
  type ReferenceTable,
} from '../types.ts';

/**
 * Swing highs and lows as the reference package defines them (`swing_highs_lows(swing_length=L)`): bar i is
 * a swing-high candidate when its high equals the highest high of bars `i-L+1 .. i+L`, else a swing-low
 * candidate when its low equals the lowest low of that window (a bar is never both). Runs of consecutive
 * same-type candidates are reduced to their most extreme member (the earliest on ties), so the final list
 * alternates high, low, high, … The first row is marked with the type opposite to the first swing and the
 * last row with the type opposite to the last one.
 *
 * Causality: a candidate at i is knowable at bar i+L (`knownAt = anchor + L`). The run reduction is
 * modelled as revisions: when a more extreme same-type candidate arrives, the previous survivor of the run
 * is revoked (`swing-revoked`, known at that bar) and the new one is published. A revocation always targets
 * the latest published swing, so a consumer can keep the swing list as a stack. The row-0 mark is known
 * when the first swing is; the last-row mark is an end-of-series artefact emitted only by `finish()`.
 */
export interface SwingEvent extends EventBase {
  readonly type: 'swing' | 'swing-revoked';
  /** 1 swing high, -1 swing low. */
  readonly dir: Dir;
  /** High of the anchor bar for a swing high, its low for a swing low. */
  readonly level: number;
  /** 'first': the reference's row-0 mark; 'last': its end-of-series mark (terminal, from `finish()`). */
  readonly edge: 'none' | 'first' | 'last';
}

export interface SwingOptions {
  /** Bars on each side (reference `swing_length`); at least 2. */
  readonly swingLength: number;
}

/**
 * The swing events of a detector as parallel typed columns (no per-event objects on the hot path): event k
 * is `anchor[k]`, `knownAt[k]`, `dir[k]`, `level[k]`, `revoked[k]` (1 = 'swing-revoked') and `edge[k]`
 * (0 none, 1 first, 2 last). Columns are replaced when they grow: re-read them after every `update`.
 */
export class SwingColumns {
  count = 0;
  anchor: Int32Array;
  knownAt: Int32Array;
  dir: Int8Array;
  revoked: Uint8Array;
  edge: Uint8Array;
  level: Float64Array;

  constructor(capacity: number) {
    const c = Math.max(64, capacity);
    this.anchor = new Int32Array(c);
    this.knownAt = new Int32Array(c);
    this.dir = new Int8Array(c);
    this.revoked = new Uint8Array(c);
    this.edge = new Uint8Array(c);
    this.level = new Float64Array(c);
  }

  /** Doubles the capacity (the detector appends rows itself). */
  grow(): void {
    const c = this.anchor.length * 2;
    this.anchor = grown(this.anchor, new Int32Array(c));
    this.knownAt = grown(this.knownAt, new Int32Array(c));
    this.dir = grown(this.dir, new Int8Array(c));
    this.revoked = grown(this.revoked, new Uint8Array(c));
    this.edge = grown(this.edge, new Uint8Array(c));
    this.level = grown(this.level, new Float64Array(c));
  }
}

const EDGES = ['none', 'first', 'last'] as const;

export class SwingDetector implements Incremental<SwingEvent> {
  /** The events as typed columns: what the other primitives read. */
  readonly columns: SwingColumns;
  readonly swingLength: number;
  readonly warmup: number;
  processed = 0;
  private runDir = 0;
  private survivor = -1;
  private lastRealDir = 0;
  /** Bars before these cannot be high (low) candidates: a later bar in their window beats them. */
  private skipHigh = 0;
  private skipLow = 0;
  private finished = false;
  private readonly objects: SwingEvent[] = [];

  constructor(
    readonly bars: Bars,
    options: SwingOptions,
  ) {
    const L = options.swingLength;
    if (!Number.isInteger(L) || L < 2) {
      throw new RangeError(`swingLength must be an integer >= 2, got ${L}`);
    }
    this.swingLength = L;
    // The reference's rolling window (2L bars of the series shifted by L) is complete from row 2L-1 on, and
    // that row is known L bars later.
    this.warmup = 3 * L;
    // Initial room only (allocation is a large part of a whole-series run): market data has about one
    // event per 8 bars at swingLength 5, fewer for longer ones; the columns grow past it.
    this.columns = new SwingColumns(Math.ceil(bars.length / (L + 2)));
  }

  /**
   * Every event so far as objects, built on first access from `columns` (append-only, so the array is only
   * extended); consumers on the hot path read `columns` instead.
   */
  get events(): readonly SwingEvent[] {
    const c = this.columns;
    const out = this.objects;
    for (let k = out.length; k < c.count; k++) {
      out.push({
        type: c.revoked[k] === 1 ? 'swing-revoked' : 'swing',
        anchor: c.anchor[k],
        knownAt: c.knownAt[k],
        dir: c.dir[k] === 1 ? 1 : -1,
        level: c.level[k],
        edge: EDGES[c.edge[k]],
      });
    }
    return out;
  }

  update(t: number): void {
    const L = this.swingLength;
    const { high, low } = this.bars;
    let skipHigh = this.skipHigh;
    let skipLow = this.skipLow;
    // Bar i = b - L is a high candidate when no high of bars i-L+1 .. i+L exceeds its own (a NaN anywhere
    // in the window fails the comparison, as NaN fails the reference's rolling max), else a low candidate
    // likewise. The window is checked outward from i and stops at the first bar that beats it: about two
    // comparisons per bar on market data, at most 2L-1 (L is a small constant), which on V8 beats an O(1)
    // van Herk / monotonic-deque window (their float max/min are branchy). When bar i+d is the first on
    // the right to beat bar i, it also beats (and is in the window of) every bar between them: those are
    // skipped (`skipHigh`, `skipLow`).
    for (let b = Math.max(this.processed, 3 * L - 1); b <= t; b++) {
      const i = b - L;
      if (i >= skipHigh) {
        const h = high[i];
        let ok = high[b] <= h;
        for (let d = 1; ok && d < L; d++) {
          if (!(high[i + d] <= h)) {
            ok = false;
            skipHigh = i + d;
          } else ok = high[i - d] <= h;
        }
        if (ok) {
          this.candidate(i, 1, b);
          continue;
        }
      }
      if (i >= skipLow) {
        const l = low[i];
        let ok = low[b] >= l;
        for (let d = 1; ok && d < L; d++) {
          if (!(low[i + d] >= l)) {
            ok = false;
            skipLow = i + d;
          } else ok = low[i - d] >= l;
        }
        if (ok) this.candidate(i, -1, b);
      }
    }
    this.skipHigh = skipHigh;
    this.skipLow = skipLow;
    this.processed = Math.max(this.processed, t + 1);
  }

  /** Bar i is a candidate of type `dir` known at `knownAt` (no float arguments: they would be boxed). */
  private candidate(i: number, dir: Dir, knownAt: number): void {
    if (this.runDir === dir) {
      const prev = this.survivor;
      const moreExtreme =
        dir === 1 ? this.bars.high[prev] < this.bars.high[i] : this.bars.low[prev] > this.bars.low[i];
      if (!moreExtreme) return;
      this.emit(prev, knownAt, dir, 1, 0);
    } else if (this.runDir === 0) {
      this.emit(0, knownAt, dir === 1 ? -1 : 1, 0, 1);
    }
    this.runDir = dir;
    this.survivor = i;
    this.lastRealDir = dir;
    this.emit(i, knownAt, dir, 0, 0);
  }

  /** Appends an event whose level is the anchor bar's high (dir 1) or low (dir -1). */
  private emit(anchor: number, knownAt: number, dir: Dir, revoked: number, edge: number): void {
    const c = this.columns;
    if (c.count === c.anchor.length) c.grow();
    const k = c.count++;
    c.anchor[k] = anchor;
    c.knownAt[k] = knownAt;
    c.dir[k] = dir;
    c.level[k] = dir === 1 ? this.bars.high[anchor] : this.bars.low[anchor];
    c.revoked[k] = revoked;
    c.edge[k] = edge;
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    const n = this.processed;
    if (this.lastRealDir === 0 || n === 0) return;
    this.emit(n - 1, n - 1, this.lastRealDir === 1 ? -1 : 1, 0, 2);
  }
}

/** Reference layout `HighLow, Level` from a detector's swing columns over `n` bars. */
export function renderSwings(swings: SwingColumns, n: number): ReferenceTable {
  const hl = nanColumn(n);
  const level = nanColumn(n);
  for (let k = 0; k < swings.count; k++) {
    const r = swings.anchor[k];
    if (swings.revoked[k] === 0) {
      hl[r] = swings.dir[k];
      level[r] = swings.level[k];
    } else {
      hl[r] = Number.NaN;
      level[r] = Number.NaN;
    }
  }
  return { header: ['HighLow', 'Level'], columns: [hl, level], formats: ['float', 'float'] };
}

/** Runs the detector over every bar of `bars` (including the end-of-series mark) and renders the table. */
export function swingHighsLows(
  bars: Bars,
  options: SwingOptions,
): { detector: SwingDetector; table: ReferenceTable } {
  const detector = new SwingDetector(bars, options);
  if (bars.length > 0) detector.update(bars.length - 1);
  detector.finish();
  return { detector, table: renderSwings(detector.columns, bars.length) };
}
