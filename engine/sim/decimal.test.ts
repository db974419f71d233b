import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, toNumberApprox, toNumberExact } from './decimal.ts';

/** A SimDecimal with up to 40 significant digits: a 1–18-digit integer scaled, possibly times a quotient. */
const decimalArb = fc
  .tuple(
    fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }),
    fc.integer({ min: -12, max: 8 }),
    fc.integer({ min: 1, max: 997 }),
  )
  .map(([m, e, q]) => dec(m.toString()).mul(dec(10).pow(e)).div(q));

describe('toNumberExact and toNumberApprox', () => {
  it('toNumberExact is toNumber(); toNumberApprox is within 1e-15 of it', () => {
    fc.assert(
      fc.property(decimalArb, (x) => {
        const exact = x.toNumber();
        expect(toNumberExact(x)).toBe(exact);
        const approx = toNumberApprox(x);
        expect(Math.sign(approx)).toBe(Math.sign(exact));
        expect(Math.abs(approx - exact)).toBeLessThanOrEqual(1e-15 * Math.abs(exact));
      }),
    );
  });
});
