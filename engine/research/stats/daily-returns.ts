const DAY_MS = 86_400_000;

/** Daily simple returns on a contiguous grid of UTC days. */
export interface DailyReturns {
  /** Open time (UTC ms, 00:00) of each day. */
  days: Float64Array;
  returns: Float64Array;
}

/**
 * Daily returns from an equity curve sampled at increasing times `ts`: the equity of a day is the last
 * sample at or before its end (carried forward over days without samples), and the first day's return is
 * measured from the first sample. Every UTC day from the first to the last sample appears once, so two
 * runs over the same span line up day by day.
 */
export function dailyReturnsFromEquity(ts: ArrayLike<number>, equity: ArrayLike<number>): DailyReturns {
  const n = ts.length;
  if (equity.length !== n) {
    throw new RangeError(
      `equity has ${equity.length} points but ts has ${n}: give one equity value per time`,
    );
  }
  if (n === 0) return { days: new Float64Array(0), returns: new Float64Array(0) };
  const firstDay = Math.floor(ts[0] / DAY_MS) * DAY_MS;
  const lastDay = Math.floor(ts[n - 1] / DAY_MS) * DAY_MS;
  const count = (lastDay - firstDay) / DAY_MS + 1;
  const days = new Float64Array(count);
  const returns = new Float64Array(count);
  let prev = equity[0];
  let i = 0;
  for (let d = 0; d < count; d++) {
    const dayStart = firstDay + d * DAY_MS;
    days[d] = dayStart;
    let close = prev;
    while (i < n && ts[i] < dayStart + DAY_MS) {
      if (i > 0 && ts[i] < ts[i - 1])
        throw new RangeError(`equity times must increase: ts[${i}] < ts[${i - 1}]`);
      close = equity[i++];
    }
    returns[d] = prev !== 0 ? close / prev - 1 : 0;
    prev = close;
  }
  return { days, returns };
}

/**
 * The days both series cover, with each one's returns on them (for paired comparisons of variants run
 * over the same data but with curves that start or end on different days).
 */
export function alignDaily(
  a: DailyReturns,
  b: DailyReturns,
): { days: Float64Array; a: Float64Array; b: Float64Array } {
  const byDay = new Map<number, number>();
  for (let i = 0; i < b.days.length; i++) byDay.set(b.days[i], b.returns[i]);
  const days: number[] = [];
  const ra: number[] = [];
  const rb: number[] = [];
  for (let i = 0; i < a.days.length; i++) {
    const other = byDay.get(a.days[i]);
    if (other === undefined) continue;
    days.push(a.days[i]);
    ra.push(a.returns[i]);
    rb.push(other);
  }
  return { days: Float64Array.from(days), a: Float64Array.from(ra), b: Float64Array.from(rb) };
}
