import type { Timeframe } from '../../../data/timeframes.ts';
import { Atr } from '../indicators/atr.ts';
import { Ema } from '../indicators/ema.ts';
import { RollingPercentileRank } from '../indicators/percentile-rank.ts';
import type { Bars } from '../primitives/types.ts';
import { Float64Column } from './growable.ts';
import { type OhlcView, type StructureBreak, StructureLegTracker } from './structure-leg.ts';

/**
 * Causal per-timeframe series the gates read, one row per bar of that timeframe, row j computed from bars
 * ≤ j only. Each feature is built bar by bar (`closeBar`), so the batch path (all bars at once) and the
 * live path (one bar at a time) run the very same code and produce the very same rows. Features depend
 * only on (candles, their own parameters), so a sweep can cache them per (symbol, timeframe, parameters)
 * and share them across configs that differ in later gates only.
 */
export interface TimeframeFeature {
  readonly timeframe: Timeframe;
  /** Rows built so far. */
  readonly length: number;
  /** Adds row j (bars must arrive in order j = length). */
  closeBar(bars: Bars, j: number): void;
  /** Adds rows `length`..`to` at once: the same rows as {@link closeBar} for each of them, faster. */
  closeThrough?(bars: Bars, to: number): void;
}

/** EMA of the close (daily bias, seed §5 gate 1). */
export class EmaFeature implements TimeframeFeature {
  readonly timeframe: Timeframe;
  readonly ema: Float64Column;
  private readonly calc: Ema;
  constructor(timeframe: Timeframe, period: number, capacity?: number) {
    this.timeframe = timeframe;
    this.calc = new Ema(period);
    this.ema = new Float64Column(capacity);
  }
  get length(): number {
    return this.ema.length;
  }
  closeBar(bars: OhlcView, j: number): void {
    this.ema.push(this.calc.push(bars.close[j]));
  }
}

/** Wilder ATR and the rolling percentile of ATR/close (stops, regime). */
export class AtrFeature implements TimeframeFeature {
  readonly timeframe: Timeframe;
  readonly atr: Float64Column;
  readonly atrPercentile: Float64Column;
  private readonly calc: Atr;
  private readonly rank: RollingPercentileRank;
  constructor(timeframe: Timeframe, period: number, percentileWindow: number, capacity?: number) {
    this.timeframe = timeframe;
    this.calc = new Atr(period);
    this.rank = new RollingPercentileRank(percentileWindow);
    this.atr = new Float64Column(capacity);
    this.atrPercentile = new Float64Column(capacity);
  }
  get length(): number {
    return this.atr.length;
  }
  closeBar(bars: OhlcView, j: number): void {
    const a = this.calc.push(bars.high[j], bars.low[j], bars.close[j]);
    this.atr.push(a);
    this.atrPercentile.push(this.rank.push(a / bars.close[j]));
  }
}

/**
 * Source of structure events for one timeframe: fed bar j (after bars < j), it reports every break that
 * became knowable at bar j's close, plus the zones (order blocks, fair value gaps) active after it.
 * Implemented over the primitives by {@link ./primitive-source.ts}.
 */
export interface StructureSource {
  /** Feeds bar j; calls `onBreak` for each break with knownAt === j, in the primitive's order. */
  closeBar(bars: Bars, j: number, onBreak: (ev: StructureBreak) => void): void;
  /**
   * Latest zone of direction `dir` (1 bullish, -1 bearish) of `kind` still active after the last fed bar:
   * writes [bottom, top] into `out`, or NaNs when none.
   */
  activeZone(kind: 'ob' | 'fvg', dir: 1 | -1, out: Float64Array): void;
  /**
   * Optional: all four zones at once into `out[0..8)` — ob bullish [bottom, top], ob bearish, fvg bullish,
   * fvg bearish — the same values as four {@link activeZone} calls.
   */
  activeZonesInto?(out: Float64Array): void;
  /**
   * Optional batch form: feeds bars from the next unfed one through `to`. For each bar j at which events
   * came, in order, it reports the same breaks as {@link closeBar} would, then calls
   * `afterEvents(j, zonesChanged)` (zones read there are those after bar j). Bars without events are
   * not reported: their breaks and zones are those of the bar before.
   */
  closeBars?(
    bars: Bars,
    to: number,
    onBreak: (ev: StructureBreak) => void,
    afterEvents: (j: number, zonesChanged: boolean) => void,
  ): void;
}

function noZoneEvents(): void {}

/**
 * Structure leg per bar plus the latest active order block and fair value gap per direction (score
 * confluences), on one structure timeframe (4H decision, 1H fallback/alignment).
 */
export class StructureFeature implements TimeframeFeature {
  readonly timeframe: Timeframe;
  readonly leg: StructureLegTracker;
  readonly obBullLow: Float64Column;
  readonly obBullHigh: Float64Column;
  readonly obBearLow: Float64Column;
  readonly obBearHigh: Float64Column;
  readonly fvgBullLow: Float64Column;
  readonly fvgBullHigh: Float64Column;
  readonly fvgBearLow: Float64Column;
  readonly fvgBearHigh: Float64Column;
  private readonly source: StructureSource;
  private readonly zones: boolean;
  private readonly zone = new Float64Array(2);
  private bars: OhlcView | null = null;
  private readonly onBreak = (ev: StructureBreak): void => {
    if (this.bars !== null) this.leg.onBreak(ev, this.bars);
  };

  /**
   * @param opts.zones false when no reader needs the zone columns and the source tracks none (see
   * createPrimitiveStructureSource): every zone row is then NaN (none active), and the batch path keeps
   * one NaN column for all eight instead of writing each.
   */
  constructor(
    timeframe: Timeframe,
    source: StructureSource,
    capacity?: number,
    opts: { readonly zones?: boolean } = {},
  ) {
    this.timeframe = timeframe;
    this.source = source;
    this.zones = opts.zones ?? true;
    this.leg = new StructureLegTracker(capacity);
    const zoneCapacity = this.zones ? capacity : 1;
    this.obBullLow = new Float64Column(zoneCapacity);
    this.obBullHigh = new Float64Column(zoneCapacity);
    this.obBearLow = new Float64Column(zoneCapacity);
    this.obBearHigh = new Float64Column(zoneCapacity);
    this.fvgBullLow = new Float64Column(zoneCapacity);
    this.fvgBullHigh = new Float64Column(zoneCapacity);
    this.fvgBearLow = new Float64Column(zoneCapacity);
    this.fvgBearHigh = new Float64Column(zoneCapacity);
  }

  get length(): number {
    return this.leg.length;
  }

  closeBar(bars: Bars, j: number): void {
    this.bars = bars;
    this.source.closeBar(bars, j, this.onBreak);
    this.leg.close(j, bars);
    this.pushZone('ob', 1, this.obBullLow, this.obBullHigh);
    this.pushZone('ob', -1, this.obBearLow, this.obBearHigh);
    this.pushZone('fvg', 1, this.fvgBullLow, this.fvgBullHigh);
    this.pushZone('fvg', -1, this.fvgBearLow, this.fvgBearHigh);
    this.bars = null;
  }

  closeThrough(bars: Bars, to: number): void {
    const source = this.source;
    if (source.closeBars === undefined) {
      for (let j = this.length; j <= to; j++) this.closeBar(bars, j);
      return;
    }
    // Events first (breaks, and the zones after each bar that changed them), then the rows: between event
    // bars the zones repeat and the leg only steps its extreme and invalidation.
    const breaks: StructureBreak[] = [];
    const from = this.length;
    const cols = this.zoneCols;
    if (!this.zones) {
      source.closeBars(bars, to, (ev) => breaks.push(ev), noZoneEvents);
      this.leg.closeThrough(to, bars, breaks);
      // every zone row is NaN, before this batch as in it: one shared column
      const none = new Float64Array(to + 1).fill(Number.NaN);
      for (const col of cols) {
        col.data = none;
        col.length = to + 1;
      }
      return;
    }
    for (const col of cols) col.reserve(to + 1);
    this.fillFrom = from;
    this.readZones();
    source.closeBars(bars, to, (ev) => breaks.push(ev), this.onZoneEvents);
    this.fillZones(to + 1);
    this.leg.closeThrough(to, bars, breaks);
    for (const col of cols) col.length = to + 1;
  }

  /** Zone columns in the order of {@link zoneNow}: ob bull low/high, ob bear, fvg bull, fvg bear. */
  private get zoneCols(): Float64Column[] {
    return [
      this.obBullLow,
      this.obBullHigh,
      this.obBearLow,
      this.obBearHigh,
      this.fvgBullLow,
      this.fvgBullHigh,
      this.fvgBearLow,
      this.fvgBearHigh,
    ];
  }

  /** The source's active zones now (see {@link zoneCols}), while a batch is written. */
  private readonly zoneNow = new Float64Array(8);
  /** First row of the batch not written yet. */
  private fillFrom = 0;
  private readonly onZoneEvents = (j: number, zonesChanged: boolean): void => {
    if (!zonesChanged) return;
    // rows before j hold the zones as they were before bar j's events
    this.fillZones(j);
    this.readZones();
  };

  private readZones(): void {
    const out = this.zone;
    const now = this.zoneNow;
    const source = this.source;
    if (source.activeZonesInto !== undefined) {
      source.activeZonesInto(now);
      return;
    }
    source.activeZone('ob', 1, out);
    now[0] = out[0];
    now[1] = out[1];
    source.activeZone('ob', -1, out);
    now[2] = out[0];
    now[3] = out[1];
    source.activeZone('fvg', 1, out);
    now[4] = out[0];
    now[5] = out[1];
    source.activeZone('fvg', -1, out);
    now[6] = out[0];
    now[7] = out[1];
  }

  /** Writes the current zones into rows [fillFrom, end) (columns already reserved). */
  private fillZones(end: number): void {
    const start = this.fillFrom;
    if (end <= start) return;
    const now = this.zoneNow;
    // (Runs are a few rows long: a plain loop beats eight fill() calls.)
    const a0 = this.obBullLow.data;
    const a1 = this.obBullHigh.data;
    const a2 = this.obBearLow.data;
    const a3 = this.obBearHigh.data;
    const a4 = this.fvgBullLow.data;
    const a5 = this.fvgBullHigh.data;
    const a6 = this.fvgBearLow.data;
    const a7 = this.fvgBearHigh.data;
    const v0 = now[0];
    const v1 = now[1];
    const v2 = now[2];
    const v3 = now[3];
    const v4 = now[4];
    const v5 = now[5];
    const v6 = now[6];
    const v7 = now[7];
    for (let j = start; j < end; j++) {
      a0[j] = v0;
      a1[j] = v1;
      a2[j] = v2;
      a3[j] = v3;
      a4[j] = v4;
      a5[j] = v5;
      a6[j] = v6;
      a7[j] = v7;
    }
    this.fillFrom = end;
  }

  private pushZone(kind: 'ob' | 'fvg', dir: 1 | -1, lowCol: Float64Column, highCol: Float64Column): void {
    this.source.activeZone(kind, dir, this.zone);
    lowCol.push(this.zone[0]);
    highCol.push(this.zone[1]);
  }
}
