import { alignDown, TIMEFRAME_MS, type Timeframe } from '../../../data/timeframes.ts';
import type { Bar } from './bar-buffer.ts';

/**
 * Builds higher-timeframe bars from base bars as they close (live path), with the batch resampler's rules:
 * UTC-aligned buckets, open = first, high = max, low = min, close = last, volume = sum; a bucket missing
 * some base bars (a gap, or the start of the data) still makes a bar from the ones it has.
 *
 * A bar is emitted once it is closed: when the base bar that ends its bucket arrives, or — after a gap —
 * when a base bar of a later bucket arrives (then before that bar is taken in). Never earlier, so no
 * consumer can see a partially formed bar.
 */
export class IncrementalResampler {
  readonly base: Timeframe;
  readonly target: Timeframe;
  private readonly baseMs: number;
  private readonly targetMs: number;
  private bucket = Number.NaN;
  private o = 0;
  private h = 0;
  private l = 0;
  private c = 0;
  private v = 0;

  constructor(base: Timeframe, target: Timeframe) {
    if (TIMEFRAME_MS[target] % TIMEFRAME_MS[base] !== 0 || TIMEFRAME_MS[target] < TIMEFRAME_MS[base]) {
      throw new Error(`cannot resample ${base} to ${target}: the target must be a multiple of the base`);
    }
    this.base = base;
    this.target = target;
    this.baseMs = TIMEFRAME_MS[base];
    this.targetMs = TIMEFRAME_MS[target];
  }

  /** Takes a closed base bar; calls `emit` for every higher bar that is closed once it has closed. */
  push(b: Bar, emit: (bar: Bar) => void): void {
    const bucket = alignDown(b.ts, this.target);
    if (!Number.isNaN(this.bucket) && bucket !== this.bucket) {
      if (bucket < this.bucket) {
        throw new Error(`base bar ${b.ts} is older than the bucket being built (${this.bucket})`);
      }
      emit(this.current());
      this.bucket = Number.NaN;
    }
    if (Number.isNaN(this.bucket)) {
      this.bucket = bucket;
      this.o = b.open;
      this.h = b.high;
      this.l = b.low;
      this.c = b.close;
      this.v = b.volume;
    } else {
      if (b.high > this.h) this.h = b.high;
      if (b.low < this.l) this.l = b.low;
      this.c = b.close;
      this.v += b.volume;
    }
    if (b.ts + this.baseMs === bucket + this.targetMs) {
      emit(this.current());
      this.bucket = Number.NaN;
    }
  }

  private current(): Bar {
    return { ts: this.bucket, open: this.o, high: this.h, low: this.l, close: this.c, volume: this.v };
  }
}
