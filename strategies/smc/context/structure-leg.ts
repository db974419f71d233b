import { Float64Column, Int8Column, Int32Column } from './growable.ts';

/**
 * A break of structure as the pipeline needs it: direction, kind, the broken level, the bar of the broken
 * swing (`anchor`), the bar whose close broke the level (`brokenIndex`) and the bar at whose close the
 * whole fact became knowable (`knownAt` ≥ brokenIndex, ≥ anchor: the swing pattern may be confirmed
 * after the break). Adapted from the BOS/CHoCH primitive (strategies/smc/primitives).
 */
export interface StructureBreak {
  /** 1 = bullish (a swing high broken upwards), -1 = bearish. */
  readonly dir: 1 | -1;
  readonly kind: 'BOS' | 'CHOCH';
  readonly level: number;
  readonly anchor: number;
  readonly brokenIndex: number;
  readonly knownAt: number;
}

export const KIND_BOS = 1;
export const KIND_CHOCH = 2;

/** Read access to one timeframe's candles (a CandleSeries or a growing live buffer). */
export interface OhlcView {
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
}

/**
 * The structure leg of the latest known break, one row per bar of its timeframe: after the close of bar
 * j, which break is current, where its impulse started (`origin`: the lowest low from the broken swing to
 * the break bar for a bullish break, the highest high for a bearish one), how far it has gone since
 * (`extreme`: highest high / lowest low from the break bar to j) and whether a close after the break bar
 * has gone back beyond the origin (`invalidated`). A newer break replaces the current one. Everything at
 * row j depends only on bars ≤ j and breaks known at or before j.
 *
 * O(1) per bar plus, once per break, a scan of the bars from its swing to the bar it became known.
 */
export class StructureLegTracker {
  readonly dir: Int8Column;
  readonly kind: Int8Column;
  readonly level: Float64Column;
  readonly origin: Float64Column;
  readonly extreme: Float64Column;
  /** Bar index at which the current break became known, -1 when none. */
  readonly knownAt: Int32Column;
  readonly invalidated: Int8Column;

  private cDir = 0;
  private cKind = 0;
  private cLevel = Number.NaN;
  private cOrigin = Number.NaN;
  private cExtreme = Number.NaN;
  private cKnownAt = -1;
  private cInvalid = 0;

  constructor(capacity = 64) {
    this.dir = new Int8Column(capacity);
    this.kind = new Int8Column(capacity);
    this.level = new Float64Column(capacity);
    this.origin = new Float64Column(capacity);
    this.extreme = new Float64Column(capacity);
    this.knownAt = new Int32Column(capacity);
    this.invalidated = new Int8Column(capacity);
  }

  get length(): number {
    return this.dir.length;
  }

  /**
   * Starts a break known at bar `ev.knownAt`; call before {@link close} of that bar. Later calls for the
   * same bar replace earlier ones (the latest break wins).
   */
  onBreak(ev: StructureBreak, bars: OhlcView): void {
    const known = ev.knownAt;
    const broken = Math.min(Math.max(ev.brokenIndex, 0), known);
    const from = Math.max(0, Math.min(ev.anchor, broken));
    const up = ev.dir > 0;
    let origin = up ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    for (let k = from; k <= broken; k++) {
      if (up ? bars.low[k] < origin : bars.high[k] > origin) origin = up ? bars.low[k] : bars.high[k];
    }
    let extreme = up ? bars.high[broken] : bars.low[broken];
    let invalid = 0;
    for (let k = broken + 1; k <= known; k++) {
      if (up ? bars.high[k] > extreme : bars.low[k] < extreme) extreme = up ? bars.high[k] : bars.low[k];
      if (up ? bars.close[k] < origin : bars.close[k] > origin) invalid = 1;
    }
    this.cDir = ev.dir;
    this.cKind = ev.kind === 'BOS' ? KIND_BOS : KIND_CHOCH;
    this.cLevel = ev.level;
    this.cOrigin = origin;
    this.cExtreme = extreme;
    this.cKnownAt = known;
    this.cInvalid = invalid;
  }

  /** Closes bar j (the next row): updates the leg with bar j and appends the row. */
  close(j: number, bars: OhlcView): void {
    if (this.cDir !== 0 && j > this.cKnownAt) {
      const up = this.cDir > 0;
      const h = bars.high[j];
      const l = bars.low[j];
      if (up ? h > this.cExtreme : l < this.cExtreme) this.cExtreme = up ? h : l;
      const c = bars.close[j];
      if (up ? c < this.cOrigin : c > this.cOrigin) this.cInvalid = 1;
    }
    this.dir.push(this.cDir);
    this.kind.push(this.cKind);
    this.level.push(this.cLevel);
    this.origin.push(this.cOrigin);
    this.extreme.push(this.cExtreme);
    this.knownAt.push(this.cKnownAt);
    this.invalidated.push(this.cInvalid);
  }

  /**
   * Closes bars `length`..`to` in one pass, applying `breaks` (knownAt order, each known within that range)
   * at their bars: the same rows as {@link onBreak} then {@link close} bar by bar, written straight into
   * the columns instead of one push per column and row.
   */
  closeThrough(to: number, bars: OhlcView, breaks: readonly StructureBreak[]): void {
    const from = this.length;
    if (to < from) return;
    const n = to + 1;
    this.dir.reserve(n);
    this.kind.reserve(n);
    this.level.reserve(n);
    this.origin.reserve(n);
    this.extreme.reserve(n);
    this.knownAt.reserve(n);
    this.invalidated.reserve(n);
    const dirCol = this.dir.data;
    const kindCol = this.kind.data;
    const levelCol = this.level.data;
    const originCol = this.origin.data;
    const extremeCol = this.extreme.data;
    const knownAtCol = this.knownAt.data;
    const invalidCol = this.invalidated.data;
    const { high, low, close } = bars;
    let b = 0;
    let nextBreak = breaks.length > 0 ? breaks[0].knownAt : Number.POSITIVE_INFINITY;
    // The current leg in locals between breaks (written back before and read again after each onBreak).
    let dir = this.cDir;
    let kind = this.cKind;
    let level = this.cLevel;
    let origin = this.cOrigin;
    let extreme = this.cExtreme;
    let knownAt = this.cKnownAt;
    let invalid = this.cInvalid;
    for (let j = from; j <= to; j++) {
      if (j >= nextBreak) {
        this.cExtreme = extreme;
        this.cInvalid = invalid;
        while (b < breaks.length && breaks[b].knownAt <= j) this.onBreak(breaks[b++], bars);
        nextBreak = b < breaks.length ? breaks[b].knownAt : Number.POSITIVE_INFINITY;
        dir = this.cDir;
        kind = this.cKind;
        level = this.cLevel;
        origin = this.cOrigin;
        extreme = this.cExtreme;
        knownAt = this.cKnownAt;
        invalid = this.cInvalid;
      }
      if (dir !== 0 && j > knownAt) {
        if (dir > 0) {
          if (high[j] > extreme) extreme = high[j];
          if (close[j] < origin) invalid = 1;
        } else {
          if (low[j] < extreme) extreme = low[j];
          if (close[j] > origin) invalid = 1;
        }
      }
      dirCol[j] = dir;
      kindCol[j] = kind;
      levelCol[j] = level;
      originCol[j] = origin;
      extremeCol[j] = extreme;
      knownAtCol[j] = knownAt;
      invalidCol[j] = invalid;
    }
    this.cExtreme = extreme;
    this.cInvalid = invalid;
    this.dir.length = n;
    this.kind.length = n;
    this.level.length = n;
    this.origin.length = n;
    this.extreme.length = n;
    this.knownAt.length = n;
    this.invalidated.length = n;
  }
}
