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
  private versionByBar = new Int32Array(64);
  private readonly otherVersions = new Map<number, number>();
  private active = 0;
  private readonly anchors: number[] = [];
  private readonly versions: number[] = [];
  private readonly lows: number[] = [];
  private readonly highs: number[] = [];
  private version = 0;
  private stale = true;
  private newestLow = Number.NaN;
  private newestHigh = Number.NaN;

  /** Activates (or re-activates with new bounds) the zone anchored at `anchor`; it becomes the newest. */
  set(anchor: number, low: number, high: number): void {
    const v = ++this.version;
    if (this.versionOf(anchor) === 0) this.active++;
    this.setVersion(anchor, v);
    this.anchors.push(anchor);
    this.versions.push(v);
    this.lows.push(low);
    this.highs.push(high);
    this.stale = true;
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
    if (this.stale) this.findNewest();
    out[0] = this.newestLow;
    out[1] = this.newestHigh;
  }

  private findNewest(): void {
    this.stale = false;
    for (let k = this.anchors.length - 1; k >= 0; k--) {
      if (this.versionOf(this.anchors[k]) === this.versions[k]) {
        this.newestLow = this.lows[k];
        this.newestHigh = this.highs[k];
        return;
      }
      this.anchors.pop();
      this.versions.pop();
      this.lows.pop();
      this.highs.pop();
    }
    this.newestLow = Number.NaN;
    this.newestHigh = Number.NaN;
  }
}
