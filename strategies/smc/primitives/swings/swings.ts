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

export class SwingDetector implements Incremental<SwingEvent> {
  readonly events: SwingEvent[] = [];
  readonly swingLength: number;
  readonly warmup: number;
  processed = 0;
  private runDir = 0;
  private survivor = -1;
  private readonly mask: number;
  /** Position of the next bar within its W-aligned block. */
  private blockPos = 0;
  private readonly preH: Float64Array;
  private readonly preL: Float64Array;
  private readonly sufH: Float64Array;
  private readonly sufL: Float64Array;
  private lastReal: SwingEvent | undefined;
  private finished = false;

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
    // Rings of a power-of-two size holding at least two W-blocks.
    let size = 1;
    while (size < 4 * L) size <<= 1;
    this.mask = size - 1;
    this.preH = new Float64Array(size);
    this.preL = new Float64Array(size);
    this.sufH = new Float64Array(size);
    this.sufL = new Float64Array(size);
  }

  update(t: number): void {
    const L = this.swingLength;
    const W = 2 * L;
    const mask = this.mask;
    const { high, low } = this.bars;
    const preH = this.preH;
    const preL = this.preL;
    const sufH = this.sufH;
    const sufL = this.sufL;
    // Window maxima/minima over the last W = 2L bars by van Herk / Gil-Werman blocks: running maxima within
    // each W-aligned block (`pre`) and, once a block is complete, its suffix maxima (`suf`); the window
    // ending at b is max(suf[b-W+1], pre[b]). Branch-free and O(1) per bar; bar i = b-L is a candidate
    // when it equals its window's extremum (NaN never does, as with the reference's rolling max).
    let pos = this.blockPos;
    for (let b = this.processed; b <= t; b++) {
      const r = b & mask;
      const start = pos === 0;
      preH[r] = start ? high[b] : Math.max(preH[(b - 1) & mask], high[b]);
      preL[r] = start ? low[b] : Math.min(preL[(b - 1) & mask], low[b]);
      const aligned = pos === W - 1;
      pos = aligned ? 0 : pos + 1;
      if (aligned) {
        sufH[r] = high[b];
        sufL[r] = low[b];
        for (let j = b - 1; j > b - W; j--) {
          sufH[j & mask] = Math.max(sufH[(j + 1) & mask], high[j]);
          sufL[j & mask] = Math.min(sufL[(j + 1) & mask], low[j]);
        }
      }
      if (b < 3 * L - 1) continue;
      const i = b - L;
      const f = (b - W + 1) & mask;
      const maxH = aligned ? preH[r] : Math.max(sufH[f], preH[r]);
      if (high[i] === maxH) {
        this.candidate(i, 1, high[i], b);
        continue;
      }
      const minL = aligned ? preL[r] : Math.min(sufL[f], preL[r]);
      if (low[i] === minL) this.candidate(i, -1, low[i], b);
    }
    if (t >= this.processed) this.blockPos = pos;
    this.processed = Math.max(this.processed, t + 1);
  }

  private candidate(i: number, dir: Dir, level: number, knownAt: number): void {
    if (this.runDir === dir) {
      const prev = this.survivor;
      const prevLevel = dir === 1 ? this.bars.high[prev] : this.bars.low[prev];
      const moreExtreme = dir === 1 ? prevLevel < level : prevLevel > level;
      if (!moreExtreme) return;
      this.events.push({ type: 'swing-revoked', anchor: prev, knownAt, dir, level: prevLevel, edge: 'none' });
    } else if (this.runDir === 0) {
      const d: Dir = dir === 1 ? -1 : 1;
      const lv = d === 1 ? this.bars.high[0] : this.bars.low[0];
      this.events.push({ type: 'swing', anchor: 0, knownAt, dir: d, level: lv, edge: 'first' });
    }
    this.runDir = dir;
    this.survivor = i;
    const ev: SwingEvent = { type: 'swing', anchor: i, knownAt, dir, level, edge: 'none' };
    this.lastReal = ev;
    this.events.push(ev);
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    const last = this.lastReal;
    const n = this.processed;
    if (last === undefined || n === 0) return;
    const d: Dir = last.dir === 1 ? -1 : 1;
    const lv = d === 1 ? this.bars.high[n - 1] : this.bars.low[n - 1];
    this.events.push({ type: 'swing', anchor: n - 1, knownAt: n - 1, dir: d, level: lv, edge: 'last' });
  }
}

/** Reference layout `HighLow, Level` from swing events over `n` bars. */
export function renderSwings(events: readonly SwingEvent[], n: number): ReferenceTable {
  const hl = nanColumn(n);
  const level = nanColumn(n);
  for (const e of events) {
    if (e.type === 'swing') {
      hl[e.anchor] = e.dir;
      level[e.anchor] = e.level;
    } else {
      hl[e.anchor] = Number.NaN;
      level[e.anchor] = Number.NaN;
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
  return { detector, table: renderSwings(detector.events, bars.length) };
}
