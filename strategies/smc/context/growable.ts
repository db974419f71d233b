/**
 * Append-only float64 / int32 columns for the stepping (live) path: the batch path allocates exactly
 * once, the stepping path doubles capacity. Readers index `.data` directly; it may be replaced on growth,
 * so read it after appending, never cache it across appends.
 */
export class Float64Column {
  data: Float64Array;
  length = 0;
  constructor(capacity = 64) {
    this.data = new Float64Array(Math.max(1, capacity));
  }
  /** Appends x; returns true when the backing array was replaced (it grew). */
  push(x: number): boolean {
    let grew = false;
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
      grew = true;
    }
    this.data[this.length++] = x;
    return grew;
  }

  /** Makes room for `n` rows in all (no-op when there is): batch writers then fill `data` directly. */
  reserve(n: number): void {
    if (n <= this.data.length) return;
    const next = new Float64Array(n);
    next.set(this.data);
    this.data = next;
  }
}

export class Int32Column {
  data: Int32Array;
  length = 0;
  constructor(capacity = 64) {
    this.data = new Int32Array(Math.max(1, capacity));
  }
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }

  /** Makes room for `n` rows in all (no-op when there is). */
  reserve(n: number): void {
    if (n <= this.data.length) return;
    const next = new Int32Array(n);
    next.set(this.data);
    this.data = next;
  }
}

export class Int8Column {
  data: Int8Array;
  length = 0;
  constructor(capacity = 64) {
    this.data = new Int8Array(Math.max(1, capacity));
  }
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Int8Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }

  /** Makes room for `n` rows in all (no-op when there is). */
  reserve(n: number): void {
    if (n <= this.data.length) return;
    const next = new Int8Array(n);
    next.set(this.data);
    this.data = next;
  }
}
