import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, toNumberExact } from './decimal.ts';
import { makeInstrument } from './instruments.ts';
import { quantizePrice, quantizeQty, quantizeUp, roundAgainst } from './quantize.ts';
import { BpsSlippage } from './slippage.ts';

describe('quantization', () => {
  it('rounds quantities DOWN to the step, never up', () => {
    expect(quantizeQty(dec('0.123999'), dec('0.001')).toString()).toBe('0.123');
    expect(quantizeQty(dec('5257.9'), dec('1')).toString()).toBe('5257');
    expect(quantizeQty(dec('0.00009'), dec('0.0001')).toString()).toBe('0');
  });

  it('rounds request prices DOWN to the tick', () => {
    expect(quantizePrice(dec('42123.9'), dec('1')).toString()).toBe('42123');
    expect(quantizePrice(dec('0.1234567'), dec('0.000001')).toString()).toBe('0.123456');
    expect(quantizePrice(dec('100.129'), dec('0.01')).toString()).toBe('100.12');
  });

  it('rounds slipped prices against the trader', () => {
    expect(roundAgainst(dec('100.021'), dec('0.01'), 'buy').toString()).toBe('100.03');
    expect(roundAgainst(dec('100.029'), dec('0.01'), 'sell').toString()).toBe('100.02');
    expect(quantizeUp(dec('100.02'), dec('0.01')).toString()).toBe('100.02');
  });

  it('bps slippage: buy pays up, sell receives less, zero bps leaves market prices untouched', () => {
    const inst = makeInstrument('BTC', { tickSize: '0.01', qtyStep: '0.001' });
    expect(new BpsSlippage(2).apply('buy', dec(100), inst).toString()).toBe('100.02');
    expect(new BpsSlippage(2).apply('sell', dec('109.99'), inst).toString()).toBe('109.96');
    expect(new BpsSlippage(0).apply('buy', dec('100.005'), inst).toString()).toBe('100.005');
  });

  it('property: quantizeQty(x) is a multiple of step, <= x and within one step of it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.constantFrom('1', '0.1', '0.001', '0.0001', '0.000001', '5'),
        (units, stepS) => {
          const x = dec(units).div(1e6);
          const step = dec(stepS);
          const q = quantizeQty(x, step);
          expect(q.lte(x)).toBe(true);
          expect(x.minus(q).lt(step)).toBe(true);
          expect(q.mod(step).isZero()).toBe(true);
        },
      ),
    );
  });
});

describe('toNumberExact', () => {
  it('gives the very double toNumber() gives, for short and long values alike', () => {
    const digits = fc.stringMatching(/^[1-9][0-9]{0,24}$/);
    fc.assert(
      fc.property(digits, fc.integer({ min: -40, max: 40 }), fc.boolean(), (ds, exp, neg) => {
        const x = dec(`${neg ? '-' : ''}${ds}e${exp}`);
        expect(Object.is(toNumberExact(x), x.toNumber())).toBe(true);
      }),
      { numRuns: 3000, seed: 5 },
    );
    for (const s of [
      '0',
      '-0',
      '0.1',
      '0.29876543',
      '30123.456789012345',
      '1e-7',
      '123456789012345',
      'NaN',
    ]) {
      const x = dec(s);
      expect(Object.is(toNumberExact(x), x.toNumber())).toBe(true);
    }
    // Floats parsed into Decimals come back unchanged.
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (f) => {
        expect(Object.is(toNumberExact(dec(f)), f)).toBe(true);
      }),
      { numRuns: 2000, seed: 6 },
    );
  });
});
