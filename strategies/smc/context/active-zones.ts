/**
 * The zones (order blocks, fair value gaps) of one direction that are still active, answering "which is
 * the newest?" in O(1) amortised: a stack of activations (anchor, version, bounds) with lazy deletion —
 * an entry is live while its anchor's current version is the entry's.
 */
export class ActiveZones {
  private readonly versionOf = new Map<number, number>();
  private readonly anchors: number[] = [];
  private readonly versions: number[] = [];
  private readonly lows: number[] = [];
  private readonly highs: number[] = [];
  private version = 0;

  /** Activates (or re-activates with new bounds) the zone anchored at `anchor`; it becomes the newest. */
  set(anchor: number, low: number, high: number): void {
    const v = ++this.version;
    this.versionOf.set(anchor, v);
    this.anchors.push(anchor);
    this.versions.push(v);
    this.lows.push(low);
    this.highs.push(high);
  }

  remove(anchor: number): void {
    this.versionOf.delete(anchor);
  }

  get size(): number {
    return this.versionOf.size;
  }

  /** Writes the newest active zone's [low, high] into out, or NaNs when none is active. */
  newest(out: Float64Array): void {
    for (let k = this.anchors.length - 1; k >= 0; k--) {
      if (this.versionOf.get(this.anchors[k]) === this.versions[k]) {
        out[0] = this.lows[k];
        out[1] = this.highs[k];
        return;
      }
      this.anchors.pop();
      this.versions.pop();
      this.lows.pop();
      this.highs.pop();
    }
    out[0] = Number.NaN;
    out[1] = Number.NaN;
  }
}
