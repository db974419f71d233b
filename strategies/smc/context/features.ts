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

  private pushZone(kind: 'ob' | 'fvg', dir: 1 | -1, lowCol: Float64Column, highCol: Float64Column): void {
    this.source.activeZone(kind, dir, this.zone);
    lowCol.push(this.zone[0]);
    highCol.push(this.zone[1]);
  }
}
