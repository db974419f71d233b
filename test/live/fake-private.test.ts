import ccxt from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seriesFromCloses } from '../../data/synthetic/scripted.ts';
import { AccountsResponseSchema } from '../../live/kraken/api/schema/accounts.ts';
import { KrakenErrorResponseSchema } from '../../live/kraken/api/schema/common.ts';
import { FillsResponseSchema } from '../../live/kraken/api/schema/fills.ts';
import { LeveragePreferencesResponseSchema } from '../../live/kraken/api/schema/leverage.ts';
import {
  CancelAllOrdersResponseSchema,
  CancelOrderResponseSchema,
  EditOrderResponseSchema,
  OpenOrdersResponseSchema,
  OrderStatusResponseSchema,
  SendOrderResponseSchema,
} from '../../live/kraken/api/schema/orders.ts';
import { OpenPositionsResponseSchema } from '../../live/kraken/api/schema/positions.ts';
import { krakenAuthent } from '../../live/kraken/fake/private/auth.ts';
import { API_KEY, API_SECRET, type FakeExchange, H, risingBtc, startFakeExchange, T0 } from './fake-kit.ts';

/**
 * The fake's private endpoints through the real, unmodified ccxt `krakenfutures` client: Kraken's request
 * authentication, response shapes (validated with the schemas the broker parses them with), order
 * statuses, and the scenario controls.
 */

// ETH falls 10 per hourly bar from 2 000: a long's stop below is reached as bars close.
const fallingEth = () =>
  seriesFromCloses(
    Array.from({ length: 48 }, (_, i) => 2_000 - 10 * i),
    { symbol: 'ETH', timeframe: '1h', start: T0, volume: 1_000, wickPct: 0 },
  );

let fx: FakeExchange;
beforeEach(async () => {
  fx = await startFakeExchange({
    series: [risingBtc(), fallingEth()],
    instruments: [
      { symbol: 'BTC', tickSize: 0.5, contractValueTradePrecision: 4 },
      { symbol: 'ETH', tickSize: 0.1, contractValueTradePrecision: 3 },
    ],
  });
  fx.clock.now = T0 + 10 * H + 5 * 60_000; // 5 minutes into bar #10
});
afterEach(() => fx.stop());

const send = async (params: Record<string, string>) =>
  SendOrderResponseSchema.parse(await fx.client().privatePostSendorder(params)).sendStatus;

describe('authentication (APIKey, Authent, Nonce)', () => {
  it('computes Authent exactly as ccxt signs a request', () => {
    const c = fx.client();
    const signed = c.sign('openorders', 'private', 'GET', { foo: 'bar' });
    expect(signed.headers.Authent).toBe(krakenAuthent(API_SECRET, 'foo=bar', '', '/api/v3/openorders'));
    expect(signed.headers.APIKey).toBe(API_KEY);
  });

  it('serves a correctly signed request and refuses a wrong secret with authenticationError', async () => {
    const bal = await fx.client().fetchBalance();
    expect(bal.USD.total).toBe(10_000);
    const wrong = fx.client({ secret: Buffer.from('not-the-secret').toString('base64') });
    const err = await wrong.fetchBalance().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ccxt.AuthenticationError);
    expect((err as Error).message).toContain('authenticationError');
  });

  it('refuses an unknown API key and a request without headers', async () => {
    const res = await fetch(`${fx.url}/derivatives/api/v3/openpositions`);
    expect(res.status).toBe(401);
    expect(KrakenErrorResponseSchema.parse(await res.json()).error).toBe('authenticationError');
  });

  it('accepts increasing nonces and refuses a repeated or lower one', async () => {
    const call = async (nonce: string) => {
      const res = await fetch(`${fx.url}/derivatives/api/v3/openpositions`, {
        headers: {
          APIKey: API_KEY,
          Nonce: nonce,
          Authent: krakenAuthent(API_SECRET, '', nonce, '/api/v3/openpositions'),
        },
      });
      const body = (await res.json()) as { result: string; error?: string };
      return body.result === 'success' ? 'ok' : body.error;
    };
    expect(await call('1700000000001')).toBe('ok');
    expect(await call('1700000000005')).toBe('ok');
    expect(await call('1700000000005')).toBe('nonceDuplicate');
    expect(await call('1700000000003')).toBe('nonceBelowThreshold');
    expect(await call('1700000000006')).toBe('ok');
  });
});

describe('orders, positions, account, fills', () => {
  it('fills a market order at once at the forming bar open, and reports it everywhere', async () => {
    const s = await send({
      orderType: 'mkt',
      symbol: 'PF_XBTUSD',
      side: 'buy',
      size: '0.01',
      cliOrdId: 'e-1',
    });
    expect(s.status).toBe('placed');
    const exec = s.orderEvents?.[0];
    expect(exec?.type).toBe('EXECUTION');
    // bar #10 opens at the close of bar #9: 40 900 (no slippage configured)
    expect(
      exec?.type === 'EXECUTION' && [exec.price, exec.amount, exec.orderPriorExecution.cliOrdId],
    ).toEqual([40_900, 0.01, 'e-1']);

    const c = fx.client();
    const pos = OpenPositionsResponseSchema.parse(await c.privateGetOpenpositions()).openPositions;
    expect(pos).toEqual([
      expect.objectContaining({
        side: 'long',
        symbol: 'PF_XBTUSD',
        price: '40900',
        size: '0.01',
        unrealizedPnl: '0',
      }),
    ]);
    const fills = FillsResponseSchema.parse(await c.privateGetFills()).fills;
    expect(fills).toEqual([
      expect.objectContaining({
        order_id: s.order_id,
        cliOrdId: 'e-1',
        size: 0.01,
        price: 40_900,
        fillType: 'taker',
      }),
    ]);
    const flex = AccountsResponseSchema.parse(await c.privateGetAccounts()).accounts.flex;
    // fee 0.01 × 40 900 × 0.05 % = 0.2045; leverage 50 (cross margin) → initial margin 8.18
    expect(flex?.balanceValue).toBe(9_999.7955);
    expect(flex?.initialMargin).toBe(8.18);
    const unified = await c.fetchPositions();
    expect(unified[0]).toMatchObject({
      symbol: 'BTC/USD:USD',
      side: 'long',
      contracts: 0.01,
      entryPrice: 40_900,
    });
  });

  it('triggers a reduce-only stop on the mark as bars close, and reports the fill and the closed order', async () => {
    await send({ orderType: 'mkt', symbol: 'PF_ETHUSD', side: 'buy', size: '1', cliOrdId: 'e-eth' });
    // bar #10 opens at 1 910; stop 1 885 is crossed inside bar #12 (1 890 → 1 880)
    const stop = await send({
      orderType: 'stp',
      symbol: 'PF_ETHUSD',
      side: 'sell',
      size: '1',
      stopPrice: '1885',
      triggerSignal: 'mark',
      reduceOnly: 'true',
      cliOrdId: 'sl-eth',
    });
    expect(stop.orderEvents?.[0]).toMatchObject({
      type: 'PLACE',
      orderTrigger: {
        triggerPrice: 1885,
        triggerSide: 'trigger_below',
        triggerSignal: 'mark_price',
        reduceOnly: true,
      },
    });
    const c = fx.client();
    const open = OpenOrdersResponseSchema.parse(await c.privateGetOpenorders()).openOrders;
    expect(open).toEqual([
      expect.objectContaining({
        cliOrdId: 'sl-eth',
        orderType: 'stop',
        stopPrice: 1885,
        status: 'untouched',
      }),
    ]);

    fx.clock.now = T0 + 12 * H + 30 * 60_000; // bar #11 closed, #12 forming: not yet
    expect(OpenOrdersResponseSchema.parse(await c.privateGetOpenorders()).openOrders).toHaveLength(1);
    fx.clock.now = T0 + 13 * H + 1_000; // bar #12 has closed
    expect(OpenOrdersResponseSchema.parse(await c.privateGetOpenorders()).openOrders).toHaveLength(0);
    expect(OpenPositionsResponseSchema.parse(await c.privateGetOpenpositions()).openPositions).toEqual([]);
    const fills = FillsResponseSchema.parse(await c.privateGetFills()).fills;
    expect(fills[0]).toMatchObject({ cliOrdId: 'sl-eth', side: 'sell', price: 1885, size: 1 });
    // the fill carries its intrabar time (inside bar #12), not the time it was reported
    const t = Date.parse(fills[0].fillTime);
    expect(t).toBeGreaterThan(T0 + 12 * H);
    expect(t).toBeLessThan(T0 + 13 * H);
    const st = OrderStatusResponseSchema.parse(
      await c.privateGetOrdersStatus({ cliOrdIds: 'sl-eth' }),
    ).orders;
    expect(st).toEqual([]); // closed long before the status window of a few seconds
  });

  it('answers the refusal statuses ccxt knows', async () => {
    const big = await send({
      orderType: 'mkt',
      symbol: 'PF_XBTUSD',
      side: 'buy',
      size: '100',
      cliOrdId: 'big',
    });
    expect(big.status).toBe('insufficientAvailableFunds');
    const ro = await send({
      orderType: 'mkt',
      symbol: 'PF_XBTUSD',
      side: 'sell',
      size: '0.01',
      reduceOnly: 'true',
    });
    expect(ro.status).toBe('wouldNotReducePosition');
    const step = await send({
      orderType: 'lmt',
      symbol: 'PF_XBTUSD',
      side: 'buy',
      size: '0.00001',
      limitPrice: '30000',
    });
    expect(step.status).toBe('invalidSize');
    const tick = await send({
      orderType: 'lmt',
      symbol: 'PF_XBTUSD',
      side: 'buy',
      size: '0.01',
      limitPrice: '30000.3',
    });
    expect(tick.status).toBe('invalidPrice');
    await send({
      orderType: 'lmt',
      symbol: 'PF_XBTUSD',
      side: 'buy',
      size: '0.01',
      limitPrice: '30000',
      cliOrdId: 'dup',
    });
    const dup = await send({
      orderType: 'lmt',
      symbol: 'PF_XBTUSD',
      side: 'buy',
      size: '0.01',
      limitPrice: '30000',
      cliOrdId: 'dup',
    });
    expect(dup.status).toBe('clientOrderIdAlreadyExist');
    // ccxt's unified createOrder raises its classes for them
    const err = await fx
      .client()
      .createOrder('BTC/USD:USD', 'market', 'buy', 100)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ccxt.InsufficientFunds);
  });

  it('cancels, then answers notFound; a filled order answers filled; a vanished one notFound', async () => {
    const c = fx.client();
    const lmt = await send({
      orderType: 'lmt',
      symbol: 'PF_XBTUSD',
      side: 'buy',
      size: '0.01',
      limitPrice: '30000',
      cliOrdId: 'l-1',
    });
    const first = CancelOrderResponseSchema.parse(await c.privatePostCancelorder({ order_id: lmt.order_id }));
    expect(first.cancelStatus).toMatchObject({
      status: 'cancelled',
      order_id: lmt.order_id,
      cliOrdId: 'l-1',
    });
    const again = CancelOrderResponseSchema.parse(await c.privatePostCancelorder({ order_id: lmt.order_id }));
    expect(again.cancelStatus.status).toBe('notFound');
    const ccxtErr = await c.cancelOrder(lmt.order_id ?? '').catch((e: unknown) => e);
    expect(ccxtErr).toBeInstanceOf(ccxt.OrderNotFound);

    const mkt = await send({ orderType: 'mkt', symbol: 'PF_XBTUSD', side: 'buy', size: '0.01' });
    const filled = CancelOrderResponseSchema.parse(
      await c.privatePostCancelorder({ order_id: mkt.order_id }),
    );
    expect(filled.cancelStatus.status).toBe('filled');

    const sl = await send({
      orderType: 'stp',
      symbol: 'PF_XBTUSD',
      side: 'sell',
      size: '0.01',
      stopPrice: '39000',
      reduceOnly: 'true',
    });
    expect(fx.venue.account.vanishStops('BTC')).toEqual([sl.order_id]);
    const gone = CancelOrderResponseSchema.parse(await c.privatePostCancelorder({ order_id: sl.order_id }));
    expect(gone.cancelStatus.status).toBe('notFound');
  });

  it('edits an open order and cancels all of a symbol', async () => {
    const c = fx.client();
    const lmt = await send({
      orderType: 'lmt',
      symbol: 'PF_XBTUSD',
      side: 'buy',
      size: '0.01',
      limitPrice: '30000',
    });
    const edit = EditOrderResponseSchema.parse(
      await c.privatePostEditorder({ orderId: lmt.order_id, limitPrice: '31000.5', size: '0.02' }),
    );
    expect(edit.editStatus.status).toBe('edited');
    const open = OpenOrdersResponseSchema.parse(await c.privateGetOpenorders()).openOrders;
    expect(open[0]).toMatchObject({ limitPrice: 31_000.5, unfilledSize: 0.02 });
    const notStop = EditOrderResponseSchema.parse(
      await c.privatePostEditorder({ orderId: lmt.order_id, stopPrice: '1' }),
    );
    expect(notStop.editStatus.status).toBe('orderForEditNotAStop');
    await send({ orderType: 'lmt', symbol: 'PF_ETHUSD', side: 'buy', size: '1', limitPrice: '1000' });
    const all = CancelAllOrdersResponseSchema.parse(
      await c.privatePostCancelallorders({ symbol: 'PF_XBTUSD' }),
    );
    expect(all.cancelStatus).toMatchObject({ status: 'cancelled', cancelOnly: 'PF_XBTUSD' });
    expect(all.cancelStatus.cancelledOrders.map((o) => o.order_id)).toEqual([lmt.order_id]);
    expect(OpenOrdersResponseSchema.parse(await c.privateGetOpenorders()).openOrders).toHaveLength(1);
  });

  it('sets a leverage preference: isolated margin at that leverage', async () => {
    const c = fx.client();
    await c.setLeverage(7, 'BTC/USD:USD');
    const prefs = LeveragePreferencesResponseSchema.parse(await c.privateGetLeveragepreferences());
    expect(prefs.leveragePreferences).toEqual([{ symbol: 'PF_XBTUSD', maxLeverage: 7 }]);
    await send({ orderType: 'mkt', symbol: 'PF_XBTUSD', side: 'buy', size: '0.07' });
    const pos = OpenPositionsResponseSchema.parse(await c.privateGetOpenpositions()).openPositions;
    expect(pos[0].maxFixedLeverage).toBe('7');
    const flex = AccountsResponseSchema.parse(await c.privateGetAccounts()).accounts.flex;
    expect(flex?.initialMargin).toBe(409); // 0.07 × 40 900 / 7
  });
});

describe('scenario controls', () => {
  it('partial fill: a market order fills only in part and its remainder is cancelled (IOC)', async () => {
    fx.venue.account.capNextFill('0.004');
    const s = await send({
      orderType: 'mkt',
      symbol: 'PF_XBTUSD',
      side: 'buy',
      size: '0.01',
      cliOrdId: 'p-1',
    });
    expect(s.orderEvents?.map((e) => e.type)).toEqual(['EXECUTION']);
    const pos = OpenPositionsResponseSchema.parse(await fx.client().privateGetOpenpositions()).openPositions;
    expect(pos[0].size).toBe('0.004');
    expect(OpenOrdersResponseSchema.parse(await fx.client().privateGetOpenorders()).openOrders).toEqual([]);
  });

  it('next_event market fills: the order rests until the bar closes, then fills at the bar open', async () => {
    const res = await fetch(`${fx.url}/_control/account/market-fill`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'next_event' }),
    });
    expect(res.status).toBe(200);
    const s = await send({ orderType: 'mkt', symbol: 'PF_XBTUSD', side: 'buy', size: '0.01' });
    expect(s.orderEvents?.map((e) => e.type)).toEqual(['PLACE']);
    expect(
      OpenPositionsResponseSchema.parse(await fx.client().privateGetOpenpositions()).openPositions,
    ).toEqual([]);
    fx.clock.now = T0 + 11 * H;
    const pos = OpenPositionsResponseSchema.parse(await fx.client().privateGetOpenpositions()).openPositions;
    expect(pos[0]).toMatchObject({ size: '0.01', price: '40900' });
  });

  it('a position opened behind the bot’s back shows in positions and fills without a client id', async () => {
    const res = await fetch(`${fx.url}/_control/account/external-position`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ symbol: 'PF_ETHUSD', side: 'short', qty: 2 }),
    });
    expect(await res.json()).toMatchObject({ price: '1910', qty: '2' });
    const c = fx.client();
    const pos = OpenPositionsResponseSchema.parse(await c.privateGetOpenpositions()).openPositions;
    expect(pos).toEqual([
      expect.objectContaining({ side: 'short', symbol: 'PF_ETHUSD', size: '2', price: '1910' }),
    ]);
    const fills = FillsResponseSchema.parse(await c.privateGetFills()).fills;
    expect(fills[0].cliOrdId).toBeUndefined();
  });

  it('scripted price: a tick through a stop fires it at the gap price', async () => {
    await send({ orderType: 'mkt', symbol: 'PF_XBTUSD', side: 'buy', size: '0.01' });
    await send({
      orderType: 'stp',
      symbol: 'PF_XBTUSD',
      side: 'sell',
      size: '0.01',
      stopPrice: '40000',
      reduceOnly: 'true',
      triggerSignal: 'mark',
    });
    await fx.venue.account.tick('BTC', 39_500); // armed, but the tick that arms it is the next event
    const fills = FillsResponseSchema.parse(await fx.client().privateGetFills()).fills;
    expect(fills[0]).toMatchObject({ side: 'sell', price: 39_500 });
  });

  it('restart: connections are dropped for a while, then the venue answers with its state intact', async () => {
    await send({
      orderType: 'lmt',
      symbol: 'PF_XBTUSD',
      side: 'buy',
      size: '0.01',
      limitPrice: '30000',
      cliOrdId: 'keep',
    });
    fx.venue.restart(150);
    const err = await fx
      .client()
      .privateGetOpenorders()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ccxt.NetworkError);
    await new Promise((r) => setTimeout(r, 200));
    const open = OpenOrdersResponseSchema.parse(await fx.client().privateGetOpenorders()).openOrders;
    expect(open.map((o) => o.cliOrdId)).toEqual(['keep']);
  });

  it('HTTP 5xx on private requests only (fault scope private)', async () => {
    fx.server.faults.set({ failNext: 1, scope: 'private', errorStatus: 503 });
    const err = await fx
      .client()
      .privateGetOpenorders()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ccxt.ExchangeNotAvailable);
    const res = await fetch(`${fx.url}/derivatives/api/v3/tickers`);
    expect(res.status).toBe(200);
    expect(fx.server.faults.stats.failed.private).toBe(1);
  });
});
