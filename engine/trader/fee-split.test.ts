import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec } from '../sim/decimal.ts';
import { FeeSplitter } from './fee-split.ts';

/** A quantity of up to 8 decimals (1e-8 … ~1e4). */
const qtyArb = fc.integer({ min: 1, max: 1_000_000_000_000 }).map((n) => dec(n).div(1e8));
/** A price as the simulator makes one from a float bar price. */
const priceArb = fc.double({ min: 1e-6, max: 1e6, noNaN: true }).map((x) => dec(x));
/** A price of many digits (a slipped or averaged price): the shortcut's products may not fit. */
const longPriceArb = fc
  .tuple(fc.bigInt({ min: 1n, max: 10n ** 38n }), fc.integer({ min: 0, max: 34 }))
  .map(([m, k]) => dec(m.toString()).div(dec(10).pow(k)));
const rateArb = fc.constantFrom('0.0005', '0.0002', '0.00075', '0.000123456789', '0.001');

function division(fee: ReturnType<typeof dec>, part: ReturnType<typeof dec>, qty: ReturnType<typeof dec>) {
  return fee.mul(part).div(qty).toFixed();
}

describe('FeeSplitter', () => {
  it('returns the division’s value for venue fees (qty × price × rate), whatever the digits', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            qty: qtyArb,
            share: fc.double({ min: 0.01, max: 1, noNaN: true }),
            price: fc.oneof(priceArb, longPriceArb),
            rate: rateArb,
            liquidity: fc.constantFrom('maker', 'taker'),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        (fills) => {
          const splitter = new FeeSplitter();
          for (const f of fills) {
            const fee = f.qty.mul(f.price).mul(dec(f.rate));
            const part = f.qty.mul(f.share).toDecimalPlaces(8).clampedTo(dec('1e-8'), f.qty);
            const got = splitter.split(fee, part, f.qty, f.price, f.liquidity);
            expect(got.toFixed()).toBe(division(fee, part, f.qty));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('returns the division’s value for fees of any other form', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            qty: qtyArb,
            share: fc.double({ min: 0.01, max: 1, noNaN: true }),
            price: priceArb,
            fee: fc.oneof(longPriceArb, priceArb),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        (fills) => {
          const splitter = new FeeSplitter();
          for (const f of fills) {
            const part = f.qty.mul(f.share).toDecimalPlaces(8).clampedTo(dec('1e-8'), f.qty);
            const got = splitter.split(f.fee, part, f.qty, f.price, 'taker');
            expect(got.toFixed()).toBe(division(f.fee, part, f.qty));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a rate learnt on one fill is not applied to a fill whose fee it does not explain', () => {
    const s = new FeeSplitter();
    const qty = dec('0.5');
    const price = dec('30000.25');
    const fee = qty.mul(price).mul(dec('0.0005'));
    expect(s.split(fee, dec('0.2'), qty, price, 'taker').toFixed()).toBe(division(fee, dec('0.2'), qty));
    // Same liquidity, a fee with a fixed part: 1/3 of it has no finite decimal expansion.
    const odd = fee.plus(dec('0.1'));
    expect(s.split(odd, dec('0.1'), dec('0.3'), price, 'taker').toFixed()).toBe(
      division(odd, dec('0.1'), dec('0.3')),
    );
  });
});
