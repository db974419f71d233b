/**
 * The zones (order blocks, fair value gaps) of one direction that are still active, answering "which is
 * the newest?" in O(1) amortised: a stack of activations (anchor, version, bounds) with lazy deletion —
 * an entry is live while its anchor's current version is the entry's. The answer is cached until the next
 * `set` or `remove`, so asking once per bar costs nothing while the zones do not change.
 */
export class ActiveZones {
  /**
   * Current version per anchor (0 = inactive). Anchors are bar indices, so a typed array indexed by them
   * (grown by doubling) replaces a map on this per-event path; any other anchor goes to `otherVersions`.
   */
  private versionByBar: Int32Array;
  private readonly otherVersions = new Map<number, number>();
  private active = 0;
  /** The activation stack: entries [0, depth) of anchor, version, low, high (typed, grown by doubling). */
  private depth = 0;
  private anchors = new Float64Array(64);
  private versions = new Int32Array(64);
  private lows = new Float64Array(64);
  private highs = new Float64Array(64);
  private version = 0;
  private stale = true;
  private newestLow = Number.NaN;
  private newestHigh = Number.NaN;

  /** @param capacity anchors expected (bars of the series): the per-anchor table starts that large. */
  constructor(capacity = 64) {
    this.versionByBar = new Int32Array(Math.max(64, capacity));
  }

  /** Activates (or re-activates with new bounds) the zone anchored at `anchor`; it becomes the newest. */
  set(anchor: number, low: number, high: number): void {
    const v = ++this.version;
    if (this.versionOf(anchor) === 0) this.active++;
    this.setVersion(anchor, v);
    if (this.depth === this.versions.length) this.growStack();
    const d = this.depth++;
    this.anchors[d] = anchor;
    this.versions[d] = v;
    this.lows[d] = low;
    this.highs[d] = high;
    this.stale = true;
  }

  private growStack(): void {
    const n = this.versions.length * 2;
    const anchors = new Float64Array(n);
    anchors.set(this.anchors);
    this.anchors = anchors;
    const versions = new Int32Array(n);
    versions.set(this.versions);
    this.versions = versions;
    const lows = new Float64Array(n);
    lows.set(this.lows);
    this.lows = lows;
    const highs = new Float64Array(n);
    highs.set(this.highs);
    this.highs = highs;
  }

  remove(anchor: number): void {
    if (this.versionOf(anchor) !== 0) this.active--;
    this.setVersion(anchor, 0);
    this.stale = true;
  }

  get size(): number {
    return this.active;
  }

  private versionOf(anchor: number): number {
    if (anchor >= 0 && anchor <= 0x3fffffff && Number.isInteger(anchor)) {
      return anchor < this.versionByBar.length ? this.versionByBar[anchor] : 0;
    }
    return this.otherVersions.get(anchor) ?? 0;
  }

  private setVersion(anchor: number, v: number): void {
    if (anchor >= 0 && anchor <= 0x3fffffff && Number.isInteger(anchor)) {
      if (anchor >= this.versionByBar.length) {
        let size = this.versionByBar.length * 2;
        while (size <= anchor) size *= 2;
        const grown = new Int32Array(size);
        grown.set(this.versionByBar);
        this.versionByBar = grown;
      }
      this.versionByBar[anchor] = v;
    } else if (v === 0) this.otherVersions.delete(anchor);
    else this.otherVersions.set(anchor, v);
  }

  /** Writes the newest active zone's [low, high] into out, or NaNs when none is active. */
  newest(out: Float64Array): void {
    this.newestInto(out, 0);
  }

  /** {@link newest} into out[at], out[at + 1]. */
  newestInto(out: Float64Array, at: number): void {
    if (this.stale) this.findNewest();
    out[at] = this.newestLow;
    out[at + 1] = this.newestHigh;
  }

  private findNewest(): void {
    this.stale = false;
    for (let k = this.depth - 1; k >= 0; k--) {
      if (this.versionOf(this.anchors[k]) === this.versions[k]) {
        this.newestLow = this.lows[k];
        this.newestHigh = this.highs[k];
        return;
      }
      this.depth = k;
    }
    this.newestLow = Number.NaN;
    this.newestHigh = Number.NaN;
  }
}
