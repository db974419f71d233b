/**
 * The candidate test of the swings primitive as a branch-free filter over a block of bars.
 *
 * Bar i is a high candidate when no high of bars `i-L+1 .. i+L` exceeds its own; a NaN anywhere in that
 * window fails it (every comparison with NaN is false), as a NaN fails the reference's rolling max. Lows
 * mirror it.
 *
 * Why a filter and not a window max: on price data about one bar in three is a local extreme against its
 * two neighbours and one in fourteen survives the whole window, so the result of any early-exit scan is
 * a coin flip per bar and the CPU mispredicts it about half the time (≈ 20 ns per bar measured here, most
 * of the swings budget). V8's `Math.max` on doubles branches as well. Comparisons used as 0/1 values
 * compile to flag-setting instructions with no branch, so each stage writes every tested index and
 * advances its output cursor by the test result: stage 1 keeps the bars that beat both neighbours, stage 2
 * keeps those that also beat the bars two away (one in seven bars is left), stage 3 checks the rest of the
 * window for those only. Each stage works in place: it never writes ahead of what it reads.
 */

/**
 * Writes to `out` the indices i in `[from, to)` whose high is the maximum of bars `i-L+1 .. i+L` (ties
 * allowed), in increasing order; returns how many. The caller guarantees `from >= L - 1` and `to + L <=
 * high.length` and room for `to - from` indices in `out`.
 */
export function highCandidates(
  high: Float64Array,
  from: number,
  to: number,
  L: number,
  out: Int32Array,
): number {
  let c = 0;
  let prev = high[from - 1];
  let cur = high[from];
  for (let i = from; i < to; i++) {
    const next = high[i + 1];
    out[c] = i;
    c += +(cur >= prev) & +(cur >= next);
    prev = cur;
    cur = next;
  }
  // Bar i-2 is in the window only from L = 3 on; at L = 2 the bar is compared with itself (true: NaN bars
  // are out after stage 1).
  const left2 = L >= 3 ? 2 : 0;
  let k = 0;
  for (let q = 0; q < c; q++) {
    const i = out[q];
    const h = high[i];
    out[k] = i;
    k += +(high[i + 2] <= h) & +(high[i - left2] <= h);
  }
  let m = 0;
  for (let q = 0; q < k; q++) {
    const i = out[q];
    const h = high[i];
    let ok = 1;
    for (let d = 3; d <= L; d++) ok &= +(high[i + d] <= h);
    for (let d = 3; d < L; d++) ok &= +(high[i - d] <= h);
    out[m] = i;
    m += ok;
  }
  return m;
}

/** `highCandidates` for lows: the minimum of bars `i-L+1 .. i+L`. */
export function lowCandidates(
  low: Float64Array,
  from: number,
  to: number,
  L: number,
  out: Int32Array,
): number {
  let c = 0;
  let prev = low[from - 1];
  let cur = low[from];
  for (let i = from; i < to; i++) {
    const next = low[i + 1];
    out[c] = i;
    c += +(cur <= prev) & +(cur <= next);
    prev = cur;
    cur = next;
  }
  // Bar i-2 is in the window only from L = 3 on; at L = 2 the bar is compared with itself (true: NaN bars
  // are out after stage 1).
  const left2 = L >= 3 ? 2 : 0;
  let k = 0;
  for (let q = 0; q < c; q++) {
    const i = out[q];
    const l = low[i];
    out[k] = i;
    k += +(low[i + 2] >= l) & +(low[i - left2] >= l);
  }
  let m = 0;
  for (let q = 0; q < k; q++) {
    const i = out[q];
    const l = low[i];
    let ok = 1;
    for (let d = 3; d <= L; d++) ok &= +(low[i + d] >= l);
    for (let d = 3; d < L; d++) ok &= +(low[i - d] >= l);
    out[m] = i;
    m += ok;
  }
  return m;
}
