/**
 * Exponential moving average, incremental: O(1) per value, no history kept. Seeded with the simple
 * average of the first `period` values (the TA-Lib / trading-signals convention), so the first value
 * appears at the `period`-th input and nothing before it depends on a guess.
 */
export class Ema {
  readonly period: number;
  private readonly alpha: number;
  private count = 0;
  private sum = 0;
  private current = Number.NaN;

  constructor(period: number) {
    if (!Number.isInteger(period) || period < 1) {
      throw new Error(`EMA period ${period} is invalid: use an integer ≥ 1`);
    }
    this.period = period;
    this.alpha = 2 / (period + 1);
  }

  /** Adds a value and returns the EMA after it (NaN until `period` values were added). */
  push(x: number): number {
    this.count++;
    if (this.count < this.period) {
      this.sum += x;
      return Number.NaN;
    }
    if (this.count === this.period) {
      this.sum += x;
      this.current = this.sum / this.period;
    } else {
      this.current += this.alpha * (x - this.current);
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

/** EMA of a whole column into `out` (same length); NaN before the first full period. */
export function emaInto(values: ArrayLike<number>, period: number, out: Float64Array): Float64Array {
  const ema = new Ema(period);
  for (let i = 0; i < values.length; i++) out[i] = ema.push(values[i]);
  return out;
}
