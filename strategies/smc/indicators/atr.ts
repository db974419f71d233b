/**
 * Average True Range (Wilder), incremental. True range of the first bar is high − low; the ATR is seeded
 * with the simple average of the first `period` true ranges and then smoothed with 1/period (Wilder's
 * RMA), as TA-Lib, Tulip Indicators and trading-signals do.
 */
export class Atr {
  readonly period: number;
  private count = 0;
  private sumTr = 0;
  private prevClose = Number.NaN;
  private current = Number.NaN;

  constructor(period: number) {
    if (!Number.isInteger(period) || period < 1) {
      throw new Error(`ATR period ${period} is invalid: use an integer ≥ 1`);
    }
    this.period = period;
  }

  /** Adds a bar and returns the ATR after it (NaN until `period` bars were added). */
  push(high: number, low: number, close: number): number {
    let tr = high - low;
    if (this.count > 0) {
      const up = Math.abs(high - this.prevClose);
      const down = Math.abs(low - this.prevClose);
      if (up > tr) tr = up;
      if (down > tr) tr = down;
    }
    this.prevClose = close;
    this.count++;
    if (this.count < this.period) {
      this.sumTr += tr;
    } else if (this.count === this.period) {
      this.sumTr += tr;
      this.current = this.sumTr / this.period;
    } else {
      this.current += (tr - this.current) / this.period;
    }
    return this.current;
  }

  get value(): number {
    return this.current;
  }

  get isStable(): boolean {
    return this.count >= this.period;
  }
}
