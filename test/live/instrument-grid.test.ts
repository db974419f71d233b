import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestInstrumentOverrides, contractSpecFor } from '../../data/markets/instrument-specs.ts';
import { canonicalSymbol } from '../../data/symbols/symbols.ts';
import { generateUniverse } from '../../data/synthetic/index.ts';
import { parseBacktestConfig } from '../../engine/backtest/config.ts';
import { runBacktest } from '../../engine/backtest/run.ts';
import { InstrumentsResponseSchema } from '../../live/kraken/api/schema/instruments.ts';
import { memoryCandleSource } from '../../live/kraken/fake/candle-source.ts';
import { createFakeKrakenServer, type FakeKrakenServer } from '../../live/kraken/fake/server.ts';

/**
 * Session-1 finding: sub-cent coins (PEPE ~1e-6, SHIB ~1e-5) on the simulator's generic 1e-5 tick had
 * every stop rounded away — refused orders, a position without a stop, the kill switch. Instruments now
 * come from one place (data/markets/instrument-specs.ts) for the fake exchange and, through
 * `backtest.instruments`, for backtests.
 */

const START = Date.UTC(2023, 0, 1);
const universe = generateUniverse({ timeframe: '1h', length: 48, seed: 7, start: START });
let server: FakeKrakenServer;

beforeAll(async () => {
  server = createFakeKrakenServer({
    candles: memoryCandleSource(universe),
    now: () => START + 47 * 3_600_000,
  });
  await server.ready();
});
afterAll(() => server.stop());

describe('one instrument grid for the fake exchange and backtests', () => {
  it('the fake lists every symbol of the 45-symbol universe on its contract-spec grid', async () => {
    const r = await server.app.inject({ method: 'GET', url: '/derivatives/api/v3/instruments' });
    const listed = InstrumentsResponseSchema.parse(r.json()).instruments;
    expect(listed).toHaveLength(45);
    for (const s of universe) {
      const inst = listed.find((i) => canonicalSymbol(i.symbol) === s.symbol);
      // priced where the fake prices it: the last bar at its clock
      const spec = contractSpecFor(s.symbol, s.close[s.length - 1]);
      expect([s.symbol, inst?.tickSize, inst?.contractValueTradePrecision]).toEqual([
        s.symbol,
        Number(spec?.tickSize),
        spec?.contractValueTradePrecision,
      ]);
    }
    const pepe = listed.find((i) => i.symbol === 'PF_PEPEUSD');
    expect(pepe).toMatchObject({ tickSize: 1e-10, contractValueTradePrecision: -3 });
    // DOGE trades whole coins at Kraken (the derived rule alone would say 100)
    expect(listed.find((i) => canonicalSymbol(i.symbol) === 'DOGE')?.contractValueTradePrecision).toBe(0);
  });

  it('a PEPE/SHIB backtest trades on the contract specs; on the generic 1e-5 tick it stalls', async () => {
    const series = generateUniverse({
      symbols: ['PEPE', 'SHIB'],
      timeframe: '1h',
      length: 8_760,
      seed: 1,
      start: START,
    });
    const candles = Object.fromEntries(series.map((s) => [s.symbol, { '1h': s }]));
    const run = async (instruments: object) =>
      runBacktest(parseBacktestConfig({ backtest: { trace: 'none', instruments } }), {
        baseTimeframe: '1h',
        candles,
      });
    const generic = { tick_size: 1e-5, qty_step: 0.001 };
    const stalled = await run({ PEPE: generic, SHIB: generic });
    const specs = backtestInstrumentOverrides(series);
    expect(specs.PEPE).toMatchObject({ tick_size: 1e-10, qty_step: 1000 });
    const trading = await run(specs);
    expect(stalled.trades.length).toBeLessThanOrEqual(1);
    expect(trading.trades.length).toBeGreaterThanOrEqual(10);
    // every exit is a real price on the grid, none at 0
    for (const t of trading.trades) expect(Number(t.exitPrice)).toBeGreaterThan(0);
    // the simulator's defaults (no `instruments` in the config) pick the same grid from the first close
    const defaults = await run({});
    expect(defaults.trades.length).toBe(trading.trades.length);
    expect(defaults.resultHash).toBe(trading.resultHash);
  }, 30_000);
});
