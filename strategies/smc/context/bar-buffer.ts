import type { Timeframe } from '../../../data/timeframes.ts';
import { Float64Column } from './growable.ts';

/** One candle as the live path receives it; `ts` is the open time (UTC ms). */
export interface Bar {
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/**
 * A growing columnar candle buffer with the same column names as a CandleSeries, for the stepping path.
 * Column getters return the current backing arrays; they are replaced when the buffer grows.
 */
export class BarBuffer {
  readonly timeframe: Timeframe;
  private readonly cols = {
    ts: new Float64Column(),
    open: new Float64Column(),
    high: new Float64Column(),
    low: new Float64Column(),
    close: new Float64Column(),
    volume: new Float64Column(),
  };

  constructor(timeframe: Timeframe) {
    this.timeframe = timeframe;
  }

  get length(): number {
    return this.cols.ts.length;
  }
  get ts(): Float64Array {
    return this.cols.ts.data;
  }
  get open(): Float64Array {
    return this.cols.open.data;
  }
  get high(): Float64Array {
    return this.cols.high.data;
  }
  get low(): Float64Array {
    return this.cols.low.data;
  }
  get close(): Float64Array {
    return this.cols.close.data;
  }
  get volume(): Float64Array {
    return this.cols.volume.data;
  }

  /**
   * Appends a bar; returns true when the columns were reallocated, after which consumers that kept
   * references to the old arrays must be rebuilt.
   */
  push(b: Bar): boolean {
    const grew = this.cols.ts.push(b.ts);
    this.cols.open.push(b.open);
    this.cols.high.push(b.high);
    this.cols.low.push(b.low);
    this.cols.close.push(b.close);
    this.cols.volume.push(b.volume);
    return grew;
  }
}
