import { grown } from '../shared/dense.ts';
import {
  type Bars,
  type Dir,
  type EventBase,
  type Incremental,
  nanColumn,
  type ReferenceTable,
} from '../types.ts';
import { highCandidates, lowCandidates } from './window-extremes.ts';

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

/**
 * Bars filtered per block, and the scratch the filters write to. Shared by every detector of the thread:
 * `update` is synchronous and never re-entered, and a block fits the CPU caches.
 */
const BLOCK = 4096;
const HIGHS = new Int32Array(BLOCK);
const LOWS = new Int32Array(BLOCK);

export class SwingDetector implements Incremental<SwingEvent> {
  /** The events as typed columns: what the other primitives read. */
  readonly columns: SwingColumns;
  readonly swingLength: number;
  readonly warmup: number;
  processed = 0;
  private runDir = 0;
  private survivor = -1;
  /** The next bar to test as a candidate. */
  private nextCandidate = 0;
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
    // Bar i is tested once bar i+L is in (the first is 2L-1: the reference's window is complete there).
    // Highs and lows are filtered apart in blocks (window-extremes.ts), then replayed in bar order with a
    // high winning when a bar is both, as the reference's nested `np.where` does.
    const last = t - L;
    for (let from = Math.max(this.nextCandidate, 2 * L - 1); from <= last; from += BLOCK) {
      const to = Math.min(last + 1, from + BLOCK);
      const nh = highCandidates(high, from, to, L, HIGHS);
      const nl = lowCandidates(low, from, to, L, LOWS);
      this.reduceRuns(nh, nl, to);
      this.nextCandidate = to;
    }
    this.processed = Math.max(this.processed, t + 1);
  }

  /**
   * Replays a block's candidates (`HIGHS[0..nh)`, `LOWS[0..nl)`, below `end`) in bar order through the run
   * reduction. State lives in locals and the columns are sized up front: this loop runs once per candidate
   * (one bar in seven) and is most of what the detector costs after the filters.
   */
  private reduceRuns(nh: number, nl: number, end: number): void {
    const L = this.swingLength;
    const { high, low } = this.bars;
    const c = this.columns;
    let { anchor, knownAt, dir, level, revoked, edge } = c;
    let k = c.count;
    let runDir = this.runDir;
    let survivor = this.survivor;
    let a = 0;
    let b = 0;
    while (a < nh || b < nl) {
      const ih = a < nh ? HIGHS[a] : end;
      const il = b < nl ? LOWS[b] : end;
      let i: number;
      let d: Dir;
      if (ih <= il) {
        // A bar that is both is a high, as in the reference's nested `np.where`.
        if (ih === il) b++;
        a++;
        i = ih;
        d = 1;
      } else {
        b++;
        i = il;
        d = -1;
      }
      // At most two events per candidate: a revocation or the first-row mark, and the swing.
      if (k + 2 > anchor.length) {
        c.count = k;
        c.grow();
        ({ anchor, knownAt, dir, level, revoked, edge } = c);
      }
      const x = d === 1 ? high[i] : low[i];
      if (runDir === d) {
        const s = d === 1 ? high[survivor] : low[survivor];
        if (!(d === 1 ? s < x : s > x)) continue;
        anchor[k] = survivor;
        knownAt[k] = i + L;
        dir[k] = d;
        level[k] = s;
        revoked[k] = 1;
        edge[k] = 0;
        k++;
      } else if (runDir === 0) {
        anchor[k] = 0;
        knownAt[k] = i + L;
        dir[k] = -d;
        level[k] = d === 1 ? low[0] : high[0];
        revoked[k] = 0;
        edge[k] = 1;
        k++;
      }
      runDir = d;
      survivor = i;
      anchor[k] = i;
      knownAt[k] = i + L;
      dir[k] = d;
      level[k] = x;
      revoked[k] = 0;
      edge[k] = 0;
      k++;
    }
    c.count = k;
    this.runDir = runDir;
    this.survivor = survivor;
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
    if (this.runDir === 0 || n === 0) return;
    this.emit(n - 1, n - 1, this.runDir === 1 ? -1 : 1, 0, 2);
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
