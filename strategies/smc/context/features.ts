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
  private readonly zone = new Float64Array(2);
  private bars: OhlcView | null = null;
  private readonly onBreak = (ev: StructureBreak): void => {
    if (this.bars !== null) this.leg.onBreak(ev, this.bars);
  };

  constructor(timeframe: Timeframe, source: StructureSource, capacity?: number) {
    this.timeframe = timeframe;
    this.source = source;
    this.leg = new StructureLegTracker(capacity);
    this.obBullLow = new Float64Column(capacity);
    this.obBullHigh = new Float64Column(capacity);
    this.obBearLow = new Float64Column(capacity);
    this.obBearHigh = new Float64Column(capacity);
    this.fvgBullLow = new Float64Column(capacity);
    this.fvgBullHigh = new Float64Column(capacity);
    this.fvgBearLow = new Float64Column(capacity);
    this.fvgBearHigh = new Float64Column(capacity);
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
    // Events first (breaks, and the zones after each bar that changed them), then the rows in one pass:
    // between event bars the zones repeat and the leg only steps its extreme and invalidation.
    const breaks: StructureBreak[] = [];
    const zoneAt: number[] = [];
    const zoneValues: number[] = [];
    const out = this.zone;
    const readZones = () => {
      source.activeZone('ob', 1, out);
      zoneValues.push(out[0], out[1]);
      source.activeZone('ob', -1, out);
      zoneValues.push(out[0], out[1]);
      source.activeZone('fvg', 1, out);
      zoneValues.push(out[0], out[1]);
      source.activeZone('fvg', -1, out);
      zoneValues.push(out[0], out[1]);
    };
    const from = this.length;
    zoneAt.push(from);
    readZones();
    source.closeBars(
      bars,
      to,
      (ev) => breaks.push(ev),
      (j, zonesChanged) => {
        if (!zonesChanged) return;
        zoneAt.push(j);
        readZones();
      },
    );
    this.leg.closeThrough(to, bars, breaks);
    // One pass over the rows: zoneAt[c] starts a run of rows holding zoneValues[8c .. 8c+7].
    const cols = [
      this.obBullLow,
      this.obBullHigh,
      this.obBearLow,
      this.obBearHigh,
      this.fvgBullLow,
      this.fvgBullHigh,
      this.fvgBearLow,
      this.fvgBearHigh,
    ];
    for (const col of cols) col.reserve(to + 1);
    const [a0, a1, a2, a3, a4, a5, a6, a7] = cols.map((col) => col.data);
    let v0 = 0;
    let v1 = 0;
    let v2 = 0;
    let v3 = 0;
    let v4 = 0;
    let v5 = 0;
    let v6 = 0;
    let v7 = 0;
    let c = 0;
    let next = zoneAt[0];
    for (let j = from; j <= to; j++) {
      // (`while`: the first bar may have two entries, the state before the batch and after its events.)
      while (j === next) {
        const o = c * 8;
        v0 = zoneValues[o];
        v1 = zoneValues[o + 1];
        v2 = zoneValues[o + 2];
        v3 = zoneValues[o + 3];
        v4 = zoneValues[o + 4];
        v5 = zoneValues[o + 5];
        v6 = zoneValues[o + 6];
        v7 = zoneValues[o + 7];
        c++;
        next = c < zoneAt.length ? zoneAt[c] : -1;
      }
      a0[j] = v0;
      a1[j] = v1;
      a2[j] = v2;
      a3[j] = v3;
      a4[j] = v4;
      a5[j] = v5;
      a6[j] = v6;
      a7[j] = v7;
    }
    for (const col of cols) col.length = to + 1;
  }

  private pushZone(kind: 'ob' | 'fvg', dir: 1 | -1, lowCol: Float64Column, highCol: Float64Column): void {
    this.source.activeZone(kind, dir, this.zone);
    lowCol.push(this.zone[0]);
    highCol.push(this.zone[1]);
  }
}
