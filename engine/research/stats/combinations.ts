/**
 * Every k-element subset of {0, …, n−1} in lexicographic order (n choose k of them). CSCV enumerates all
 * of them, so the order is fixed to keep results identical run to run.
 */
export function* combinations(n: number, k: number): Generator<readonly number[]> {
  if (!Number.isInteger(n) || !Number.isInteger(k) || k < 0 || k > n) {
    throw new RangeError(`cannot choose ${k} of ${n}`);
  }
  const idx = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    yield idx.slice();
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i]++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1] + 1;
  }
}

/** n choose k as a float (exact for the sizes CSCV uses). */
export function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}
