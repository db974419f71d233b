import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backtestInstrumentOverrides, contractSpecFor, powerOfTenString } from './instrument-specs.ts';

describe('Kraken Futures contract specs', () => {
  it('the table wins for listed majors, whatever the price', () => {
    expect(contractSpecFor('PF_XBTUSD', 9_000)).toMatchObject({
      tickSize: '1',
      qtyStep: '0.0001',
      contractValueTradePrecision: 4,
      origin: 'table',
    });
    expect(contractSpecFor('DOGE', 0.08)).toMatchObject({
      tickSize: '0.000001',
      qtyStep: '1',
      contractValueTradePrecision: 0,
    });
  });

  it('sub-cent coins get a tick fine enough for their price (session-1 finding: PEPE, SHIB)', () => {
    expect(contractSpecFor('PEPE', 0.0000012)).toEqual({
      tickSize: '0.0000000001',
      qtyStep: '1000',
      contractValueTradePrecision: -3,
      maxLeverage: 25,
      origin: 'derived',
    });
    expect(contractSpecFor('SHIB', 0.00001)).toMatchObject({ tickSize: '0.000000001', qtyStep: '1000' });
    expect(contractSpecFor('NOPE')).toBeNull();
    expect(contractSpecFor('NOPE', 0)).toBeNull();
  });

  it('powers of ten print exactly', () => {
    expect([powerOfTenString(-10), powerOfTenString(0), powerOfTenString(3)]).toEqual([
      '0.0000000001',
      '1',
      '1000',
    ]);
  });

  it('property: a derived tick keeps 5 significant digits, so a stop 0.5% away survives quantization', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-9, max: 1e6, noNaN: true }), (price) => {
        const spec = contractSpecFor('SYNTH', price);
        if (spec === null) return false;
        const tick = Number(spec.tickSize);
        const stop = Math.floor((price * 0.995) / tick) * tick;
        // at most 1e-4 of the price, and never coarser than 1
        expect(tick).toBeLessThanOrEqual(Math.min(1, price * 1e-4));
        expect(stop).toBeGreaterThan(0);
        expect((price * 0.995 - stop) / price).toBeLessThan(2e-4);
        return true;
      }),
    );
  });

  it('backtest overrides: every series symbol, priced at its first close', () => {
    const close = (x: number) => Float64Array.of(x, x * 2);
    expect(
      backtestInstrumentOverrides([
        { symbol: 'PEPE', length: 2, close: close(0.0000012) },
        { symbol: 'ETH', length: 2, close: close(2300) },
        { symbol: 'EMPTY', length: 0, close: new Float64Array(0) },
      ]),
    ).toEqual({
      PEPE: { tick_size: 1e-10, qty_step: 1000, min_qty: 1000, max_leverage: 25 },
      ETH: { tick_size: 0.1, qty_step: 0.001, min_qty: 0.001, max_leverage: 50 },
    });
  });
});
