/**
 * Gate 4, OTE / key Fibonacci zone (seed §5: entry must be within the 0.618–0.786 retracement, the #2
 * rejection, `ENTRY_NOT_IN_OTE`). OTE = optimal trade entry: after a break, wait for price to retrace
 * this fraction of the structure leg instead of chasing the break.
 *
 * Retracement of `price` into the leg from `origin` (where the impulse started: the low before a bullish
 * break, the high before a bearish one) to `extreme` (the furthest price since the break): 0 at the
 * extreme, 1 back at the origin, > 1 beyond it, < 0 past the extreme. Same formula for both directions.
 */
export function retracement(origin: number, extreme: number, price: number): number {
  const range = extreme - origin;
  if (range === 0) return Number.NaN;
  return (extreme - price) / range;
}

/** True when the retracement lies in [zoneLow − tolerance, zoneHigh + tolerance]. */
export function inOteZone(r: number, zoneLow: number, zoneHigh: number, tolerance: number): boolean {
  return r >= zoneLow - tolerance && r <= zoneHigh + tolerance;
}
