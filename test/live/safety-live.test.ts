import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrderRequest } from '../../engine/broker.ts';
import { RecordingLogger } from '../../engine/log.ts';
import { parseSafetyConfig } from '../../engine/safety/config.ts';
import { KillSwitch } from '../../engine/safety/kill-switch.ts';
import { SafetySupervisor } from '../../engine/safety/supervisor.ts';
import { type FakeExchange, H, startFakeExchange, T0 } from './fake-kit.ts';

/**
 * The safety layer (engine/safety) acting on Kraken Futures through KrakenFuturesBroker, ccxt and the
 * fake exchange: what it keeps and what it cancels, and when a naked position halts.
 */

const d = (v: Decimal.Value) => new Decimal(v);
const req = (clientId: string, over: Partial<OrderRequest>): OrderRequest => ({
  clientId,
  symbol: 'BTC',
  side: 'buy',
  type: 'market',
  qty: d('0.01'),
  reduceOnly: false,
  ...over,
});

let fx: FakeExchange;
beforeEach(async () => {
  fx = await startFakeExchange({
    instruments: [{ symbol: 'BTC', tickSize: 0.5, contractValueTradePrecision: 4 }],
  });
  fx.clock.now = T0 + 10 * H + 5 * 60_000;
});
afterEach(() => fx.stop());

describe('kill switch on Kraken Futures', () => {
  it('cancels entries and take-profits, keeps the reduce-only stop', async () => {
    const b = fx.broker();
    await b.submitOrder(req('p_entry', {}));
    const sl = await b.submitOrder(
      req('p_sl-1', { side: 'sell', type: 'stop', triggerPrice: d(39_000), reduceOnly: true }),
    );
    await b.submitOrder(
      req('p_tp1-1', { side: 'sell', type: 'take_profit', triggerPrice: d(43_000), reduceOnly: true }),
    );
    await b.submitOrder(req('q_entry', { type: 'limit', price: d(35_000) }));
    const logger = new RecordingLogger();
    const ks = new KillSwitch(logger);
    const cleanup = await ks.activate(b, 'MARGIN_CRITICAL', fx.clock.now);
    expect(cleanup).toEqual({ cancelled: 2, preservedStopLosses: 1, alreadyGone: 0, failed: 0 });
    expect((await b.openOrders()).map((o) => o.id)).toEqual([sl.id]);
    expect(logger.has('Kill switch: PRESERVING stop loss order')).toBe(true);
    expect((await b.positions()).map((p) => p.qty.toString())).toEqual(['0.01']);
  });
});

describe('naked position: 90 s startup grace, then two consecutive detections', () => {
  it('is ignored during the grace, warned once, and halts on the second consecutive check', async () => {
    const b = fx.broker();
    const t0 = fx.clock.now;
    await fx.venue.account.openPositionBehindBack('BTC', 'long', '0.01');
    const logger = new RecordingLogger();
    const sup = new SafetySupervisor(parseSafetyConfig({}), logger, { startedAt: t0 });
    const check = async (at: number) => {
      fx.clock.now = at;
      const [account, positions, openOrders] = await Promise.all([
        b.account(),
        b.positions(),
        b.openOrders(),
      ]);
      return sup.tick(
        { now: at, equity: account.equity, marginUsed: account.marginUsed, positions, openOrders },
        b,
      );
    };
    expect((await check(t0 + 30_000)).report.nakedSymbols).toEqual([]);
    const first = await check(t0 + 100_000);
    expect([first.report.nakedSymbols, first.state, first.activated]).toEqual([['BTC'], 'NORMAL', false]);
    expect(logger.has('NAKED_POSITIONS_DETECTED (first occurrence)')).toBe(true);
    const second = await check(t0 + 130_000);
    expect([second.state, second.activated]).toEqual(['HALTED', true]);
    expect(logger.has('NAKED_POSITIONS_DETECTED (persistent)')).toBe(true);
  });

  it('a stop placed after the first detection clears it: no halt', async () => {
    const b = fx.broker();
    const t0 = fx.clock.now;
    await fx.venue.account.openPositionBehindBack('BTC', 'long', '0.01');
    const sup = new SafetySupervisor(parseSafetyConfig({}), new RecordingLogger(), { startedAt: t0 });
    const check = async (at: number) => {
      fx.clock.now = at;
      const [account, positions, openOrders] = await Promise.all([
        b.account(),
        b.positions(),
        b.openOrders(),
      ]);
      return sup.tick(
        { now: at, equity: account.equity, marginUsed: account.marginUsed, positions, openOrders },
        b,
      );
    };
    expect((await check(t0 + 100_000)).report.nakedSymbols).toEqual(['BTC']);
    await b.submitOrder(
      req('imp_sl-1', { side: 'sell', type: 'stop', triggerPrice: d(39_000), reduceOnly: true }),
    );
    const after = await check(t0 + 130_000);
    expect([after.report.nakedSymbols, after.state]).toEqual([[], 'NORMAL']);
  });
});
