import { DenseRows } from '../shared/dense.ts';
import type { Bars, ReferenceTable } from '../types.ts';

/**
 * Previous high and low of a higher timeframe as the reference package computes them
 * (`previous_high_low(time_frame)`): the bars are resampled (pandas bins: 15m/1h/4h/1D start-labelled and
 * UTC-midnight aligned, W weeks Monday–Sunday labelled by their Sunday; empty bins dropped), and for each
 * bar the bins whose label is before the bar's time are taken; the second-to-last of them gives
 * PreviousHigh/PreviousLow (float32). BrokenHigh/BrokenLow turn 1 once a bar's high/low goes beyond that
 * level, and reset when that bin changes.
 *
 * Note what "second-to-last bin labelled before the bar" means: for a bar inside a bin it is the previous
 * bin, but for the first bar of a start-labelled bin it is the bin before the previous one, and with
 * end-labelled weeks it is the week before last. That bin is always complete at the bar, so every row is
 * knowable at its own bar (`knownAt = bar`).
 */
export type PreviousHighLowTimeframe = '15m' | '1h' | '4h' | '1d' | '1w';

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const BIN_MS: Record<Exclude<PreviousHighLowTimeframe, '1w'>, number> = {
  '15m': 15 * MINUTE,
  '1h': 60 * MINUTE,
  '4h': 240 * MINUTE,
  '1d': DAY,
};

/** The pandas bin label of a bar opening at `ts` (UTC ms). */
export function binLabel(ts: number, tf: PreviousHighLowTimeframe): number {
  if (tf !== '1w') {
    const w = BIN_MS[tf];
    return Math.floor(ts / w) * w;
  }
  const day = Math.floor(ts / DAY);
  const dow = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  return (day + ((7 - dow) % 7)) * DAY;
}

/** Bars with their open times (UTC ms). */
export interface TimedBars extends Bars {
  readonly ts: Float64Array;
}

export class PreviousHighLowTracker {
  /** Rows PreviousHigh, PreviousLow, BrokenHigh, BrokenLow, one per bar, `knownAt` = the bar. */
  readonly rows: DenseRows;
  readonly warmup = 0;
  processed = 0;
  private readonly labels: number[] = [];
  private readonly highs: number[] = [];
  private readonly lows: number[] = [];
  private brokenHigh = false;
  private brokenLow = false;
  private brokenBin = -1;

  constructor(
    readonly bars: TimedBars,
    readonly timeframe: PreviousHighLowTimeframe,
  ) {
    this.rows = new DenseRows(4, bars.length);
  }

  update(t: number): void {
    const { ts, high, low } = this.bars;
    for (let i = this.processed; i <= t; i++) {
      this.processed = i + 1;
      const label = binLabel(ts[i], this.timeframe);
      const last = this.labels.length - 1;
      if (last < 0 || this.labels[last] !== label) {
        this.labels.push(label);
        this.highs.push(high[i]);
        this.lows.push(low[i]);
      } else {
        if (high[i] > this.highs[last]) this.highs[last] = high[i];
        if (low[i] < this.lows[last]) this.lows[last] = low[i];
      }
      const cur = this.labels.length - 1;
      const before = this.labels[cur] < ts[i] ? cur + 1 : cur;
      if (before <= 1) {
        this.rows.push(i, Number.NaN, Number.NaN, 0, 0);
        continue;
      }
      const bin = before - 2;
      if (bin !== this.brokenBin) {
        this.brokenHigh = false;
        this.brokenLow = false;
        this.brokenBin = bin;
      }
      const ph = Math.fround(this.highs[bin]);
      const pl = Math.fround(this.lows[bin]);
      this.brokenHigh = high[i] > ph || this.brokenHigh;
      this.brokenLow = low[i] < pl || this.brokenLow;
      this.rows.push(i, ph, pl, this.brokenHigh ? 1 : 0, this.brokenLow ? 1 : 0);
    }
  }

  finish(): void {}
}

export function renderPreviousHighLow(tracker: PreviousHighLowTracker, n: number): ReferenceTable {
  const cols = tracker.rows.columns.map((c) => c.slice(0, n));
  return {
    header: ['PreviousHigh', 'PreviousLow', 'BrokenHigh', 'BrokenLow'],
    columns: cols,
    formats: ['float32', 'float32', 'int', 'int'],
  };
}

/** Runs the tracker over every bar and renders the table. */
export function previousHighLow(
  bars: TimedBars,
  timeframe: PreviousHighLowTimeframe,
): { tracker: PreviousHighLowTracker; table: ReferenceTable } {
  const tracker = new PreviousHighLowTracker(bars, timeframe);
  if (bars.length > 0) tracker.update(bars.length - 1);
  return { tracker, table: renderPreviousHighLow(tracker, bars.length) };
}
