import { describe, expect, it } from 'vitest';
import { seriesFromColumns } from '../../data/candles/series.ts';
import {
  bar,
  limitOrder,
  MIN15,
  makeSimBroker,
  marketOrder,
  pushBar,
  pushBars,
  stopOrder,
  T0,
  takeProfitOrder,
} from '../../test/kit/sim.ts';
import { BrokerError } from '../broker.ts';
import { compareEvents, type EngineEvent } from '../events.ts';
import { simConfig } from './config.ts';

const BTC = { BTC: { tickSize: '0.01', qtyStep: '0.001' } };
const s = (x: { toString(): string } | null | undefined) => x?.toString();

function kinds(events: EngineEvent[]): string[] {
  return events.map((e) => e.kind);
}

function brokerError(fn: () => unknown): BrokerError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BrokerError) return e;
    throw e;
  }
  throw new Error('expected a BrokerError');
}

describe('fills and fees by hand', () => {
  it('buy 0.5 at 100 with 0.05% taker and 2 bps slippage, then sell at 110', () => {
    const b = makeSimBroker({ instruments: BTC, slippageBps: 2 });
    pushBar(b, 'BTC', [99, 101, 98, 100]);
    b.submit(marketOrder('BTC', 'buy', '0.5'));
    pushBar(b, 'BTC', [100, 101, 99, 100.5]);
    const [buy] = b.fillsSince(0);
    expect([s(buy.price), s(buy.qty), s(buy.fee), buy.liquidity]).toEqual([
      '100.02',
      '0.5',
      '0.025005',
      'taker',
    ]);
    expect(s(b.ledgerSummary().balance)).toBe('9999.974995');
    expect(s(b.position('BTC')?.entryPrice)).toBe('100.02');

    b.submit(marketOrder('BTC', 'sell', '0.5'));
    pushBar(b, 'BTC', [110, 111, 109, 110]);
    const sell = b.fillsSince(0)[1];
    // 110 × (1 − 0.0002) = 109.978 → down to the tick against the seller
    expect([s(sell.price), s(sell.fee)]).toEqual(['109.97', '0.0274925']);
    const l = b.ledgerSummary();
    expect(s(l.realisedPnl)).toBe('4.975');
    expect(s(l.fees)).toBe('0.0524975');
    expect(s(l.balance)).toBe('10004.9225025');
    expect(b.position('BTC')).toBeUndefined();
  });

  it('resting limit fills as maker at its price; a marketable limit fills as taker capped at its limit', () => {
    const b = makeSimBroker({ instruments: BTC, slippageBps: 2 });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    const maker = b.submit(limitOrder('BTC', 'buy', '1', 95));
    const taker = b.submit(limitOrder('BTC', 'buy', '1', '100.01'));
    pushBar(b, 'BTC', [100, 100.5, 94, 96]);
    const fills = b.fillsSince(0);
    const byOrder = (id: string) => fills.find((f) => f.orderId === id);
    // open 100 × 1.0002 = 100.02 > limit 100.01 → capped at the limit
    expect([s(byOrder(taker.id)?.price), byOrder(taker.id)?.liquidity]).toEqual(['100.01', 'taker']);
    expect([s(byOrder(maker.id)?.price), byOrder(maker.id)?.liquidity, s(byOrder(maker.id)?.fee)]).toEqual([
      '95',
      'maker',
      '0.019',
    ]);
  });

  it('a resting limit gapped through fills at its own price (maker), a new one at the open (taker)', () => {
    const b = makeSimBroker({ instruments: BTC });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    const rested = b.submit(limitOrder('BTC', 'buy', '1', 95));
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    const fresh = b.submit(limitOrder('BTC', 'buy', '1', 95));
    pushBar(b, 'BTC', [90, 91, 89, 90]);
    const f = b.fillsSince(0);
    expect(f.map((x) => [x.orderId, s(x.price), x.liquidity])).toEqual([
      [rested.id, '95', 'maker'],
      [fresh.id, '90', 'taker'],
    ]);
  });
});

describe('no lookahead', () => {
  it('an order placed at a bar close fills at the next bar open, never inside the bar that produced it', () => {
    const b = makeSimBroker({ instruments: BTC });
    pushBar(b, 'BTC', [100, 120, 80, 100]);
    const o = b.submit(marketOrder('BTC', 'buy', '1'));
    expect(o.status).toBe('open');
    expect(o.createdAt).toBe(T0 + MIN15);
    expect(b.fillsSince(0)).toEqual([]);
    pushBar(b, 'BTC', [103, 104, 102, 103]);
    expect(b.fillsSince(0).map((f) => [s(f.price), f.ts])).toEqual([['103', T0 + MIN15]]);
  });

  it('an order placed from an event listener mid-bar takes part only from the next price event', () => {
    const b = makeSimBroker({ instruments: BTC });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    b.submit(marketOrder('BTC', 'buy', '1'));
    let exit: string | undefined;
    b.subscribe((e) => {
      if (e.kind === 'order_filled' && exit === undefined)
        exit = b.submit(limitOrder('BTC', 'sell', '1', 104)).id;
    });
    pushBar(b, 'BTC', [100, 105, 99, 101]); // the entry fills at the open; the bar later trades through 104
    expect(exit && b.getOrder(exit)?.status).toBe('open');
    pushBar(b, 'BTC', [101, 104.5, 100, 104]);
    expect(exit && b.getOrder(exit)?.status).toBe('filled');
  });

  it('refuses a bar that goes back in time for its symbol', () => {
    const b = makeSimBroker({ instruments: BTC });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    expect(() => b.onBar('BTC', bar(T0, [100, 101, 99, 100]))).toThrow(/out of order/);
  });
});

describe('intrabar rule', () => {
  it('long: stop and take-profit inside one bar → the stop is hit first, the TP is cancelled', () => {
    const b = makeSimBroker({ instruments: BTC });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    b.submit(marketOrder('BTC', 'buy', '0.5'));
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    b.drainEvents();
    const sl = b.submit(stopOrder('BTC', 'sell', '0.5', 95));
    const tp = b.submit(takeProfitOrder('BTC', 'sell', '0.5', 105));
    // A red bar: the colour alone would walk O→H→L→C and hit the TP first; the long walks the low first.
    pushBar(b, 'BTC', [100, 106, 94, 95]);
    const ev = b.drainEvents().filter((e) => e.kind !== 'order_accepted');
    expect(kinds(ev)).toEqual(['trigger_fired', 'order_filled', 'trigger_fired', 'order_cancelled']);
    const filled = ev[1];
    expect(filled.kind === 'order_filled' && [filled.order.id, s(filled.fill.price)]).toEqual([sl.id, '95']);
    const cancelled = ev[3];
    expect(cancelled.kind === 'order_cancelled' && [cancelled.order.id, cancelled.reason]).toEqual([
      tp.id,
      'reduce_only',
    ]);
    // 10000 − 0.025 (entry fee) − 2.5 (loss) − 0.02375 (exit fee)
    expect(s(b.ledgerSummary().balance)).toBe('9997.45125');
  });

  it('short: stop above and TP below inside one green bar → the stop is hit first', () => {
    const b = makeSimBroker({ instruments: BTC, fees: { taker: 0, maker: 0 } });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    b.submit(marketOrder('BTC', 'sell', '1'));
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    b.submit(stopOrder('BTC', 'buy', '1', 105));
    b.submit(takeProfitOrder('BTC', 'buy', '1', 95));
    pushBar(b, 'BTC', [100, 106, 94, 105]); // the colour alone would go low first
    expect(b.fillsSince(0).map((f) => [f.side, s(f.price)])).toEqual([
      ['sell', '100'],
      ['buy', '105'],
    ]);
    expect(s(b.ledgerSummary().realisedPnl)).toBe('-5');
  });

  it('finer bars decide instead: the TP is hit first when the finer path says so', () => {
    const b = makeSimBroker({ instruments: BTC, fees: { taker: 0, maker: 0 } });
    pushBar(b, 'BTC', [100, 101, 99, 100], 60_000);
    b.submit(marketOrder('BTC', 'buy', '1'));
    pushBar(b, 'BTC', [100, 101, 99, 100], 60_000);
    b.submit(stopOrder('BTC', 'sell', '1', 95));
    b.submit(takeProfitOrder('BTC', 'sell', '1', 105));
    // The 2-minute span of the coarse bar [100, 106, 94, 94], fed as two 1m bars.
    pushBars(
      b,
      'BTC',
      [
        [100, 106, 99.5, 105.5],
        [105.5, 105.5, 94, 94],
      ],
      60_000,
    );
    expect(b.fillsSince(0).map((f) => s(f.price))).toEqual(['100', '105']);
    expect(b.listOpenOrders('BTC')).toEqual([]);
    expect(s(b.ledgerSummary().realisedPnl)).toBe('5');
  });

  it('a stop gapped through fills at the open, not at its trigger', () => {
    const b = makeSimBroker({ instruments: BTC, fees: { taker: 0, maker: 0 } });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    b.submit(marketOrder('BTC', 'buy', '1'));
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    b.submit(stopOrder('BTC', 'sell', '1', 95));
    pushBar(b, 'BTC', [90, 91, 89, 90]);
    expect(s(b.fillsSince(0)[1].price)).toBe('90');
  });

  it('fill times inside a bar precede its close: open at ts, legs at ¼ ½ ¾', () => {
    const b = makeSimBroker({ instruments: BTC });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    b.submit(marketOrder('BTC', 'buy', '1'));
    b.submit(limitOrder('BTC', 'buy', '1', 97));
    b.submit(limitOrder('BTC', 'sell', '1', 104));
    const t = T0 + MIN15;
    pushBar(b, 'BTC', [100, 105, 96, 101]); // flat at bar start, long after the open → low first
    expect(b.fillsSince(0).map((f) => [s(f.price), f.ts - t])).toEqual([
      ['100', 0],
      ['97', MIN15 / 4],
      ['104', MIN15 / 2],
    ]);
  });
});

describe('trigger signal', () => {
  it("a 'mark' stop fires on the mark even when the last price stays above; a 'last' stop does not", () => {
    const b = makeSimBroker({ instruments: BTC, fees: { taker: 0, maker: 0 } });
    b.onTick('BTC', T0, 100);
    b.submit(marketOrder('BTC', 'buy', '2'));
    b.onTick('BTC', T0 + 1000, 100);
    const onMark = b.submit(stopOrder('BTC', 'sell', '1', 95, { triggerSignal: 'mark' }));
    const onLast = b.submit(stopOrder('BTC', 'sell', '1', 95, { triggerSignal: 'last' }));
    b.onTick('BTC', T0 + 2000, 96, 94.5);
    expect(b.getOrder(onMark.id)?.status).toBe('filled');
    expect(s(b.getOrder(onMark.id)?.avgFillPrice)).toBe('96');
    expect(b.getOrder(onLast.id)?.status).toBe('open');
  });
});

describe('reduce-only', () => {
  it('is refused when flat (it would open) and when on the position side (it would increase)', () => {
    const b = makeSimBroker({ instruments: BTC });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    const flat = brokerError(() => b.submit(marketOrder('BTC', 'sell', '1', true)));
    expect([flat.kind, flat.message]).toEqual([
      'reduce_only_violation',
      'reduce-only sell on BTC refused: no position to reduce (it would open one)',
    ]);
    b.submit(marketOrder('BTC', 'buy', '1'));
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    expect(brokerError(() => b.submit(limitOrder('BTC', 'buy', '1', 99, true))).kind).toBe(
      'reduce_only_violation',
    );
    const rejected = b.drainEvents().filter((e) => e.kind === 'order_rejected');
    expect(rejected.map((e) => e.kind === 'order_rejected' && e.reason)).toEqual([
      'reduce_only_violation',
      'reduce_only_violation',
    ]);
  });

  it("'reject' mode refuses a reduce-only order larger than the position (it would flip)", () => {
    const b = makeSimBroker({ instruments: BTC, config: { reduceOnlyOversize: 'reject' } });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    b.submit(marketOrder('BTC', 'buy', '1'));
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    expect(brokerError(() => b.submit(marketOrder('BTC', 'sell', '2', true))).message).toMatch(/would flip/);
  });

  it("'clip' mode (Kraken): the position is closed and the residual cancelled — never flipped", () => {
    const b = makeSimBroker({ instruments: BTC });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    b.submit(marketOrder('BTC', 'buy', '1'));
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    const o = b.submit(marketOrder('BTC', 'sell', '2', true));
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    const after = b.getOrder(o.id);
    expect([after?.status, s(after?.filledQty)]).toEqual(['cancelled', '1']);
    expect(b.positionQty('BTC').isZero()).toBe(true);
    const last = b.drainEvents().at(-1);
    expect(last?.kind === 'order_cancelled' && last.reason).toBe('reduce_only_residual');
  });

  it('reduce-only stops are accepted while flat and cancelled if they trigger with nothing to reduce', () => {
    const b = makeSimBroker({ instruments: BTC });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    const sl = b.submit(stopOrder('BTC', 'sell', '1', 95));
    expect(sl.status).toBe('open');
    pushBar(b, 'BTC', [100, 101, 94, 96]);
    expect(b.getOrder(sl.id)?.status).toBe('cancelled');
    expect(b.position('BTC')).toBeUndefined();
  });
});

describe('partial fills', () => {
  it('a liquidity cap splits a market order across bars; the parts sum to the order', () => {
    const b = makeSimBroker({ instruments: BTC, config: { maxVolumeFraction: 0.1 } });
    pushBar(b, 'BTC', [100, 101, 99, 100, 10]);
    const o = b.submit(marketOrder('BTC', 'buy', '2.5'));
    pushBars(b, 'BTC', [
      [100, 101, 99, 100, 10],
      [101, 102, 100, 101, 10],
      [102, 103, 101, 102, 10],
    ]);
    const fills = b.fillsSince(0);
    expect(fills.map((f) => [s(f.qty), s(f.price)])).toEqual([
      ['1', '100'],
      ['1', '101'],
      ['0.5', '102'],
    ]);
    const done = b.getOrder(o.id);
    expect([done?.status, s(done?.filledQty), s(done?.avgFillPrice)]).toEqual(['filled', '2.5', '100.8']);
    expect(
      kinds(b.drainEvents().filter((e) => e.kind.startsWith('order_') && e.kind !== 'order_accepted')),
    ).toEqual(['order_partially_filled', 'order_partially_filled', 'order_filled']);
  });

  it('capNextFill provokes one partial fill on demand', () => {
    const b = makeSimBroker({ instruments: BTC });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    b.hooks.capNextFill('0.3');
    const o = b.submit(limitOrder('BTC', 'buy', '1', 98));
    pushBar(b, 'BTC', [100, 101, 97, 99]);
    expect(b.fillsSince(0).map((f) => s(f.qty))).toEqual(['0.3', '0.7']);
    expect(b.getOrder(o.id)?.status).toBe('filled');
  });
});

describe('funding', () => {
  const run = (side: 'buy' | 'sell') => {
    const b = makeSimBroker({ instruments: BTC, config: { funding: { rate: 0.0001 } } });
    pushBar(b, 'BTC', [100, 101, 99, 100]); // T0 .. T0+15m
    b.submit(marketOrder('BTC', side, '2'));
    pushBars(b, 'BTC', [
      [100, 101, 99, 100],
      [100, 101, 99, 100],
      [100, 111, 99, 110], // closes at T0+1h: the funding time
    ]);
    return b;
  };

  it('a long pays qty × mark × rate at the hour, a short receives it', () => {
    const long = run('buy');
    const [fl] = long.drainEvents().filter((e) => e.kind === 'funding');
    expect(fl.kind === 'funding' && [fl.ts, fl.side, s(fl.amount), s(fl.markPrice)]).toEqual([
      T0 + 3_600_000,
      'long',
      '-0.022',
      '110',
    ]);
    expect(s(long.ledgerSummary().fundingPaid)).toBe('0.022');
    expect(s(long.ledgerSummary().balance)).toBe('9999.878'); // 10000 − 0.1 fee − 0.022

    const short = run('sell');
    expect(s(short.ledgerSummary().fundingPaid)).toBe('-0.022');
    expect(s(short.ledgerSummary().balance)).toBe('9999.922');
  });

  it('nothing is paid while flat', () => {
    const b = makeSimBroker({ instruments: BTC, config: { funding: { rate: 0.0001 } } });
    pushBars(
      b,
      'BTC',
      Array.from({ length: 8 }, () => [100, 101, 99, 100] as [number, number, number, number]),
    );
    expect(b.drainEvents()).toEqual([]);
    expect(s(b.ledgerSummary().balance)).toBe('10000');
  });
});

describe('margin and liquidation', () => {
  const setup = () => {
    const b = makeSimBroker({
      equity: 1000,
      leverage: 10,
      instruments: BTC,
      fees: { taker: 0, maker: 0 },
      config: { maintenanceMarginRate: 0.01 },
    });
    pushBar(b, 'BTC', [10000, 10001, 9999, 10000]);
    b.submit(marketOrder('BTC', 'buy', '1'));
    pushBar(b, 'BTC', [10000, 10001, 9999, 10000]);
    return b;
  };

  it('liquidation price: equity = maintenance margin → (q·e − B) / (q·(1 − mmr))', () => {
    const b = setup();
    expect(b.liquidationPriceOf('BTC')).toBeCloseTo(9000 / 0.99, 6);
  });

  it('a bar through the liquidation price closes the position there and cancels its orders', () => {
    const b = setup();
    const tp = b.submit(takeProfitOrder('BTC', 'sell', '1', 11000));
    b.drainEvents();
    pushBar(b, 'BTC', [10000, 10010, 9000, 9050]);
    const ev = b.drainEvents();
    expect(kinds(ev)).toEqual(['order_cancelled', 'liquidation']);
    const liq = ev[1];
    if (liq.kind !== 'liquidation') throw new Error('expected a liquidation');
    expect([liq.side, s(liq.qty), s(liq.price)]).toEqual(['long', '1', '9090.9']);
    expect(liq.equity).toBeCloseTo(liq.maintenanceMargin, 6);
    expect(b.getOrder(tp.id)?.status).toBe('cancelled');
    expect(b.position('BTC')).toBeUndefined();
    expect(s(b.ledgerSummary().balance)).toBe('90.9');
  });

  it('a stop above the liquidation price is hit first', () => {
    const b = setup();
    b.submit(stopOrder('BTC', 'sell', '1', 9500));
    pushBar(b, 'BTC', [10000, 10010, 9000, 9050]);
    expect(b.drainEvents().some((e) => e.kind === 'liquidation')).toBe(false);
    expect(s(b.ledgerSummary().balance)).toBe('500');
  });

  it('an opening order needing more initial margin than available is refused', () => {
    const b = makeSimBroker({ equity: 1000, leverage: 7, instruments: BTC });
    pushBar(b, 'BTC', [10000, 10001, 9999, 10000]);
    expect(brokerError(() => b.submit(marketOrder('BTC', 'buy', '1'))).kind).toBe('insufficient_funds');
    // a reduce-only or smaller order is fine
    expect(b.submit(marketOrder('BTC', 'buy', '0.6')).status).toBe('open');
  });

  it('account: equity, margin used at the leverage, utilisation', () => {
    const b = makeSimBroker({ instruments: BTC, fees: { taker: 0, maker: 0 }, leverage: 5 });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    b.submit(marketOrder('BTC', 'buy', '10'));
    pushBar(b, 'BTC', [100, 111, 99, 110]);
    const a = b.accountSnapshot();
    expect([s(a.equity), s(a.balance), s(a.marginUsed), s(a.availableMargin)]).toEqual([
      '10100',
      '10000',
      '220',
      '9880',
    ]);
    expect(a.marginUtilization).toBeCloseTo(220 / 10100, 12);
    expect(b.equityValue()).toBe(10100);
    const [p] = b.listPositions();
    expect([
      p.side,
      s(p.qty),
      s(p.entryPrice),
      s(p.currentMarkPrice),
      s(p.unrealizedPnl),
      s(p.margin),
    ]).toEqual(['long', '10', '100', '110', '100', '220']);
  });

  it('account while flat: reused across bars, and fresh after a round trip moved the balance', () => {
    const b = makeSimBroker({ instruments: BTC, fees: { taker: 0.001, maker: 0 }, leverage: 5 });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    const flat = b.accountSnapshot();
    pushBar(b, 'BTC', [100, 120, 90, 115]);
    expect(s(b.accountSnapshot().equity)).toBe(s(flat.equity));
    b.submit(marketOrder('BTC', 'buy', '10'));
    pushBar(b, 'BTC', [110, 111, 109, 110]);
    b.submit(marketOrder('BTC', 'sell', '10'));
    pushBar(b, 'BTC', [120, 121, 119, 120]);
    const after = b.accountSnapshot();
    // +10 × (120 − 110) − fees 1.1 and 1.2
    expect([s(after.equity), s(after.balance), s(after.marginUsed), s(after.availableMargin)]).toEqual([
      '10097.7',
      '10097.7',
      '0',
      '10097.7',
    ]);
    expect(s(after.equity)).toBe(s(b.ledgerSummary().balance));
    pushBar(b, 'BTC', [120, 130, 110, 125]);
    expect(s(b.accountSnapshot().equity)).toBe('10097.7');
  });
});

describe('quantization at submission', () => {
  it('qty ROUND_DOWN to the step, prices ROUND_DOWN to the tick; below the minimum is refused', () => {
    const b = makeSimBroker({ instruments: BTC });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    const o = b.submit(limitOrder('BTC', 'buy', '0.123456', '100.129'));
    expect([s(o.qty), s(o.price)]).toEqual(['0.123', '100.12']);
    const sl = b.submit(stopOrder('BTC', 'sell', '0.0019', '95.559', { reduceOnly: true }));
    expect([s(sl.qty), s(sl.triggerPrice)]).toEqual(['0.001', '95.55']);
    const e = brokerError(() => b.submit(marketOrder('BTC', 'buy', '0.0009')));
    expect([e.kind, e.message]).toEqual([
      'invalid_order',
      'qty 0.0009 of BTC is below the minimum 0.001 after rounding down to the step 0.001',
    ]);
  });

  it('refuses a duplicate client order id and a limit without price', () => {
    const b = makeSimBroker({ instruments: BTC });
    const r = limitOrder('BTC', 'buy', '1', 90);
    b.submit(r);
    expect(brokerError(() => b.submit(r)).message).toMatch(/already used/);
    expect(brokerError(() => b.submit({ ...r, clientId: 'x', price: undefined })).message).toMatch(
      /needs a price/,
    );
  });
});

describe('test hooks', () => {
  it('instantFillNext: the market order is filled inside submit (seed Bug 6 setup)', () => {
    const b = makeSimBroker({ instruments: BTC });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    b.hooks.instantFillNext();
    const o = b.submit(marketOrder('BTC', 'buy', '1'));
    expect([o.status, s(o.avgFillPrice)]).toEqual(['filled', '100']);
    expect(s(b.positionQty('BTC'))).toBe('1');
    expect(b.submit(marketOrder('BTC', 'buy', '1')).status).toBe('open'); // spent
  });

  it("marketFill 'immediate' fills every market order at submission", () => {
    const b = makeSimBroker({ instruments: BTC, config: { marketFill: 'immediate' } });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    expect(b.submit(marketOrder('BTC', 'buy', '1')).status).toBe('filled');
  });

  it('vanished stop: gone from open orders, and cancelling it throws order_not_found (seed Bug 7 setup)', async () => {
    const b = makeSimBroker({ instruments: BTC });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    b.submit(marketOrder('BTC', 'buy', '1'));
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    const sl = b.submit(stopOrder('BTC', 'sell', '1', 95));
    expect(b.hooks.vanishStops('BTC')).toEqual([sl.id]);
    expect(await b.openOrders('BTC')).toEqual([]);
    await expect(b.cancelOrder('BTC', sl.id)).rejects.toMatchObject({ kind: 'order_not_found' });
  });

  it('failNext makes the next call throw and leaves the order in place', async () => {
    const b = makeSimBroker({ instruments: BTC });
    const o = b.submit(limitOrder('BTC', 'buy', '1', 90));
    b.hooks.failNext('cancel', 'order_not_found');
    await expect(b.cancelOrder('BTC', o.id)).rejects.toBeInstanceOf(BrokerError);
    expect(b.getOrder(o.id)?.status).toBe('open');
    await b.cancelOrder('BTC', o.id);
    expect(b.getOrder(o.id)?.status).toBe('cancelled');
    await expect(b.cancelOrder('BTC', o.id)).rejects.toMatchObject({ kind: 'order_not_found' });
  });

  it('openPositionBehindBack: a phantom the bot never ordered shows in positions and fills', async () => {
    const b = makeSimBroker({ instruments: BTC });
    b.hooks.openPositionBehindBack('BTC', 'short', '2', 50);
    const [p] = await b.positions();
    expect([p.side, s(p.qty), s(p.entryPrice)]).toEqual(['short', '2', '50']);
    const [f] = await b.fills(0);
    expect(f.clientId).toMatch(/^external-/);
  });

  it('setSpreadBps widens the ticker around the last price', async () => {
    const b = makeSimBroker({ instruments: BTC });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    b.hooks.setSpreadBps('BTC', 200);
    const t = await b.ticker('BTC');
    expect([s(t.bid), s(t.ask), s(t.last)]).toEqual(['99', '101', '100']);
  });
});

describe('orders API', () => {
  it('edit re-quantizes, cancelAll cancels everything of a symbol', () => {
    const b = makeSimBroker({ instruments: BTC });
    const o = b.submit(limitOrder('BTC', 'buy', '1', 90));
    b.submit(limitOrder('BTC', 'sell', '1', 110));
    const e = b.edit(o.id, { price: b.getOrder(o.id)?.price?.plus('0.005'), qty: o.qty.plus('0.0015') });
    expect([s(e.price), s(e.qty)]).toEqual(['90', '1.001']);
    expect(b.cancelAll('BTC')).toHaveLength(2);
    expect(b.listOpenOrders()).toEqual([]);
  });

  it('every event carries a unique seq and the drained stream is in (ts, seq) order', () => {
    const b = makeSimBroker({ instruments: BTC, config: { funding: { rate: 0.0001 } } });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    b.submit(marketOrder('BTC', 'buy', '1'));
    b.submit(limitOrder('BTC', 'buy', '1', 98));
    b.submit(stopOrder('BTC', 'sell', '2', 95));
    const n = b.onBar('BTC', bar(T0 + MIN15, [100, 102, 97, 101]));
    pushBars(b, 'BTC', [
      [101, 102, 100, 101],
      [101, 102, 94, 95],
    ]);
    const ev = b.drainEvents();
    expect(n).toBeGreaterThan(0);
    expect(ev.length).toBe(b.eventCount);
    expect([...ev].sort(compareEvents)).toEqual(ev);
  });
});

describe('sync core helpers', () => {
  it('onSeriesBar reads a columnar series row; advanceTo settles funding without prices', () => {
    const b = makeSimBroker({ instruments: BTC, config: { funding: { rate: 0.001 } } });
    const series = seriesFromColumns(
      { source: 't', symbol: 'BTC', timeframe: '15m' },
      {
        ts: [T0, T0 + MIN15],
        open: [100, 100],
        high: [101, 101],
        low: [99, 99],
        close: [100, 100],
        volume: [1, 1],
      },
    );
    b.onSeriesBar(series, 0);
    b.submit(marketOrder('BTC', 'sell', '1'));
    b.onSeriesBar(series, 1);
    expect(b.lastEventEnd('BTC')).toBe(T0 + 2 * MIN15);
    expect(b.advanceTo(T0 + 3_600_000 - 1)).toBe(0);
    expect(b.advanceTo(T0 + 2 * 3_600_000)).toBe(2); // two hourly payments, received by the short
    expect(s(b.ledgerSummary().fundingPaid)).toBe('-0.2');
  });

  it('edit moves a stop: the new trigger is the one that fires', () => {
    const b = makeSimBroker({ instruments: BTC, fees: { taker: 0, maker: 0 } });
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    b.submit(marketOrder('BTC', 'buy', '1'));
    pushBar(b, 'BTC', [100, 101, 99, 100]);
    const sl = b.submit(stopOrder('BTC', 'sell', '1', 90));
    b.edit(sl.id, { triggerPrice: b.getOrder(sl.id)?.triggerPrice?.plus(8) });
    pushBar(b, 'BTC', [100, 101, 97, 99]);
    expect(s(b.fillsSince(0)[1]?.price)).toBe('98');
  });
});

describe('config', () => {
  it('refuses a maintenance rate at or above 1/leverage, naming the field', () => {
    expect(() => simConfig({ leverage: 100, maintenanceMarginRate: 0.01 })).toThrow(/maintenanceMarginRate/);
    expect(simConfig({}).fees).toEqual({ maker: 0.0002, taker: 0.0005 });
  });
});
