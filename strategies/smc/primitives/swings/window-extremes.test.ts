import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { highCandidates, lowCandidates } from './window-extremes.ts';

/** The definition, read literally: every other bar of `i-L+1 .. i+L` compares `ok` with bar i. */
function naive(
  xs: Float64Array,
  from: number,
  to: number,
  L: number,
  ok: (other: number, x: number) => boolean,
) {
  const out: number[] = [];
  for (let i = from; i < to; i++) {
    let all = true;
    for (let j = i - L + 1; j <= i + L; j++) if (j !== i && !ok(xs[j], xs[i])) all = false;
    if (all && !Number.isNaN(xs[i])) out.push(i);
  }
  return out;
}

// Few distinct values so ties are common, and some NaNs (a NaN anywhere in the window fails the bar).
const series = fc.array(
  fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 0, max: 6 }) },
    { weight: 1, arbitrary: fc.constant(Number.NaN) },
  ),
  {
    minLength: 0,
    maxLength: 120,
  },
);

describe('swings: branch-free window filter', () => {
  it('finds exactly the bars that are the max (min) of their window, for any L, ties and NaNs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), series, (L, values) => {
        const xs = Float64Array.from(values);
        const from = 2 * L - 1;
        const to = Math.max(from, xs.length - L);
        const out = new Int32Array(Math.max(1, to - from));
        const hi = highCandidates(xs, from, to, L, out);
        expect(Array.from(out.subarray(0, hi))).toEqual(naive(xs, from, to, L, (o, x) => o <= x));
        const lo = lowCandidates(xs, from, to, L, out);
        expect(Array.from(out.subarray(0, lo))).toEqual(naive(xs, from, to, L, (o, x) => o >= x));
      }),
      { numRuns: 400 },
    );
  });

  it('does not look at bar i-2 when L = 2 (it is outside the window)', () => {
    // Bar 3 beats bars 2..5 but not bar 1, which only an L >= 3 window contains.
    const xs = Float64Array.from([0, 9, 1, 5, 4, 3, 2]);
    const out = new Int32Array(8);
    expect(Array.from(out.subarray(0, highCandidates(xs, 3, 4, 2, out)))).toEqual([3]);
    expect(Array.from(out.subarray(0, highCandidates(xs, 3, 4, 3, out)))).toEqual([]);
  });
});
