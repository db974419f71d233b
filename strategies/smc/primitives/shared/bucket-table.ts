/** Widest span of integer bucket keys kept in direct-indexed slots before switching to hashing. */
const DENSE_SPAN = 1 << 16;
/** Hashing scratch (shared: used synchronously only) and the empty key columns of a dense table. */
const SCRATCH = new Float64Array(1);
const WORDS = new Int32Array(SCRATCH.buffer);
const NO_KEYS = new Float64Array(0);
const NO_USED = new Uint8Array(0);

/**
 * Map from a bucket key to two int32 values per slot (`first`, `last`: the liquidity detector keeps the
 * ends of a linked list of pool heads there). Integer keys within a modest span (the
 * usual case: price span / range) index the slots directly (`key - base`); any other key (range 0, or a
 * span past `DENSE_SPAN`) switches the table to open addressing for good.
 */
export class BucketTable {
  first = new Int32Array(64).fill(-1);
  last = new Int32Array(64).fill(-1);
  private dense: boolean;
  private base = Number.NaN;
  private keys = NO_KEYS;
  private used = NO_USED;
  private size = 0;

  /** `integerKeys`: every key will be an integer (else the table hashes from the start). */
  constructor(integerKeys: boolean) {
    this.dense = integerKeys;
    if (!integerKeys) this.toHash();
  }

  /** Slot of `key`, or -1 when absent (a dense slot never written holds -1, -1). */
  find(key: number): number {
    if (this.dense) {
      const i = key - this.base;
      return i >= 0 && i < this.first.length && Math.floor(key) === key ? i : -1;
    }
    return this.findHashed(key);
  }

  // Kept apart so `find` stays small enough for V8 to inline on the dense path.
  private findHashed(key: number): number {
    const mask = this.keys.length - 1;
    for (let s = this.hash(key, mask); this.used[s] === 1; s = (s + 1) & mask) {
      if (this.keys[s] === key) return s;
    }
    return -1;
  }

  /** Slot of `key`, created holding -1, -1 when absent. Slots move when the table grows. */
  slot(key: number): number {
    if (this.dense && !Number.isSafeInteger(key)) this.toHash();
    if (this.dense) {
      if (Number.isNaN(this.base)) this.base = key - (this.first.length >> 1);
      let i = key - this.base;
      if (i >= 0 && i < this.first.length) return i;
      if (this.widen(key)) {
        i = key - this.base;
        return i;
      }
      this.toHash();
    }
    if (2 * (this.size + 1) > this.keys.length) this.rehash(this.keys.length * 2);
    const mask = this.keys.length - 1;
    let s = this.hash(key, mask);
    for (; this.used[s] === 1; s = (s + 1) & mask) {
      if (this.keys[s] === key) return s;
    }
    this.used[s] = 1;
    this.keys[s] = key;
    this.first[s] = -1;
    this.last[s] = -1;
    this.size++;
    return s;
  }

  private hash(key: number, mask: number): number {
    // Bucket keys are small integers unless the range is 0 (then the level itself).
    let h = key | 0;
    if (h !== key) {
      SCRATCH[0] = key;
      h = WORDS[0] ^ WORDS[1];
    }
    // murmur3's finaliser: every input bit must reach the low bits the mask keeps.
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) & mask;
  }

  /** Re-bases the dense slots to cover `key` too; false when the span would pass `DENSE_SPAN`. */
  private widen(key: number): boolean {
    const lo = Math.min(this.base, key);
    const hi = Math.max(this.base + this.first.length - 1, key);
    const span = hi - lo + 1;
    if (span > DENSE_SPAN) return false;
    let cap = this.first.length;
    while (cap < 2 * span) cap *= 2;
    const base = lo - Math.floor((cap - span) / 2);
    const first = new Int32Array(cap).fill(-1);
    const last = new Int32Array(cap).fill(-1);
    first.set(this.first, this.base - base);
    last.set(this.last, this.base - base);
    this.first = first;
    this.last = last;
    this.base = base;
    return true;
  }

  private toHash(): void {
    const { first, last, base } = this;
    const wasDense = this.dense;
    this.dense = false;
    this.keys = NO_KEYS;
    this.used = NO_USED;
    this.size = 0;
    this.rehash(64);
    if (!wasDense || Number.isNaN(base)) return;
    for (let i = 0; i < first.length; i++) {
      if (first[i] < 0 && last[i] < 0) continue;
      const s = this.slot(base + i);
      this.first[s] = first[i];
      this.last[s] = last[i];
    }
  }

  private rehash(capacity: number): void {
    const { keys, used, first, last } = this;
    this.keys = new Float64Array(capacity);
    this.used = new Uint8Array(capacity);
    this.first = new Int32Array(capacity);
    this.last = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let s = 0; s < keys.length; s++) {
      if (used[s] === 0) continue;
      let t = this.hash(keys[s], mask);
      while (this.used[t] === 1) t = (t + 1) & mask;
      this.used[t] = 1;
      this.keys[t] = keys[s];
      this.first[t] = first[s];
      this.last[t] = last[s];
    }
  }
}
