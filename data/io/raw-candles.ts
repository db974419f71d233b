/**
 * Candles as read from a file, before validation: one entry per data row in file order, with the row's
 * number in the file so every finding can name it. Cells that could not be parsed are NaN and have a
 * matching entry in `problems`.
 */
export interface RawCandles {
  /** File the rows came from (for messages). */
  readonly path: string;
  /** What `rowNumber` counts: 'line' = 1-based text line (header included), 'row' = 1-based data row. */
  readonly rowLabel: 'line' | 'row';
  readonly length: number;
  readonly rowNumber: Int32Array;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** Cells that could not be parsed, by index into the arrays above. */
  readonly problems: readonly CellProblem[];
  /** What the file says about itself (header ticker column, Parquet/Arrow key-value metadata). */
  readonly hints: FileHints;
}

export interface CellProblem {
  index: number;
  message: string;
}

export interface FileHints {
  symbol?: string;
  timeframe?: string;
  source?: string;
}

/** Growable column buffers for readers that do not know the row count up front. */
export class RawCandlesBuilder {
  length = 0;
  private capacity: number;
  rowNumber: Int32Array;
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  readonly problems: CellProblem[] = [];

  constructor(initialCapacity = 4096) {
    this.capacity = Math.max(16, initialCapacity);
    this.rowNumber = new Int32Array(this.capacity);
    this.ts = new Float64Array(this.capacity);
    this.open = new Float64Array(this.capacity);
    this.high = new Float64Array(this.capacity);
    this.low = new Float64Array(this.capacity);
    this.close = new Float64Array(this.capacity);
    this.volume = new Float64Array(this.capacity);
  }

  /** Index of a new row (values NaN until set). */
  push(rowNumber: number): number {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    this.rowNumber[i] = rowNumber;
    return i;
  }

  private grow(): void {
    this.capacity *= 2;
    const g = <T extends Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(this.capacity);
      b.set(a);
      return b;
    };
    this.rowNumber = g(this.rowNumber);
    this.ts = g(this.ts);
    this.open = g(this.open);
    this.high = g(this.high);
    this.low = g(this.low);
    this.close = g(this.close);
    this.volume = g(this.volume);
  }

  build(path: string, rowLabel: 'line' | 'row', hints: FileHints = {}): RawCandles {
    const n = this.length;
    return {
      path,
      rowLabel,
      length: n,
      rowNumber: this.rowNumber.subarray(0, n),
      ts: this.ts.subarray(0, n),
      open: this.open.subarray(0, n),
      high: this.high.subarray(0, n),
      low: this.low.subarray(0, n),
      close: this.close.subarray(0, n),
      volume: this.volume.subarray(0, n),
      problems: this.problems,
      hints,
    };
  }
}
