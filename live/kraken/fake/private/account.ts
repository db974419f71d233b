import { Decimal } from 'decimal.js';
import { alignDown, TIMEFRAME_MS, type Timeframe } from '../../../../data/timeframes.ts';
import {
  type Account,
  BrokerError,
  type Fill,
  type Instrument,
  type Order,
  type OrderRequest,
  type OrderType,
  type Position,
  type PositionSide,
  type Symbol as SymbolId,
} from '../../../../engine/broker.ts';
import type { EngineEvent } from '../../../../engine/events.ts';
import {
  dec,
  makeInstrument,
  type PriceBar,
  SimBroker,
  type SimConfigInput,
} from '../../../../engine/sim/index.ts';
import type { SendOrderParams, SendStatusCode } from '../../api/schema/orders.ts';
import type { FakeVenueContext } from '../server.ts';

/**
 * The trading account behind the fake exchange's private endpoints: a {@link SimBroker} — the simulated
 * Kraken Futures venue of engine/sim, over the matching core the backtests use — fed with the fake's price
 * path, plus what Kraken shows that the simulator does not keep (leverage preferences, fill times of
 * positions, which client ids the caller actually sent).
 *
 * Price path. Each request first brings the symbols it can affect up to the fake's clock: every bar of the
 * candle source that has closed since is fed whole (the intrabar path of engine/sim/intrabar.ts decides
 * what fills inside it), so marks are the last close — what the backtest's simulator shows at a decision.
 * A market order first feeds its symbol's forming bar as one tick at its open and executes there: exactly
 * where the backtest fills an order sent at the previous close. Stops and take-profits trigger on the mark
 * (= the bar path) as the bars close. Fills of a bar are reported when it closes, carrying their intrabar
 * times, so a poller must look back one bar. Symbols without orders or a position skip their idle
 * history. Tests can script prices instead with {@link FakeAccount.tick}; a scripted tick takes precedence
 * over the candles of the bar it falls in.
 *
 * Market orders fill at once by default, as at Kraken (where they are immediate-or-cancel: a remainder
 * the venue cannot fill is cancelled). `marketFill: 'next_event'` makes them wait for the next price
 * event instead (the "fill arrives later" case).
 */

export type MarketFillMode = 'immediate' | 'next_event';

export interface FakeAccountOptions {
  /**
   * Venue model (balance, fees, slippage, maintenance margin …). Leverage defaults to 50: Kraken's cross
   * margin on the first tier (2 % initial margin) for a contract without a leverage preference.
   */
  sim?: SimConfigInput;
  marketFill?: MarketFillMode;
  /** How long GET orders/status still lists an order after it closed (Kraken: a few seconds). */
  recentOrdersMs?: number;
}

/** A refused request: the Kraken status code to answer with. */
export class OrderRefusal extends Error {
  constructor(readonly status: SendStatusCode) {
    super(status);
    this.name = 'OrderRefusal';
  }
}

interface Market {
  symbol: SymbolId;
  id: string;
  timeframe: Timeframe;
  instrument: Instrument;
}

interface FeedState {
  /** Open time of the next bar to feed whole (close time of the last one fed). */
  nextBar: number;
  /** Open time of the forming bar whose open was fed as a tick. */
  openTickAt: number;
}

export interface SubmitOutcome {
  /** The order after submission (fills at submission included). */
  order: Order;
  /** Fills made while submitting (an immediate market order). */
  fills: Fill[];
  /** The caller gave no cliOrdId. */
  anonymous: boolean;
}

export interface EditOutcome {
  before: Order;
  after: Order;
}

const AUTO_CLIENT_ID = 'kraken-auto-';

export class FakeAccount {
  readonly sim: SimBroker;
  marketFill: MarketFillMode;
  private readonly ctx: FakeVenueContext;
  private readonly markets = new Map<SymbolId, Market>();
  private readonly byId = new Map<string, Market>();
  private readonly feeds = new Map<SymbolId, FeedState>();
  private readonly lastFillAt = new Map<SymbolId, number>();
  private readonly leveragePrefs = new Map<SymbolId, number>();
  private readonly mmr: (symbol: SymbolId) => number;
  private readonly recentOrdersMs: number;
  private autoIds = 0;
  /** Fills emitted while a call collects them. */
  private collecting: Fill[] | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(ctx: FakeVenueContext, markets: Market[], opts: FakeAccountOptions) {
    this.ctx = ctx;
    for (const m of markets) {
      this.markets.set(m.symbol, m);
      this.byId.set(m.id, m);
    }
    this.sim = new SimBroker({
      config: { leverage: 50, ...opts.sim },
      instruments: markets.map((m) => m.instrument),
      clock: { now: () => ctx.now() },
      bufferEvents: false,
      idPrefix: 'fake',
    });
    const cfg = this.sim.config;
    this.mmr = (s) => cfg.maintenanceMarginRates[s] ?? cfg.maintenanceMarginRate;
    this.marketFill = opts.marketFill ?? 'immediate';
    this.recentOrdersMs = opts.recentOrdersMs ?? 5_000;
    this.sim.subscribe((e) => this.onEvent(e));
  }

  /** The account over every perpetual the fake lists (tick and step from its instruments). */
  static async create(ctx: FakeVenueContext, opts: FakeAccountOptions = {}): Promise<FakeAccount> {
    const listed = await ctx.venue.list();
    const payload = new Map((await ctx.venue.instrumentsPayload()).map((i) => [i.symbol, i]));
    const markets = listed.map((r): Market => {
      const im = payload.get(r.id)?.marginLevels?.[0]?.initialMargin ?? 0.02;
      return {
        symbol: r.symbol,
        id: r.id,
        timeframe: r.timeframe,
        instrument: makeInstrument(r.symbol, {
          tickSize: new Decimal(r.tickSize).toString(),
          qtyStep: new Decimal(10).pow(-r.contractValueTradePrecision).toString(),
          maxLeverage: Math.round(1 / im),
        }),
      };
    });
    return new FakeAccount(ctx, markets, opts);
  }

  // ------------------------------------------------------------------ lookups

  /** The market of a Kraken id (`PF_XBTUSD`, any case), undefined when the fake does not list it. */
  market(krakenId: string): Market | undefined {
    return this.byId.get(krakenId.toUpperCase());
  }

  marketOf(symbol: SymbolId): Market {
    const m = this.markets.get(symbol);
    if (!m) throw new Error(`the fake lists no market for ${symbol}`);
    return m;
  }

  /** The client id the caller sent, null for orders placed without one (and for venue-made orders). */
  callerClientId(clientId: string): string | null {
    if (clientId.startsWith(AUTO_CLIENT_ID)) return null;
    if (clientId.startsWith('external-') || clientId.startsWith('liquidation-')) return null;
    return clientId;
  }

  /** Runs `fn` after every earlier call: the venue handles one request at a time, as a matching engine does. */
  exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  // ------------------------------------------------------------------ price path

  /** Symbols whose orders or position the price path can change. */
  activeSymbols(): Set<SymbolId> {
    const out = new Set<SymbolId>();
    for (const o of this.sim.listOpenOrders()) out.add(o.symbol);
    for (const p of this.sim.listPositions()) out.add(p.symbol);
    return out;
  }

  /**
   * Brings the active symbols, and `also`, up to the fake's clock (closed bars). With `openTick`, the
   * forming bar of the `also` symbols is fed too, as a tick at its open (a market order needs the price).
   */
  async sync(also: Iterable<SymbolId> = [], opts: { openTick?: boolean } = {}): Promise<void> {
    const now = this.ctx.now();
    const extra = new Set(also);
    const symbols = this.activeSymbols();
    for (const s of extra) symbols.add(s);
    for (const s of symbols) await this.syncSymbol(s, now, opts.openTick === true && extra.has(s));
  }

  private async syncSymbol(symbol: SymbolId, now: number, openTick: boolean): Promise<void> {
    const m = this.markets.get(symbol);
    if (!m) return;
    const tf = m.timeframe;
    const span = TIMEFRAME_MS[tf];
    const lastClosedOpen = alignDown(now, tf) - span;
    let st = this.feeds.get(symbol);
    if (!st) {
      st = { nextBar: lastClosedOpen, openTickAt: Number.NaN };
      this.feeds.set(symbol, st);
    }
    const idle = !this.sim.hasOpenOrders(symbol) && this.sim.positionQty(symbol).isZero();
    // An idle symbol's history cannot fill anything: only its latest prices matter.
    const from = idle ? Math.max(st.nextBar, lastClosedOpen) : st.nextBar;
    if (from > now) return;
    const s = await this.ctx.candles.read(symbol, tf, from, now);
    const bar: PriceBar = { ts: 0, closeTs: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
    for (let i = 0; i < s.length; i++) {
      const ts = s.ts[i];
      const closeTs = ts + span;
      const overtaken = ts < this.sim.lastEventEnd(symbol); // a scripted tick inside this bar
      if (closeTs <= now) {
        if (!overtaken) {
          bar.ts = ts;
          bar.closeTs = closeTs;
          bar.open = s.open[i];
          bar.high = s.high[i];
          bar.low = s.low[i];
          bar.close = s.close[i];
          bar.volume = s.volume[i];
          this.sim.onBar(symbol, bar);
        }
        st.nextBar = closeTs;
      } else if (openTick && st.openTickAt !== ts && !overtaken) {
        this.sim.onTick(symbol, ts, s.open[i], s.open[i], Number.NaN);
        st.openTickAt = ts;
      }
    }
  }

  /** Scripted price: the last (and mark) price of `symbol` jump to `last` at the fake's clock. */
  async tick(symbol: SymbolId, last: number, mark: number = last): Promise<void> {
    this.marketOf(symbol);
    await this.sync([symbol], { openTick: true });
    this.sim.onTick(symbol, this.ctx.now(), last, mark);
  }

  // ------------------------------------------------------------------ orders

  /** POST sendorder. Throws {@link OrderRefusal} with Kraken's status when the order is not placed. */
  submit(p: SendOrderParams): SubmitOutcome {
    const m = this.market(p.symbol);
    if (!m) throw new OrderRefusal('marketInactive');
    const inst = m.instrument;
    const type = orderTypeOf(p.orderType);
    if (type === null) throw new OrderRefusal('invalidOrderType');
    const qty = dec(p.size);
    if (!onGrid(qty, inst.qtyStep) || qty.lt(inst.minQty)) throw new OrderRefusal('invalidSize');
    const price = p.limitPrice === undefined ? undefined : dec(p.limitPrice);
    const trigger = p.stopPrice === undefined ? undefined : dec(p.stopPrice);
    if (price !== undefined && (!onGrid(price, inst.tickSize) || price.lte(0)))
      throw new OrderRefusal('invalidPrice');
    if (trigger !== undefined && (!onGrid(trigger, inst.tickSize) || trigger.lte(0))) {
      throw new OrderRefusal('invalidPrice');
    }
    if (type === 'limit' && price === undefined) throw new OrderRefusal('invalidPrice');
    if ((type === 'stop' || type === 'take_profit') && trigger === undefined)
      throw new OrderRefusal('invalidPrice');
    if (p.cliOrdId !== undefined && p.cliOrdId.length > 100) throw new OrderRefusal('clientOrderIdTooLong');
    if (p.cliOrdId !== undefined && this.sim.getOrderByClientId(p.cliOrdId)) {
      throw new OrderRefusal('clientOrderIdAlreadyExist');
    }
    const last = this.sim.lastPrice(m.symbol);
    if (p.orderType === 'post' && price !== undefined && !Number.isNaN(last)) {
      const crosses = p.side === 'buy' ? price.toNumber() >= last : price.toNumber() <= last;
      if (crosses) throw new OrderRefusal('postWouldExecute');
    }
    const immediate = type === 'market' && this.marketFill === 'immediate';
    if (immediate && Number.isNaN(last)) throw new OrderRefusal('iocWouldNotExecute');

    const anonymous = p.cliOrdId === undefined;
    const req: OrderRequest = {
      clientId: p.cliOrdId ?? `${AUTO_CLIENT_ID}${++this.autoIds}`,
      symbol: m.symbol,
      side: p.side,
      type,
      qty,
      reduceOnly: p.reduceOnly ?? false,
    };
    if (type === 'limit') req.price = price;
    if (type === 'stop' || type === 'take_profit') {
      req.triggerPrice = trigger;
      req.triggerSignal = p.triggerSignal === 'last' ? 'last' : 'mark';
      if (price !== undefined) req.price = price;
    }

    const fills: Fill[] = [];
    this.collecting = fills;
    if (immediate) this.sim.hooks.instantFillNext(1);
    let order: Order;
    try {
      order = this.sim.submit(req);
    } catch (err) {
      if (immediate) this.sim.hooks.takeInstantFill();
      if (err instanceof BrokerError) throw new OrderRefusal(refusalOf(err));
      throw err;
    } finally {
      this.collecting = null;
    }
    // Kraken market orders are immediate-or-cancel: what could not fill at once is cancelled.
    if (immediate && (order.status === 'partially_filled' || order.status === 'open')) {
      this.sim.cancel(undefined, order.id);
    }
    return { order: this.orderSnapshot(order.id), fills, anonymous };
  }

  /** POST cancelorder: the cancelled order, or Kraken's reason there was none to cancel. */
  cancel(ref: {
    orderId?: string;
    cliOrdId?: string;
  }): { status: 'cancelled'; order: Order } | { status: 'filled' | 'notFound' } {
    const o = this.find(ref);
    if (!o) return { status: 'notFound' };
    if (!isOpen(o)) return { status: o.status === 'filled' ? 'filled' : 'notFound' };
    this.sim.cancel(undefined, o.id);
    return { status: 'cancelled', order: this.orderSnapshot(o.id) };
  }

  /** POST cancelallorders: the orders cancelled (of one market, or all). */
  cancelAll(symbol?: SymbolId): Order[] {
    const ids = this.sim.cancelAll(symbol);
    return ids.map((id) => this.orderSnapshot(id));
  }

  /** POST editorder. Throws {@link OrderRefusal}-like status strings through `EditRefusal`. */
  edit(
    ref: { orderId?: string; cliOrdId?: string },
    change: { size?: string; limitPrice?: string; stopPrice?: string },
  ): EditOutcome {
    const o = this.find(ref);
    if (!o || !isOpen(o)) throw new EditRefusal('orderForEditNotFound');
    const inst = this.marketOf(o.symbol).instrument;
    if (change.stopPrice !== undefined && o.triggerPrice === undefined)
      throw new EditRefusal('orderForEditNotAStop');
    const qty = change.size === undefined ? undefined : dec(change.size);
    if (qty !== undefined && (!onGrid(qty, inst.qtyStep) || qty.lte(o.filledQty)))
      throw new EditRefusal('invalidSize');
    const price = change.limitPrice === undefined ? undefined : dec(change.limitPrice);
    const trigger = change.stopPrice === undefined ? undefined : dec(change.stopPrice);
    for (const v of [price, trigger]) {
      if (v !== undefined && (!onGrid(v, inst.tickSize) || v.lte(0))) throw new EditRefusal('invalidPrice');
    }
    const before = this.orderSnapshot(o.id);
    this.sim.edit(o.id, { qty, price, triggerPrice: trigger });
    return { before, after: this.orderSnapshot(o.id) };
  }

  private find(ref: { orderId?: string; cliOrdId?: string }): Order | undefined {
    if (ref.orderId !== undefined) return this.sim.getOrder(ref.orderId);
    if (ref.cliOrdId !== undefined) return this.sim.getOrderByClientId(ref.cliOrdId);
    return undefined;
  }

  private orderSnapshot(id: string): Order {
    const o = this.sim.getOrder(id);
    if (!o) throw new Error(`order ${id} vanished from the simulator's history`);
    return o;
  }

  /** GET orders/status: orders still open, or closed less than `recentOrdersMs` ago (Kraken's window). */
  recentOrders(ref: { orderIds?: string[]; cliOrdIds?: string[] }): Order[] {
    const now = this.ctx.now();
    const found = [
      ...(ref.orderIds ?? []).map((id) => this.sim.getOrder(id)),
      ...(ref.cliOrdIds ?? []).map((c) => this.sim.getOrderByClientId(c)),
    ];
    return found.filter(
      (o): o is Order => o !== undefined && (isOpen(o) || now - o.updatedAt <= this.recentOrdersMs),
    );
  }

  openOrders(): Order[] {
    return this.sim.listOpenOrders();
  }

  // ------------------------------------------------------------------ account

  positions(): Array<{ position: Position; fillTime: number; maxFixedLeverage: number | null }> {
    return this.sim.listPositions().map((position) => ({
      position,
      fillTime: this.lastFillAt.get(position.symbol) ?? this.ctx.now(),
      maxFixedLeverage: this.leveragePrefs.get(position.symbol) ?? null,
    }));
  }

  account(): { account: Account; maintenanceMargin: Decimal; unrealized: Decimal } {
    const account = this.sim.accountSnapshot();
    let maintenanceMargin = dec(0);
    let unrealized = dec(0);
    for (const p of this.sim.listPositions()) {
      maintenanceMargin = maintenanceMargin.plus(p.qty.mul(p.currentMarkPrice).mul(this.mmr(p.symbol)));
      unrealized = unrealized.plus(p.unrealizedPnl);
    }
    return { account, maintenanceMargin, unrealized };
  }

  /** Every fill, oldest first. */
  fills(): Fill[] {
    return this.sim.fillsSince(Number.NEGATIVE_INFINITY);
  }

  /** PUT leveragepreferences: isolated margin at `leverage` for the contract. */
  setLeverage(symbol: SymbolId, leverage: number): void {
    this.sim.setLeverage(symbol, leverage);
    this.leveragePrefs.set(symbol, leverage);
  }

  leveragePreferences(): Array<{ symbol: SymbolId; maxLeverage: number }> {
    return [...this.leveragePrefs].map(([symbol, maxLeverage]) => ({ symbol, maxLeverage }));
  }

  // ------------------------------------------------------------------ scenario hooks (control API, tests)

  /** The open order disappears without a trace (an earlier kill switch took it): a cancel answers notFound. */
  vanishOrder(orderId: string): boolean {
    return this.sim.hooks.vanishOrder(orderId);
  }

  /** Every reduce-only stop of `symbol` vanishes. Returns their ids. */
  vanishStops(symbol: SymbolId): string[] {
    return this.sim.hooks.vanishStops(symbol);
  }

  /** A position opened behind the bot's back (manual trade, another bot): shows in positions and fills. */
  async openPositionBehindBack(
    symbol: SymbolId,
    side: PositionSide,
    qty: Decimal.Value,
    price?: Decimal.Value,
  ): Promise<Fill> {
    this.marketOf(symbol);
    await this.sync([symbol]);
    const px = price ?? this.sim.lastPrice(symbol);
    if (typeof px === 'number' && Number.isNaN(px)) {
      throw new Error(`no price for ${symbol} yet: give one for the position opened behind the bot's back`);
    }
    const fill = this.sim.hooks.openPositionBehindBack(symbol, side, qty, px);
    this.lastFillAt.set(symbol, fill.ts);
    return fill;
  }

  /** The next fill is capped at `qty`: a partial fill (a market order's remainder is then cancelled). */
  capNextFill(qty: Decimal.Value): void {
    this.sim.hooks.capNextFill(qty);
  }

  // ------------------------------------------------------------------ internals

  private onEvent(e: EngineEvent): void {
    if (e.kind === 'order_filled' || e.kind === 'order_partially_filled') {
      this.lastFillAt.set(e.fill.symbol, e.fill.ts);
      this.collecting?.push(e.fill);
    } else if (e.kind === 'liquidation') {
      this.lastFillAt.set(e.symbol, e.fill.ts);
    }
  }
}

/** A refused edit: the Kraken editStatus to answer with. */
export class EditRefusal extends Error {
  constructor(
    readonly status: 'orderForEditNotFound' | 'orderForEditNotAStop' | 'invalidSize' | 'invalidPrice',
  ) {
    super(status);
    this.name = 'EditRefusal';
  }
}

export function isOpen(o: Order): boolean {
  return o.status === 'open' || o.status === 'partially_filled' || o.status === 'triggered';
}

function onGrid(x: Decimal, step: Decimal): boolean {
  return x.mod(step).isZero();
}

function orderTypeOf(t: SendOrderParams['orderType']): OrderType | null {
  switch (t) {
    case 'lmt':
    case 'post':
      return 'limit';
    case 'mkt':
      return 'market';
    case 'stp':
      return 'stop';
    case 'take_profit':
      return 'take_profit';
    default:
      // ioc and trailing_stop are Kraken order types the fake does not model
      return null;
  }
}

/** The Kraken status a simulator refusal is reported with. */
function refusalOf(err: BrokerError): SendStatusCode {
  switch (err.kind) {
    case 'insufficient_funds':
      return 'insufficientAvailableFunds';
    case 'reduce_only_violation':
      return 'wouldNotReducePosition';
    case 'invalid_order':
      return 'invalidSize';
    default:
      throw err;
  }
}
