/**
 * Growable float64 columns for primitives that publish one value row per bar (retracements, previous
 * high/low) instead of rare events: rows are published in order, each with the bar it became known at.
 */
export class DenseRows {
  columns: Float64Array[];
  knownAt: Int32Array;
  /** Rows published so far (rows `0..rows-1`). */
  rows = 0;

  constructor(
    readonly width: number,
    capacity: number,
  ) {
    const cap = Math.max(16, capacity);
    this.columns = Array.from({ length: width }, () => new Float64Array(cap));
    this.knownAt = new Int32Array(cap);
  }

  /** Appends a row; `a`, `b`, `c`, `d` are the first four columns (extra arguments ignored past `width`). */
  push(knownAt: number, a: number, b: number, c: number, d = 0): void {
    if (this.rows === this.knownAt.length) this.grow();
    const r = this.rows++;
    const cols = this.columns;
    cols[0][r] = a;
    if (this.width > 1) cols[1][r] = b;
    if (this.width > 2) cols[2][r] = c;
    if (this.width > 3) cols[3][r] = d;
    this.knownAt[r] = knownAt;
  }

  private grow(): void {
    const cap = this.knownAt.length * 2;
    this.columns = this.columns.map((c) => {
      const n = new Float64Array(cap);
      n.set(c);
      return n;
    });
    const k = new Int32Array(cap);
    k.set(this.knownAt);
    this.knownAt = k;
  }
}

/** `to` (a larger typed array of the same kind) holding `from`'s values first: growth of a typed column. */
export function grown<T extends Int32Array | Int8Array | Uint8Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
