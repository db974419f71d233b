/**
 * Binary min-heap of (key, id) pairs in growable typed arrays. Primitives use it to watch many open levels
 * (unmitigated gaps, unbroken swings, unswept liquidity) at O(1) per bar: only the nearest level is compared
 * with the new bar. Use a negated key for a max-heap. Stale entries are the caller's to skip (lazy deletion).
 */
export class MinHeap {
  private keys = new Float64Array(16);
  private ids = new Int32Array(16);
  size = 0;
  /** keys[0], or +Infinity when empty: what the per-bar checks compare against (one field read). */
  private min = Number.POSITIVE_INFINITY;

  push(key: number, id: number): void {
    if (this.size === this.keys.length) {
      const k = new Float64Array(this.size * 2);
      k.set(this.keys);
      this.keys = k;
      const d = new Int32Array(this.size * 2);
      d.set(this.ids);
      this.ids = d;
    }
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keys[p] <= key) break;
      this.keys[i] = this.keys[p];
      this.ids[i] = this.ids[p];
      i = p;
    }
    this.keys[i] = key;
    this.ids[i] = id;
    if (i === 0) this.min = key;
  }

  /** Smallest key (Infinity when empty). */
  topKey(): number {
    return this.min;
  }

  /** Id of the smallest key; only meaningful when `size > 0`. */
  topId(): number {
    return this.ids[0];
  }

  pop(): void {
    const n = --this.size;
    if (n <= 0) {
      this.min = Number.POSITIVE_INFINITY;
      return;
    }
    const key = this.keys[n];
    const id = this.ids[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.keys[c + 1] < this.keys[c]) c++;
      if (this.keys[c] >= key) break;
      this.keys[i] = this.keys[c];
      this.ids[i] = this.ids[c];
      i = c;
    }
    this.keys[i] = key;
    this.ids[i] = id;
    this.min = this.keys[0];
  }
}
