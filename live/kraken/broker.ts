import type { Decimal } from 'decimal.js';
import type { z } from 'zod';
import { createKrakenFuturesClient, type KrakenFuturesClient } from '../../data/fetch/kraken-client.ts';
import { fromKrakenFuturesSymbol, toKrakenFuturesSymbol } from '../../data/symbols/symbols.ts';
import {
  type Account,
  type Broker,
  BrokerError,
  type Fill,
  type Instrument,
  type Order,
  type OrderRequest,
  type OrderType,
  type Position,
  type Symbol as SymbolId,
  type Ticker,
  type TriggerSignal,
} from '../../engine/broker.ts';
import type { Logger } from '../../engine/log.ts';
import { silentLogger } from '../../engine/log.ts';
import { parseClientId } from '../../engine/positions/client-id.ts';
import { FeeModel, type FeeRates, KRAKEN_FUTURES_FEES } from '../../engine/sim/fees.ts';
import { quantizePrice, quantizeQty } from '../../engine/sim/quantize.ts';
import { AccountsResponseSchema } from './api/schema/accounts.ts';
import { FILLS_PAGE_SIZE, FillsResponseSchema, type KrakenFill } from './api/schema/fills.ts';
import { InstrumentsResponseSchema } from './api/schema/instruments.ts';
import { SetLeverageResponseSchema } from './api/schema/leverage.ts';
import {
  CancelAllOrdersResponseSchema,
  CancelOrderResponseSchema,
  EditOrderResponseSchema,
  OpenOrdersResponseSchema,
  OrderStatusResponseSchema,
  SendOrderResponseSchema,
} from './api/schema/orders.ts';
import { OpenPositionsResponseSchema } from './api/schema/positions.ts';
import { TickerResponseSchema, TickersResponseSchema } from './api/schema/tickers.ts';
import { isSuccessStatus, statusError, toBrokerError } from './errors.ts';
import {
  accountOf,
  decimalOf,
  fillOf,
  instrumentOf,
  openOrderToOrder,
  orderStatusToOrder,
  positionOf,
  sentOrder,
  tickerOf,
} from './private-mapper.ts';

/**
 * The live {@link Broker}: Kraken Futures through the ccxt `krakenfutures` client (request signing, URLs,
 * HTTP and venue errors), on the raw endpoints ccxt calls, every response validated with the zod schemas
 * the fake exchange answers with (live/kraken/api/schema), every number converted through its decimal text
 * (live/kraken/private-mapper.ts), every failure translated by live/kraken/errors.ts.
 *
 * Orders: quantities are quantized DOWN to the instrument step and prices to the tick before they leave;
 * an order below the minimum is refused here (`invalid_order`) without a request. Stops and take-profits
 * trigger on the mark price unless the request says otherwise. The client order id is sent as `cliOrdId`
 * and is the idempotency key: when a submission fails in a way that leaves its fate unknown (timeout,
 * dropped connection, 5xx, rate limit), the broker looks the id up — open orders, the recent order
 * status, fills — and returns the order if it got through; only when it is nowhere does it send again,
 * with the same id (a duplicate is then refused by the venue as `clientOrderIdAlreadyExist`, which the
 * broker also resolves by lookup). Reads are retried on transport errors; a cancel is retried and a
 * `notFound` after a lost response is checked against the order's status.
 *
 * Fills: Kraken's fills carry no fee; it is computed with `fees` (the venue's rates; the fake charges the
 * same). They do not say whether the order was reduce-only either: the broker answers from the orders it
 * has seen, else from the client id's role (stop, take-profit, close → reduce-only).
 */

export interface KrakenFuturesBrokerOptions {
  /** The ccxt client (see data/fetch/kraken-client.ts). */
  client: KrakenFuturesClient;
  logger?: Logger;
  /** Maker/taker rates used to compute fill fees (default: Kraken's entry tier). */
  fees?: FeeRates;
  /** Trigger price of stops and take-profits when a request names none (default `mark`, seed §7). */
  triggerSignal?: TriggerSignal;
  /** Attempts of a call that fails on transport (default 3) and the first backoff (default 250 ms, doubling). */
  retry?: { attempts?: number; baseDelayMs?: number };
  sleep?: (ms: number) => Promise<void>;
  /** Time for timestamps the venue does not give (default: the wall clock). */
  now?: () => number;
}

export interface CreateKrakenBrokerOptions extends Omit<KrakenFuturesBrokerOptions, 'client'> {
  /** The fake exchange's origin (`http://127.0.0.1:PORT`); default: Kraken itself. */
  baseUrl?: string;
  apiKey: string;
  /** Base64 API secret, as Kraken issues it. */
  secret: string;
  timeoutMs?: number;
}

/** Changes accepted by {@link KrakenFuturesBroker.editOrder}. */
export interface OrderChange {
  qty?: Decimal;
  price?: Decimal;
  triggerPrice?: Decimal;
}

const SEND_TYPE: Readonly<Record<OrderType, string>> = {
  market: 'mkt',
  limit: 'lmt',
  stop: 'stp',
  take_profit: 'take_profit',
};

/** Quantity-weighted average price of some fills, null for none. */
function averagePrice(fills: readonly KrakenFill[]): { qty: Decimal; price: Decimal } | null {
  if (fills.length === 0) return null;
  let qty = decimalOf(0);
  let notional = decimalOf(0);
  for (const f of fills) {
    const q = decimalOf(f.size);
    qty = qty.plus(q);
    notional = notional.plus(q.mul(decimalOf(f.price)));
  }
  return { qty, price: notional.div(qty) };
}

/** ccxt's implicit-API parameters: strings only, undefined dropped. */
type Params = Record<string, string>;

export class KrakenFuturesBroker implements Broker {
  readonly client: KrakenFuturesClient;
  private readonly logger: Logger;
  private readonly fees: FeeModel;
  private readonly triggerSignal: TriggerSignal;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private instrumentMap: Map<SymbolId, Instrument> | null = null;
  /** What the broker knows of orders it sent or listed: reduce-only and type, by order id and client id. */
  private readonly seen = new Map<string, { reduceOnly: boolean; type: OrderType }>();

  constructor(opts: KrakenFuturesBrokerOptions) {
    this.client = opts.client;
    this.logger = opts.logger ?? silentLogger;
    this.fees = new FeeModel(opts.fees ?? KRAKEN_FUTURES_FEES);
    this.triggerSignal = opts.triggerSignal ?? 'mark';
    this.attempts = Math.max(1, opts.retry?.attempts ?? 3);
    this.baseDelayMs = opts.retry?.baseDelayMs ?? 250;
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = opts.now ?? (() => Date.now());
  }

  /** A broker on a new ccxt client (the fake exchange when `baseUrl` is given). */
  static create(opts: CreateKrakenBrokerOptions): KrakenFuturesBroker {
    const { baseUrl, apiKey, secret, timeoutMs, ...rest } = opts;
    return new KrakenFuturesBroker({
      ...rest,
      client: createKrakenFuturesClient({ baseUrl, apiKey, secret, timeoutMs }),
    });
  }

  // ------------------------------------------------------------------ plumbing

  /** One ccxt call, its errors translated and its response validated. */
  private async once<S extends z.ZodType>(
    what: string,
    schema: S,
    call: () => Promise<unknown>,
  ): Promise<z.infer<S>> {
    let raw: unknown;
    try {
      raw = await call();
    } catch (err) {
      throw toBrokerError(err, what);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BrokerError(
        'unknown',
        `Kraken Futures ${what}: unexpected response (${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'})`,
      );
    }
    return parsed.data;
  }

  /** A read: retried on transport errors. */
  private async read<S extends z.ZodType>(
    what: string,
    schema: S,
    call: () => Promise<unknown>,
  ): Promise<z.infer<S>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(what, schema, call);
      } catch (err) {
        const e = toBrokerError(err, what);
        if (!e.retryable || attempt >= this.attempts) throw e;
        this.logger.warn({ what, attempt, kind: e.kind, err: e.message }, 'Kraken request failed, retrying');
        await this.sleep(this.baseDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  private async instrument(symbol: SymbolId): Promise<Instrument> {
    const map = await this.instrumentsBySymbol();
    const inst = map.get(symbol);
    if (!inst) throw new BrokerError('invalid_order', `Kraken Futures lists no perpetual for ${symbol}`);
    return inst;
  }

  private async instrumentsBySymbol(): Promise<Map<SymbolId, Instrument>> {
    if (this.instrumentMap === null) {
      const r = await this.read('instruments', InstrumentsResponseSchema, () =>
        this.client.publicGetInstruments(),
      );
      const map = new Map<SymbolId, Instrument>();
      for (const i of r.instruments) {
        const inst = i.tradeable ? instrumentOf(i) : null;
        if (inst) map.set(inst.symbol, inst);
      }
      this.instrumentMap = map;
    }
    return this.instrumentMap;
  }

  private remember(o: { id: string; clientId: string; reduceOnly: boolean; type: OrderType }): void {
    const info = { reduceOnly: o.reduceOnly, type: o.type };
    if (o.id !== '') this.seen.set(o.id, info);
    if (o.clientId !== '') this.seen.set(`c:${o.clientId}`, info);
  }

  // ------------------------------------------------------------------ Broker

  /** Tradeable PF_ perpetuals (cached after the first call; {@link refreshInstruments} reloads). */
  async instruments(): Promise<Instrument[]> {
    return [...(await this.instrumentsBySymbol()).values()];
  }

  async refreshInstruments(): Promise<Instrument[]> {
    this.instrumentMap = null;
    return this.instruments();
  }

  async submitOrder(req: OrderRequest): Promise<Order> {
    if (req.clientId === '')
      throw new BrokerError('invalid_order', 'a client order id is required (idempotency key)');
    const inst = await this.instrument(req.symbol);
    const qty = quantizeQty(req.qty, inst.qtyStep);
    if (qty.lt(inst.minQty)) {
      throw new BrokerError(
        'invalid_order',
        `${req.side} ${req.qty} ${req.symbol}: below the minimum ${inst.minQty} after rounding down to the step ${inst.qtyStep}`,
      );
    }
    const order: OrderRequest = { ...req, qty };
    const params: Params = {
      orderType: SEND_TYPE[req.type],
      symbol: inst.venueSymbol,
      side: req.side,
      size: qty.toFixed(),
      cliOrdId: req.clientId,
    };
    if (req.type === 'limit' || req.price !== undefined) {
      if (req.price === undefined)
        throw new BrokerError('invalid_order', `a limit order needs a price (${req.symbol})`);
      order.price = quantizePrice(req.price, inst.tickSize);
      params.limitPrice = order.price.toFixed();
    }
    if (req.type === 'stop' || req.type === 'take_profit') {
      if (req.triggerPrice === undefined) {
        throw new BrokerError('invalid_order', `a ${req.type} order needs a trigger price (${req.symbol})`);
      }
      order.triggerPrice = quantizePrice(req.triggerPrice, inst.tickSize);
      order.triggerSignal = req.triggerSignal ?? this.triggerSignal;
      params.stopPrice = order.triggerPrice.toFixed();
      params.triggerSignal = order.triggerSignal;
    }
    if (req.reduceOnly) params.reduceOnly = 'true';
    this.remember({ id: '', clientId: req.clientId, reduceOnly: req.reduceOnly, type: req.type });
    const what = `sendorder ${req.side} ${params.size} ${req.symbol} (${req.clientId})`;

    for (let attempt = 1; ; attempt++) {
      let failure: BrokerError;
      try {
        const r = await this.once(what, SendOrderResponseSchema, () =>
          this.client.privatePostSendorder(params),
        );
        const status = r.sendStatus.status;
        if (status === 'placed') {
          const placed = sentOrder(order, r.sendStatus, this.now());
          this.remember(placed);
          return placed;
        }
        if (status === 'clientOrderIdAlreadyExist') {
          // an earlier attempt (or an earlier process) got this id through: that order is the answer
          const existing = await this.orderByClientId(req.clientId);
          if (existing) return existing;
        }
        throw statusError(status, what);
      } catch (err) {
        failure = toBrokerError(err, what);
      }
      if (!failure.retryable) throw failure;
      // The request may or may not have reached the venue: look before sending it again.
      let existing: Order | null;
      try {
        existing = await this.orderByClientId(req.clientId);
      } catch (lookup) {
        this.logger.error(
          { client_id: req.clientId, err: toBrokerError(lookup, 'lookup').message },
          'Order submission failed and its client id could not be looked up: not resending',
        );
        throw failure;
      }
      if (existing) {
        this.logger.warn(
          { client_id: req.clientId, order_id: existing.id },
          'Order reached the venue despite the error',
        );
        return existing;
      }
      if (attempt >= this.attempts) throw failure;
      this.logger.warn(
        { client_id: req.clientId, attempt, err: failure.message },
        'Order not at the venue, resending',
      );
      await this.sleep(this.baseDelayMs * 2 ** (attempt - 1));
    }
  }

  async cancelOrder(symbol: SymbolId, orderId: string): Promise<void> {
    const what = `cancelorder ${orderId} (${symbol})`;
    let ambiguous = false;
    for (let attempt = 1; ; attempt++) {
      let failure: BrokerError;
      try {
        const r = await this.once(what, CancelOrderResponseSchema, () =>
          this.client.privatePostCancelorder({ order_id: orderId }),
        );
        const status = r.cancelStatus.status;
        if (isSuccessStatus(status)) return;
        if (status === 'notFound' && ambiguous && (await this.wasCancelled(orderId))) return;
        throw statusError(status, what);
      } catch (err) {
        failure = toBrokerError(err, what);
      }
      if (!failure.retryable || attempt >= this.attempts) throw failure;
      ambiguous = true;
      await this.sleep(this.baseDelayMs * 2 ** (attempt - 1));
    }
  }

  /** Whether the venue's recent order status says `orderId` was cancelled (a cancel whose answer was lost). */
  private async wasCancelled(orderId: string): Promise<boolean> {
    const r = await this.read('orders/status', OrderStatusResponseSchema, () =>
      this.client.privateGetOrdersStatus({ orderIds: [orderId] }),
    );
    return r.orders.some((o) => o.order.orderId === orderId && o.status === 'CANCELLED');
  }

  async openOrders(symbol?: SymbolId): Promise<Order[]> {
    const r = await this.read('openorders', OpenOrdersResponseSchema, () =>
      this.client.privateGetOpenorders(),
    );
    const out: Order[] = [];
    for (const o of r.openOrders) {
      const order = openOrderToOrder(o);
      this.remember(order);
      if (symbol === undefined || order.symbol === symbol) out.push(order);
    }
    return out;
  }

  /**
   * Open positions, marked at the venue's mark: derived from the position's own unrealised P&L when the
   * venue sends it (one request, consistent with the account's figures), else from the tickers.
   */
  async positions(): Promise<Position[]> {
    const r = await this.read('openpositions', OpenPositionsResponseSchema, () =>
      this.client.privateGetOpenpositions(),
    );
    if (r.openPositions.length === 0) return [];
    const instruments = await this.instrumentsBySymbol();
    const needTickers = r.openPositions.some(
      (p) => p.unrealizedPnl === undefined || p.unrealizedPnl === null,
    );
    const marks = new Map<string, Decimal>();
    if (needTickers) {
      const tickers = await this.read('tickers', TickersResponseSchema, () => this.client.publicGetTickers());
      for (const t of tickers.tickers) {
        const m = t.markPrice ?? t.last;
        if (m !== undefined) marks.set(t.symbol.toUpperCase(), decimalOf(m));
      }
    }
    return r.openPositions.map((p) => {
      const id = p.symbol.toUpperCase();
      let mark = marks.get(id);
      if (p.unrealizedPnl !== undefined && p.unrealizedPnl !== null) {
        const size = decimalOf(p.size);
        const signed = p.side === 'long' ? size : size.neg();
        mark = decimalOf(p.price).plus(decimalOf(p.unrealizedPnl).div(signed));
      }
      if (mark === undefined) {
        this.logger.warn({ symbol: p.symbol }, 'No mark price for an open position: using its entry');
        mark = decimalOf(p.price);
      }
      // without a leverage preference the contract is cross-margined on its first tier
      const cross = [...instruments.values()].find((i) => i.venueSymbol === id)?.maxLeverage ?? 1;
      return positionOf(p, mark, cross);
    });
  }

  async account(): Promise<Account> {
    const r = await this.read('accounts', AccountsResponseSchema, () => this.client.privateGetAccounts());
    const flex = r.accounts.flex;
    if (!flex)
      throw new BrokerError('unknown', 'Kraken Futures accounts: no multi-collateral (flex) account');
    return accountOf(flex);
  }

  /** Fills with time ≥ `sinceTs`, oldest first (pages back through the venue's newest-first list). */
  async fills(sinceTs: number): Promise<Fill[]> {
    const byId = new Map<string, KrakenFill>();
    let lastFillTime: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const params: Params = lastFillTime === undefined ? {} : { lastFillTime };
      const r = await this.read('fills', FillsResponseSchema, () => this.client.privateGetFills(params));
      let added = 0;
      let oldest = Number.POSITIVE_INFINITY;
      for (const f of r.fills) {
        const t = Date.parse(f.fillTime);
        oldest = Math.min(oldest, t);
        if (t >= sinceTs && !byId.has(f.fill_id)) {
          byId.set(f.fill_id, f);
          added++;
        }
      }
      if (r.fills.length < FILLS_PAGE_SIZE || oldest < sinceTs || added === 0) break;
      // `lastFillTime` is exclusive: one millisecond later keeps fills sharing the oldest time
      lastFillTime = new Date(oldest + 1).toISOString();
    }
    const reduceOnly = (f: KrakenFill) => {
      const known = this.seen.get(f.order_id) ?? (f.cliOrdId ? this.seen.get(`c:${f.cliOrdId}`) : undefined);
      if (known) return known.reduceOnly;
      const role = f.cliOrdId ? parseClientId(f.cliOrdId)?.role : undefined;
      return role === 'stop' || role === 'tp' || role === 'close';
    };
    return [...byId.values()]
      .map((f) => fillOf(f, this.fees, reduceOnly))
      .sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async ticker(symbol: SymbolId): Promise<Ticker> {
    const id = toKrakenFuturesSymbol(symbol);
    const r = await this.read(`ticker ${symbol}`, TickerResponseSchema, () =>
      this.client.publicGetTickersSymbol({ symbol: id }),
    );
    const t = tickerOf(r.ticker);
    if (!t) throw new BrokerError('unknown', `Kraken Futures ticker ${symbol}: no bid/ask/last`);
    return t;
  }

  // ------------------------------------------------------------------ beyond the Broker interface

  /**
   * The order sent with `clientId`, wherever the venue still shows it: open orders, the recent order
   * status, or its fills (a market order that filled at once). Null when none of them knows it.
   */
  async orderByClientId(clientId: string): Promise<Order | null> {
    const open = (await this.openOrders()).find((o) => o.clientId === clientId);
    if (open) return open;
    const known = this.seen.get(`c:${clientId}`);
    const st = await this.read('orders/status', OrderStatusResponseSchema, () =>
      this.client.privateGetOrdersStatus({ cliOrdIds: clientId }),
    );
    const entry = st.orders.find((o) => o.order.cliOrdId === clientId);
    const r = await this.read('fills', FillsResponseSchema, () => this.client.privateGetFills());
    const fills = r.fills.filter((f) => f.cliOrdId === clientId);
    const avg = averagePrice(fills);
    if (entry) {
      const type: OrderType = known?.type ?? (entry.order.type === 'TRIGGER_ORDER' ? 'stop' : 'limit');
      const order = orderStatusToOrder(entry, type);
      if (!order.filledQty.isZero()) order.avgFillPrice = avg?.price ?? null;
      return order;
    }
    if (avg === null) return null;
    // fills are newest first
    const first = fills[fills.length - 1];
    return {
      id: first.order_id,
      clientId,
      symbol: fromKrakenFuturesSymbol(first.symbol),
      side: first.side,
      type: known?.type ?? 'market',
      qty: avg.qty,
      reduceOnly: known?.reduceOnly ?? false,
      status: 'filled',
      filledQty: avg.qty,
      avgFillPrice: avg.price,
      createdAt: Date.parse(first.fillTime),
      updatedAt: Date.parse(fills[0].fillTime),
    };
  }

  /** Cancels every open order (of one symbol, or all). Returns the cancelled order ids. */
  async cancelAllOrders(symbol?: SymbolId): Promise<string[]> {
    const params: Params = symbol === undefined ? {} : { symbol: toKrakenFuturesSymbol(symbol) };
    const what = `cancelallorders ${symbol ?? 'all'}`;
    const r = await this.read(what, CancelAllOrdersResponseSchema, () =>
      this.client.privatePostCancelallorders(params),
    );
    if (!isSuccessStatus(r.cancelStatus.status)) throw statusError(r.cancelStatus.status, what);
    return r.cancelStatus.cancelledOrders.map((o) => o.order_id);
  }

  /** Changes an open order's size, limit price or trigger price (Kraken editorder). */
  async editOrder(symbol: SymbolId, orderId: string, change: OrderChange): Promise<void> {
    const inst = await this.instrument(symbol);
    const params: Params = { orderId };
    if (change.qty !== undefined) params.size = quantizeQty(change.qty, inst.qtyStep).toFixed();
    if (change.price !== undefined) params.limitPrice = quantizePrice(change.price, inst.tickSize).toFixed();
    if (change.triggerPrice !== undefined)
      params.stopPrice = quantizePrice(change.triggerPrice, inst.tickSize).toFixed();
    const what = `editorder ${orderId} (${symbol})`;
    const r = await this.once(what, EditOrderResponseSchema, () => this.client.privatePostEditorder(params));
    if (!isSuccessStatus(r.editStatus.status)) throw statusError(r.editStatus.status, what);
  }

  /** Isolated margin at `leverage` for `symbol` (Kraken leverage preference). */
  async setLeverage(symbol: SymbolId, leverage: number): Promise<void> {
    const inst = await this.instrument(symbol);
    await this.read(`leveragepreferences ${symbol}`, SetLeverageResponseSchema, () =>
      this.client.privatePutLeveragepreferences({ symbol: inst.venueSymbol, maxLeverage: String(leverage) }),
    );
  }

  /**
   * One authenticated read: throws BrokerError('authentication') when the key pair is refused. The live
   * runner calls it before anything else, so a wrong secret stops it before it trades.
   */
  async verifyCredentials(): Promise<void> {
    await this.account();
  }
}
