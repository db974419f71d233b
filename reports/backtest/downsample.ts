/**
 * Thins a long series for plotting without hiding its extremes: the points are cut into `buckets` runs
 * and each run keeps its first, lowest, highest and last point (in time order). A year of 15m bars
 * (35k points) becomes ≤ 4 × buckets points whose line looks the same at report width.
 */
export function minMaxDownsample(
  ts: ArrayLike<number>,
  ys: ArrayLike<number>,
  buckets = 600,
): { ts: number[]; ys: number[] } {
  const n = ts.length;
  if (n <= buckets * 4) return { ts: Array.from(ts), ys: Array.from(ys) };
  const outT: number[] = [];
  const outY: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const a = Math.floor((b * n) / buckets);
    const e = Math.floor(((b + 1) * n) / buckets);
    let lo = a;
    let hi = a;
    for (let i = a; i < e; i++) {
      if (ys[i] < ys[lo]) lo = i;
      if (ys[i] > ys[hi]) hi = i;
    }
    const keep = [...new Set([a, lo, hi, e - 1])].sort((x, y) => x - y);
    for (const i of keep) {
      outT.push(ts[i]);
      outY.push(ys[i]);
    }
  }
  return { ts: outT, ys: outY };
}
