import type { Decimal } from 'decimal.js';
import type { CandleSeries } from '../../data/candles/series.ts';
import { TIMEFRAME_MS } from '../../data/timeframes.ts';
import {
  type Account,
  type Broker,
  BrokerError,
  type BrokerErrorKind,
  type Fill,
  type Instrument,
  type Order,
  type OrderRequest,
  type Position,
  type PositionSide,
  type Side,
  type Symbol as SymbolId,
  type Ticker,
} from '../broker.ts';
import type { Clock } from '../clock.ts';
import { type EngineEvent, type EventQueue, SequenceSource, type Unsequenced } from '../events.ts';
import { type SimConfig, type SimConfigInput, simConfig } from './config.ts';
import { dec, toNumberApprox, toNumberExact, ZERO } from './decimal.ts';
import { FeeModel } from './fees.ts';
import { defaultInstrument } from './instruments.ts';
import { Ledger, type LedgerPosition } from './ledger.ts';
import { liquidationPrice } from './margin.ts';
import { MatchingCore, type MatchingVenue, type PriceBar, type SymbolBook } from './matching-core.ts';
import { quantizeDown, quantizePrice, quantizeQty, roundAgainst } from './quantize.ts';
import { BpsSlippage, type SlippageModel } from './slippage.ts';

/**
 * The simulated Kraken Futures account: implements {@link Broker} for backtests and paper trading, and is
 * the venue behind the fake Kraken Futures server (live/), over the shared {@link MatchingCore}.
 *
 * Two faces:
 * - the async `Broker` methods, which the Trader uses identically against the live broker;
 * - a synchronous core the backtest loop drives directly for speed: {@link SimBroker.onBar} /
 *   {@link SimBroker.onSeriesBar} / {@link SimBroker.onTick} feed prices (a quiet bar — flat, or no
 *   order and no liquidation within reach — costs a few float comparisons and allocates nothing),
 *   {@link SimBroker.submit} / {@link SimBroker.cancel} and sync getters act on the account.
 *
 * Semantics: order execution and the intrabar rule are those of ./matching-core.ts and ./intrabar.ts;
 * margin and liquidation of ./margin.ts; the ledger of ./ledger.ts. At submission an order is
 * validated (quantity ROUND_DOWN to the step and ≥ the minimum, prices ROUND_DOWN to the tick), then
 * refused with a thrown {@link BrokerError} (and an `order_rejected` event) when:
 * - `invalid_order`: missing/invalid price or trigger, quantity below the minimum, duplicate client id;
 * - `reduce_only_violation`: a reduce-only market or limit order with no position or on the position's
 *   side (it would open or increase), or — with `reduceOnlyOversize: 'reject'` — larger than the position
 *   (it would flip). Reduce-only stop and take-profit orders are accepted even when flat and checked when
 *   they trigger, as Kraken does;
 * - `insufficient_funds`: its opening part needs more initial margin than is available (Kraken's
 *   `insufficientAvailableFunds`).
 * Cancelling an order that is not open (filled, cancelled, unknown) throws `order_not_found`, as Kraken's
 * `notFound`/`filled` cancel statuses do through ccxt.
 *
 * Reduce-only, as Kraken documents it ("Other order options"): a reduce-only market or limit order with no
 * position, or on the side that would increase it, is refused; one larger than the position closes it and
 * the residual is cancelled (`reduceOnlyOversize: 'clip'`, default) — or, with 'reject', is refused at
 * submission as Kraken's older documentation described. Reduce-only trigger orders are checked only when
 * they trigger. Whatever the mode, a reduce-only fill never opens, grows or flips a position.
 *
 * Ids are deterministic (`sim-o1`, `sim-f1`, …). Fills are kept in time order; `fills(since)` is
 * inclusive, so a poller must de-duplicate by fill id.
 *
 * Funding: every `funding.intervalMs` (UTC-aligned) an open position pays `qty × mark × rate` (longs pay
 * when the rate is positive, shorts receive), settled on the first price event reaching that time, at
 * that event's closing mark.
 */

/** Options besides the venue config. */
export interface SimBrokerOptions {
  /** Venue config (validated with {@link simConfig}; defaults fill the rest). */
  config?: SimConfigInput;
  /** Instruments; any other symbol gets {@link defaultInstrument}. */
  instruments?: Instrument[];
  /** Time for submissions; by default the end time of the latest price event processed. */
  clock?: Clock;
  /** Share the run's sequence source so broker and loop events interleave in one order. */
  sequence?: SequenceSource;
  /** Overrides `config.slippageBps`. */
  slippage?: SlippageModel;
  /** Keep emitted events for {@link SimBroker.drainEvents} (default true). */
  bufferEvents?: boolean;
  /** Prefix of generated order and fill ids (default 'sim'). */
  idPrefix?: string;
}

/** Venue calls the test hooks can make fail. */
export type SimOperation =
  | 'submit'
  | 'cancel'
  | 'cancelAll'
  | 'openOrders'
  | 'positions'
  | 'account'
  | 'fills'
  | 'ticker'
  | 'instruments';

export type EventListener = (e: EngineEvent) => void;

/** Exact money totals of the account. */
export interface LedgerSummary {
  initialBalance: Decimal;
  balance: Decimal;
  realisedPnl: Decimal;
  fees: Decimal;
  /** Net funding paid (negative when received). */
  fundingPaid: Decimal;
}

/** Changes accepted by {@link SimBroker.edit} (Kraken `editorder`: size, limit price, stop price). */
export interface OrderEdit {
  qty?: Decimal;
  price?: Decimal;
  triggerPrice?: Decimal;
}

/** A position's exact valuation at one state version (see SimBroker.valuation). */
interface Valuation {
  readonly version: number;
  readonly mark: Decimal;
  /** |qty|. */
  readonly qty: Decimal;
  readonly leverage: number;
  readonly unrealised: Decimal;
  readonly margin: Decimal;
}

interface SymbolState {
  readonly book: SymbolBook;
  /** The ledger's slot of the symbol (flat until it trades). */
  readonly pos: LedgerPosition;
  leverage: number;
  mmr: number;
  fundingRate: number;
  spreadBps: number;
  nextFundingTs: number;
  /**
   * Liquidation price of the symbol's position while it is the only one open, and the ledger revision it
   * was computed at: it then depends on the ledger alone (balance, quantity, entry), not on any mark, so
   * the per-bar liquidation pre-check reuses it until the next booking.
   */
  liqPrice: number;
  liqRevision: number;
}

const BAR_FIELDS_OK = (b: PriceBar) =>
  b.high >= b.low && b.high >= b.open && b.high >= b.close && b.low <= b.open && b.low <= b.close;

/** Row counts of the series whose every row passed {@link BAR_FIELDS_OK}, keyed by their high column. */
const consistentRows = new WeakMap<Float64Array, number>();

/** Whether every row of `series` has high/low bounding open/close (checked once per column array). */
function seriesConsistent(series: CandleSeries): boolean {
  const { open, high, low, close } = series;
  const n = series.length;
  if (consistentRows.get(high) === n) return true;
  for (let i = 0; i < n; i++) {
    const h = high[i];
    const l = low[i];
    const o = open[i];
    const c = close[i];
    if (!(h >= l && h >= o && h >= c && l <= o && l <= c)) return false;
  }
  consistentRows.set(high, n);
  return true;
}

export class SimBroker implements Broker {
  readonly config: SimConfig;
  /** Test hooks: instant fills, failing calls, vanished orders, positions opened behind the bot's back. */
  readonly hooks: SimHooks;
  private readonly ledger: Ledger;
  private readonly core: MatchingCore;
  private readonly fees: FeeModel;
  private readonly clock: Clock | undefined;
  private readonly sequence: SequenceSource;
  private readonly bufferEvents: boolean;
  private readonly idPrefix: string;
  private readonly instrumentMap = new Map<SymbolId, Instrument>();
  private readonly states = new Map<SymbolId, SymbolState>();
  /** The same states indexed by book index and by ledger slot: the per-bar path reads arrays, not maps. */
  private readonly stateByBook: SymbolState[] = [];
  private readonly stateBySlot: SymbolState[] = [];
  private readonly orders = new Map<string, Order>();
  private readonly byClientId = new Map<string, string>();
  private readonly fillLog: Fill[] = [];
  private readonly listeners: EventListener[] = [];
  private buffered: EngineEvent[] = [];
  private emitted = 0;
  private orderNo = 0;
  private fillNo = 0;
  private time = Number.NEGATIVE_INFINITY;
  private readonly scratch: PriceBar = { ts: 0, closeTs: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  /**
   * Bumped whenever marks, the ledger or a leverage may have changed (each price event, each event emitted
   * while one is processed, each booking): account and position snapshots are reused while it stands.
   */
  private stateVersion = 0;
  private pricing = false;
  private accountCache: Account | undefined;
  private accountCacheVersion = -1;
  /** The balance {@link accountCache} was computed at when the account was flat (else undefined). */
  private accountCacheFlatBalance: Decimal | undefined = undefined;
  private positionsCache: Position[] | undefined;
  private positionsCacheVersion = -1;
  /** Per ledger slot, the position's exact valuation at {@link stateVersion}. */
  private readonly valuations: (Valuation | undefined)[] = [];

  constructor(opts: SimBrokerOptions = {}) {
    this.config = simConfig(opts.config ?? {});
    this.ledger = new Ledger(this.config.initialBalance);
    this.fees = new FeeModel(this.config.fees);
    this.clock = opts.clock;
    this.sequence = opts.sequence ?? new SequenceSource();
    this.bufferEvents = opts.bufferEvents ?? true;
    this.idPrefix = opts.idPrefix ?? 'sim';
    for (const i of opts.instruments ?? []) this.instrumentMap.set(i.symbol, i);
    const venue: MatchingVenue = {
      instrument: (s) => this.instrumentOf(s),
      positionQty: (s) => this.ledger.signedQty(s),
      positionSign: (b) => Math.sign(this.stateOfBook(b).pos.qtyF),
      canOpen: (s, side, qty, price) => this.canOpen(s, side, qty, price),
      settleFill: (o, qty, qtyF, price, liq, ts, priceF) =>
        this.settleFill(o, qty, qtyF, price, liq, ts, priceF),
      liquidationPrice: (b) => this.liquidationPriceAt(this.stateOfBook(b)),
      liquidate: (s, mark, ts) => this.liquidate(s, mark, ts),
    };
    this.core = new MatchingCore(
      venue,
      {
        slippage: opts.slippage ?? new BpsSlippage(this.config.slippageBps),
        maxVolumeFraction: this.config.maxVolumeFraction,
      },
      (e) => this.emit(e),
    );
    this.hooks = new SimHooks({
      vanish: (id) => this.vanish(id),
      openOrders: (s) => this.core.openOrders(s),
      external: (s, side, qty, price) => this.bookExternal(s, side, qty, price),
      caps: this.core.nextFillCaps,
      state: (s) => this.state(s),
    });
  }

  // ---------------------------------------------------------------- price events (sync core)

  /**
   * Feeds one bar of `symbol` (float OHLCV; `closeTs` = open time + its timeframe). Resting orders and
   * market orders submitted before it execute along the intrabar path; funding due by its close is
   * settled. Returns the number of events emitted. Throws when bars go back in time for the symbol.
   * The bar object is not kept: the caller may reuse one object for every bar.
   */
  onBar(symbol: SymbolId, bar: PriceBar): number {
    return this.feedBar(this.state(symbol), bar);
  }

  private feedBar(s: SymbolState, bar: PriceBar): number {
    const b = s.book;
    const symbol = b.symbol;
    if (!(bar.ts >= b.endTs && bar.closeTs > bar.ts)) {
      throw new Error(
        `bar of ${symbol} at ${bar.ts} (close ${bar.closeTs}) is out of order: the previous price event ended at ${b.endTs}`,
      );
    }
    if (!BAR_FIELDS_OK(bar)) {
      throw new Error(`bar of ${symbol} at ${bar.ts} is inconsistent: high/low do not bound open/close`);
    }
    const before = this.emitted;
    this.stateVersion++;
    this.pricing = true;
    try {
      this.core.onBar(b, bar);
      b.endTs = bar.closeTs;
      if (bar.closeTs > this.time) this.time = bar.closeTs;
      if (s.fundingRate !== 0) this.settleFunding(s, bar.ts, bar.closeTs);
    } finally {
      this.pricing = false;
      this.stateVersion++;
    }
    return this.emitted - before;
  }

  /**
   * {@link onSeriesBar} bound to one series: the returned function feeds its row `i` without looking the
   * symbol up (a backtest loop keeps one per symbol).
   */
  seriesFeeder(series: CandleSeries): (i: number) => number {
    const s = this.state(series.symbol);
    const b = s.book;
    const tfMs = TIMEFRAME_MS[series.timeframe];
    const bar = this.scratch;
    // Rows checked up front let an idle symbol's bar skip the per-bar check and the reads of its other
    // fields; a series with a bad row takes the full path, which throws at that row as before.
    const idleOk = tfMs > 0 && seriesConsistent(series);
    const ts = series.ts;
    const close = series.close;
    return (i: number): number => {
      const t = ts[i];
      if (idleOk && b.orders.length === 0 && s.pos.qtyF === 0 && s.fundingRate === 0 && t >= b.endTs) {
        // feedBar's effect on a flat symbol without orders or funding (see MatchingCore.onBar)
        this.stateVersion += 2;
        this.core.onIdleBar(b, close[i]);
        b.endTs = t + tfMs;
        if (b.endTs > this.time) this.time = b.endTs;
        return 0;
      }
      bar.ts = t;
      bar.closeTs = bar.ts + tfMs;
      bar.open = series.open[i];
      bar.high = series.high[i];
      bar.low = series.low[i];
      bar.close = series.close[i];
      bar.volume = series.volume[i];
      return this.feedBar(s, bar);
    };
  }

  /** {@link onBar} for row `i` of a columnar series, without allocating. */
  onSeriesBar(series: CandleSeries, i: number): number {
    const bar = this.scratch;
    bar.ts = series.ts[i];
    bar.closeTs = bar.ts + TIMEFRAME_MS[series.timeframe];
    bar.open = series.open[i];
    bar.high = series.high[i];
    bar.low = series.low[i];
    bar.close = series.close[i];
    bar.volume = series.volume[i];
    return this.onBar(series.symbol, bar);
  }

  /**
   * Feeds a tick: the last price jumps to `last` and the mark to `mark` (default `last`) at `ts`.
   * `volume` bounds fills when `maxVolumeFraction` is set (NaN = unlimited). Returns the events emitted.
   */
  onTick(symbol: SymbolId, ts: number, last: number, mark: number = last, volume = Number.NaN): number {
    const s = this.state(symbol);
    const b = s.book;
    if (!(ts >= b.endTs)) {
      throw new Error(
        `tick of ${symbol} at ${ts} is out of order: the previous price event ended at ${b.endTs}`,
      );
    }
    if (!(last > 0 && mark > 0)) throw new Error(`tick of ${symbol} at ${ts} has a non-positive price`);
    const before = this.emitted;
    this.stateVersion++;
    this.pricing = true;
    try {
      this.core.onTick(b, ts, last, mark, volume);
      b.endTs = ts;
      if (ts > this.time) this.time = ts;
      if (s.fundingRate !== 0) this.settleFunding(s, ts, ts);
    } finally {
      this.pricing = false;
      this.stateVersion++;
    }
    return this.emitted - before;
  }

  /** Moves venue time to `ts` without prices: settles funding due on every symbol at its last mark. */
  advanceTo(ts: number): number {
    const before = this.emitted;
    for (const s of this.states.values()) {
      if (s.fundingRate !== 0 && !Number.isNaN(s.book.mark)) this.settleFunding(s, s.book.endTs, ts);
    }
    if (ts > this.time) this.time = ts;
    return this.emitted - before;
  }

  /** Venue time: the clock's when one was given, else the end of the latest price event. */
  now(): number {
    if (this.clock) return this.clock.now();
    return this.time === Number.NEGATIVE_INFINITY ? 0 : this.time;
  }

  // ---------------------------------------------------------------- orders (sync core)

  /** Validates, accepts and rests an order (see the class doc for refusals). Returns a snapshot. */
  submit(req: OrderRequest): Order {
    this.hooks.check('submit');
    const inst = this.instrumentOf(req.symbol);
    const s = this.state(req.symbol);
    if (typeof req.clientId !== 'string' || req.clientId.length === 0) {
      this.reject(req, 'invalid_order', 'clientId is required: give every order a unique client order id');
    }
    if (this.byClientId.has(req.clientId)) {
      this.reject(
        req,
        'invalid_order',
        `clientId '${req.clientId}' was already used: client order ids must be unique`,
      );
    }
    if (req.side !== 'buy' && req.side !== 'sell') {
      this.reject(req, 'invalid_order', `side '${req.side}' must be buy or sell`);
    }
    const type = req.type;
    const isTrigger = type === 'stop' || type === 'take_profit';
    if (!isTrigger && type !== 'market' && type !== 'limit') {
      this.reject(req, 'invalid_order', `type '${type}' must be market, limit, stop or take_profit`);
    }
    if (!req.qty?.isFinite() || req.qty.isZero() || req.qty.isNegative())
      this.reject(req, 'invalid_order', `qty must be > 0 (${req.symbol})`);
    const qty = quantizeQty(req.qty, inst.qtyStep);
    if (qty.lt(inst.minQty)) {
      this.reject(
        req,
        'invalid_order',
        `qty ${req.qty} of ${req.symbol} is below the minimum ${inst.minQty} after rounding down to the step ${inst.qtyStep}`,
      );
    }
    let price: Decimal | undefined;
    let triggerPrice: Decimal | undefined;
    if (type === 'limit') {
      if (!req.price) this.reject(req, 'invalid_order', `a limit order needs a price (${req.symbol})`);
      price = this.requestPrice(req, req.price, 'price', inst);
    } else if (isTrigger) {
      if (!req.triggerPrice)
        this.reject(req, 'invalid_order', `a ${type} order needs a triggerPrice (${req.symbol})`);
      triggerPrice = this.requestPrice(req, req.triggerPrice, 'triggerPrice', inst);
      if (req.price) price = this.requestPrice(req, req.price, 'price', inst);
    }
    if (req.reduceOnly && !isTrigger) this.checkReduceOnly(req, qty);
    let qtyF = Number.NaN;
    if (!req.reduceOnly) {
      const refF = price ? toNumberExact(price) : triggerPrice ? toNumberExact(triggerPrice) : s.book.last;
      qtyF = toNumberExact(qty);
      if (!Number.isNaN(refF) && !this.canOpen(req.symbol, req.side, qtyF, refF)) {
        this.reject(
          req,
          'insufficient_funds',
          `${req.side} ${qty} ${req.symbol} needs more initial margin than is available at leverage ${s.leverage}`,
        );
      }
    }
    const ts = this.now();
    const order: Order = {
      clientId: req.clientId,
      symbol: req.symbol,
      side: req.side,
      type,
      qty,
      reduceOnly: req.reduceOnly,
      id: `${this.idPrefix}-o${++this.orderNo}`,
      status: 'open',
      filledQty: ZERO,
      avgFillPrice: null,
      createdAt: ts,
      updatedAt: ts,
    };
    if (price !== undefined) order.price = price;
    if (triggerPrice !== undefined) {
      order.triggerPrice = triggerPrice;
      order.triggerSignal = req.triggerSignal ?? 'mark';
    }
    this.orders.set(order.id, order);
    this.byClientId.set(order.clientId, order.id);
    this.emit({ kind: 'order_accepted', ts, order: { ...order } });
    this.core.add(order, qtyF);
    if (type === 'market' && (this.config.marketFill === 'immediate' || this.hooks.takeInstantFill())) {
      this.core.fillImmediately(order.id, ts);
    }
    return { ...order };
  }

  /** Emits order_rejected and throws the BrokerError. */
  private reject(req: OrderRequest, kind: BrokerErrorKind, message: string): never {
    this.emit({ kind: 'order_rejected', ts: this.now(), request: { ...req }, reason: kind, message });
    throw refusal(kind, message);
  }

  /** A request price quantized ROUND_DOWN to the tick; refused when not positive after it. */
  private requestPrice(req: OrderRequest, v: Decimal, what: string, inst: Instrument): Decimal {
    const q = v.isFinite() ? quantizePrice(v, inst.tickSize) : ZERO;
    if (q.isZero() || q.isNegative())
      this.reject(req, 'invalid_order', `${what} ${v} of ${req.symbol} must be >= the tick ${inst.tickSize}`);
    return q;
  }

  /** Reduce-only market/limit orders: refused when they would open, increase or (in 'reject' mode) flip. */
  private checkReduceOnly(req: OrderRequest, qty: Decimal): void {
    const pos = this.ledger.signedQty(req.symbol);
    const reduces = req.side === 'sell' ? pos.gt(0) : pos.lt(0);
    if (!reduces) {
      this.reject(
        req,
        'reduce_only_violation',
        pos.isZero()
          ? `reduce-only ${req.side} on ${req.symbol} refused: no position to reduce (it would open one)`
          : `reduce-only ${req.side} on ${req.symbol} refused: it would increase the ${pos.gt(0) ? 'long' : 'short'} position`,
      );
    }
    if (this.config.reduceOnlyOversize === 'reject' && qty.gt(pos.abs())) {
      this.reject(
        req,
        'reduce_only_violation',
        `reduce-only ${req.side} ${qty} on ${req.symbol} refused: larger than the position ${pos.abs()} (it would flip)`,
      );
    }
  }

  /**
   * Cancels an open order. `symbol` may be undefined (Kraken cancels by id alone); when given it must
   * match. Throws BrokerError('order_not_found') when the order is not open.
   */
  cancel(symbol: SymbolId | undefined, orderId: string): Order {
    this.hooks.check('cancel');
    const o = this.core.get(orderId);
    if (!o || (symbol !== undefined && o.symbol !== symbol)) {
      const known = this.orders.get(orderId);
      throw new BrokerError(
        'order_not_found',
        known
          ? `order ${orderId} on ${known.symbol} is ${known.status}, not open: nothing to cancel`
          : `order ${orderId} is unknown${symbol ? ` on ${symbol}` : ''}: nothing to cancel`,
      );
    }
    this.core.cancel(orderId, 'requested', this.now());
    return { ...o };
  }

  /** Cancels every open order (of one symbol, or all). Returns the cancelled ids. */
  cancelAll(symbol?: SymbolId): string[] {
    this.hooks.check('cancelAll');
    const ids = this.core.openOrders(symbol).map((o) => o.id);
    const ts = this.now();
    for (const id of ids) this.core.cancel(id, 'requested', ts);
    return ids;
  }

  /** Edits an open order's size or prices (quantized like a submission). Returns a snapshot. */
  edit(orderId: string, changes: OrderEdit): Order {
    const o = this.core.get(orderId);
    if (!o) throw new BrokerError('order_not_found', `order ${orderId} is not open: nothing to edit`);
    const inst = this.instrumentOf(o.symbol);
    if (changes.qty !== undefined) {
      const q = quantizeQty(dec(changes.qty), inst.qtyStep);
      if (q.lt(inst.minQty) || q.lte(o.filledQty)) {
        throw new BrokerError(
          'invalid_order',
          `qty ${changes.qty} must exceed the filled ${o.filledQty} and the minimum`,
        );
      }
      o.qty = q;
    }
    if (changes.price !== undefined) {
      if (o.type === 'market') throw new BrokerError('invalid_order', 'a market order has no price to edit');
      o.price = quantizePrice(dec(changes.price), inst.tickSize);
    }
    if (changes.triggerPrice !== undefined) {
      if (o.triggerPrice === undefined) {
        throw new BrokerError(
          'invalid_order',
          `order ${orderId} is not a trigger order: no trigger price to edit`,
        );
      }
      o.triggerPrice = quantizePrice(dec(changes.triggerPrice), inst.tickSize);
    }
    o.updatedAt = this.now();
    this.core.refresh(orderId);
    return { ...o };
  }

  /** Any order ever accepted (snapshot), undefined when unknown. */
  getOrder(orderId: string): Order | undefined {
    const o = this.orders.get(orderId);
    return o ? { ...o } : undefined;
  }

  getOrderByClientId(clientId: string): Order | undefined {
    const id = this.byClientId.get(clientId);
    return id === undefined ? undefined : this.getOrder(id);
  }

  /** Open orders (snapshots) in submission order. */
  listOpenOrders(symbol?: SymbolId): Order[] {
    this.hooks.check('openOrders');
    return this.core.openOrders(symbol).map((o) => ({ ...o }));
  }

  /** True when `symbol` has resting orders (no allocation). */
  hasOpenOrders(symbol: SymbolId): boolean {
    return this.core.hasOrders(symbol);
  }

  // ---------------------------------------------------------------- account (sync core)

  /** Sets the leverage used for `symbol`'s margin (Kraken `leveragepreferences`). */
  setLeverage(symbol: SymbolId, leverage: number): void {
    const inst = this.instrumentOf(symbol);
    if (!(leverage >= 1 && leverage <= inst.maxLeverage)) {
      throw new BrokerError(
        'invalid_order',
        `leverage ${leverage} for ${symbol} must be in [1, ${inst.maxLeverage}]`,
      );
    }
    this.state(symbol).leverage = leverage;
    this.stateVersion++;
  }

  leverageOf(symbol: SymbolId): number {
    return this.state(symbol).leverage;
  }

  listPositions(): Position[] {
    this.hooks.check('positions');
    if (this.positionsCacheVersion !== this.stateVersion || this.positionsCache === undefined) {
      this.positionsCache = this.ledger.open.map((p) => this.toPosition(p));
      this.positionsCacheVersion = this.stateVersion;
    }
    // Fresh objects for the caller (its to mutate); their Decimals are immutable and shared.
    return this.positionsCache.map((p) => ({ ...p }));
  }

  /** The open position of `symbol`, undefined when flat. */
  position(symbol: SymbolId): Position | undefined {
    const p = this.ledger.position(symbol);
    return p && !p.qty.isZero() ? this.toPosition(p) : undefined;
  }

  /** Signed position quantity (long > 0), exact. */
  positionQty(symbol: SymbolId): Decimal {
    return this.ledger.signedQty(symbol);
  }

  accountSnapshot(): Account {
    this.hooks.check('account');
    if (this.accountCacheVersion !== this.stateVersion || this.accountCache === undefined) {
      // Flat, the account is a function of the balance alone (no marks, no margin): the snapshot taken at
      // the same balance object (Decimals are immutable; every booking makes a new one) still holds.
      const flat = this.ledger.open.length === 0;
      if (
        !(flat && this.accountCache !== undefined && this.accountCacheFlatBalance === this.ledger.balance)
      ) {
        this.accountCache = this.computeAccount();
      }
      this.accountCacheFlatBalance = flat ? this.ledger.balance : undefined;
      this.accountCacheVersion = this.stateVersion;
    }
    return { ...this.accountCache };
  }

  private computeAccount(): Account {
    let equity = this.ledger.balance;
    let used = ZERO;
    for (const p of this.ledger.open) {
      const v = this.valuation(p);
      equity = equity.plus(v.unrealised);
      used = used.plus(v.margin);
    }
    // A ratio for monitoring (no decision reads it): within a few ulps, without the string round trip of
    // a 40-digit equity.
    const eq = toNumberApprox(equity);
    const u = toNumberApprox(used);
    return {
      equity,
      balance: this.ledger.balance,
      marginUsed: used,
      availableMargin: equity.minus(used),
      // Equity at or below zero with margin in use is reported as infinite utilisation, not 0, so a
      // safety monitor cannot mistake a blown account for an idle one.
      marginUtilization: eq > 0 ? u / eq : u > 0 ? Number.POSITIVE_INFINITY : 0,
    };
  }

  /** Equity as a float, for equity curves: balance + unrealised P&L at the last marks. */
  equityValue(): number {
    let e = this.ledger.balanceF;
    for (const p of this.ledger.open) e += p.qtyF * (this.markF(p) - p.entryF);
    return e;
  }

  /** Exact money totals. */
  ledgerSummary(): LedgerSummary {
    const l = this.ledger;
    return {
      initialBalance: l.initialBalance,
      balance: l.balance,
      realisedPnl: l.realisedPnl,
      fees: l.fees,
      fundingPaid: l.fundingPaid,
    };
  }

  /** Fills with `ts >= sinceTs`, oldest first (by time, then execution order). */
  fillsSince(sinceTs: number): Fill[] {
    this.hooks.check('fills');
    const f = this.fillLog;
    let lo = 0;
    let hi = f.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (f[mid].ts < sinceTs) lo = mid + 1;
      else hi = mid;
    }
    return f.slice(lo);
  }

  tickerOf(symbol: SymbolId): Ticker {
    this.hooks.check('ticker');
    const s = this.state(symbol);
    const b = s.book;
    if (Number.isNaN(b.last))
      throw new BrokerError('unknown', `no price for ${symbol} yet: feed a bar or tick first`);
    const last = dec(b.last);
    const half = dec(s.spreadBps).div(20_000);
    const tick = s.book.instrument.tickSize;
    return {
      symbol,
      bid: half.isZero() ? last : roundAgainst(last.mul(dec(1).minus(half)), tick, 'sell'),
      ask: half.isZero() ? last : roundAgainst(last.mul(dec(1).plus(half)), tick, 'buy'),
      last,
      mark: dec(b.mark),
      ts: b.endTs,
    };
  }

  /** End time of `symbol`'s latest price event (bar close or tick time); -Infinity before any. */
  lastEventEnd(symbol: SymbolId): number {
    return this.states.get(symbol)?.book.endTs ?? Number.NEGATIVE_INFINITY;
  }

  /** Last trade and mark prices (NaN before any price event). */
  lastPrice(symbol: SymbolId): number {
    return this.states.get(symbol)?.book.last ?? Number.NaN;
  }

  markPrice(symbol: SymbolId): number {
    return this.states.get(symbol)?.book.mark ?? Number.NaN;
  }

  /** Mark price at which `symbol`'s position is liquidated, with the others at their marks (NaN if flat). */
  liquidationPriceOf(symbol: SymbolId): number {
    const s = this.states.get(symbol);
    return s === undefined ? Number.NaN : this.liquidationPriceAt(s);
  }

  private liquidationPriceAt(s: SymbolState): number {
    const p = s.pos;
    if (p.qtyF === 0) return Number.NaN;
    const open = this.ledger.open;
    if (open.length === 1 && open[0] === p) {
      // Alone, the position's liquidation price is a function of the ledger: the same computation as
      // below with no other position, redone only after a booking.
      const rev = this.ledger.revision;
      if (s.liqRevision !== rev) {
        s.liqPrice = liquidationPrice(p.qtyF, p.entryF, s.mmr, this.ledger.balanceF, 0);
        s.liqRevision = rev;
      }
      return s.liqPrice;
    }
    let restEquity = this.ledger.balanceF;
    let restMaintenance = 0;
    for (const o of this.ledger.open) {
      if (o === p) continue;
      const m = this.markF(o);
      restEquity += o.qtyF * (m - o.entryF);
      restMaintenance += Math.abs(o.qtyF) * m * this.stateOf(o).mmr;
    }
    return liquidationPrice(p.qtyF, p.entryF, s.mmr, restEquity, restMaintenance);
  }

  listInstruments(): Instrument[] {
    this.hooks.check('instruments');
    const all = new Map(this.instrumentMap);
    for (const [sym, s] of this.states) if (!all.has(sym)) all.set(sym, s.book.instrument);
    return [...all.values()];
  }

  // ---------------------------------------------------------------- events

  /**
   * Listens to every event as it is emitted, synchronously — possibly in the middle of a bar. A listener
   * may submit or cancel orders (a new order takes part from the next price event, never in the bar being
   * walked) but must not feed prices. An error thrown by a listener propagates to the caller that fed the
   * event. Returns an unsubscribe function.
   */
  subscribe(listener: EventListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /**
   * Events emitted since the last drain, in emission (seq) order. Within one symbol that is also time
   * order; across symbols fed one after the other for the same step, synthetic intrabar times interleave —
   * push them into an {@link EventQueue} when a strict (ts, seq) order is needed.
   */
  drainEvents(): EngineEvent[] {
    const out = this.buffered;
    this.buffered = [];
    return out;
  }

  /** Total events emitted so far. */
  get eventCount(): number {
    return this.emitted;
  }

  // ---------------------------------------------------------------- Broker (async face)

  async instruments(): Promise<Instrument[]> {
    return this.listInstruments();
  }
  async submitOrder(req: OrderRequest): Promise<Order> {
    return this.submit(req);
  }
  async cancelOrder(symbol: SymbolId, orderId: string): Promise<void> {
    this.cancel(symbol, orderId);
  }
  async openOrders(symbol?: SymbolId): Promise<Order[]> {
    return this.listOpenOrders(symbol);
  }
  async positions(): Promise<Position[]> {
    return this.listPositions();
  }
  async account(): Promise<Account> {
    return this.accountSnapshot();
  }
  async fills(sinceTs: number): Promise<Fill[]> {
    return this.fillsSince(sinceTs);
  }
  async ticker(symbol: SymbolId): Promise<Ticker> {
    return this.tickerOf(symbol);
  }

  // ---------------------------------------------------------------- internals

  private instrumentOf(symbol: SymbolId): Instrument {
    let i = this.instrumentMap.get(symbol);
    if (!i) {
      i = defaultInstrument(symbol);
      this.instrumentMap.set(symbol, i);
    }
    return i;
  }

  private state(symbol: SymbolId): SymbolState {
    let s = this.states.get(symbol);
    if (!s) {
      const inst = this.instrumentOf(symbol);
      s = {
        book: this.core.book(symbol),
        pos: this.ledger.slotOf(symbol),
        leverage: Math.min(this.config.leverage, inst.maxLeverage),
        mmr: this.config.maintenanceMarginRates[symbol] ?? this.config.maintenanceMarginRate,
        fundingRate: this.config.funding.rates[symbol] ?? this.config.funding.rate,
        spreadBps: this.config.spreadBps,
        nextFundingTs: Number.NaN,
        liqPrice: Number.NaN,
        liqRevision: -1,
      };
      this.states.set(symbol, s);
      this.stateByBook[s.book.index] = s;
      this.stateBySlot[s.pos.slot] = s;
    }
    return s;
  }

  private stateOfBook(b: SymbolBook): SymbolState {
    return this.stateByBook[b.index] ?? this.state(b.symbol);
  }

  /** State of a ledger position's symbol (every slot is created through {@link state}). */
  private stateOf(p: LedgerPosition): SymbolState {
    return this.stateBySlot[p.slot] ?? this.state(p.symbol);
  }

  private emit(e: Unsequenced<EngineEvent>): void {
    // Inside a price event the marks move between events: a listener asking for the account must not get
    // a snapshot taken at an earlier event.
    if (this.pricing) this.stateVersion++;
    // Every emitter builds a fresh object, so stamping it in place is safe (and saves a copy per event).
    const ev = e as EngineEvent;
    (ev as { seq: number }).seq = this.sequence.next();
    this.emitted++;
    if (this.bufferEvents) this.buffered.push(ev);
    for (const l of this.listeners) l(ev);
  }

  private markF(p: LedgerPosition): number {
    const m = this.stateOf(p).book.mark;
    return Number.isNaN(m) ? p.entryF : m;
  }

  private markDec(p: LedgerPosition): Decimal {
    const m = this.stateOf(p).book.mark;
    return Number.isNaN(m) ? p.entry : dec(m);
  }

  private toPosition(p: LedgerPosition): Position {
    const v = this.valuation(p);
    return {
      symbol: p.symbol,
      side: p.qty.isNegative() ? 'short' : 'long',
      qty: v.qty,
      entryPrice: p.entry,
      currentMarkPrice: v.mark,
      unrealizedPnl: v.unrealised,
      margin: v.margin,
      leverage: v.leverage,
    };
  }

  /**
   * Exact mark, unrealised P&L and initial margin of a position, computed once per state version and
   * shared by the account and position snapshots (the margin's division is the costly part).
   */
  private valuation(p: LedgerPosition): Valuation {
    let v = this.valuations[p.slot];
    if (v !== undefined && v.version === this.stateVersion) return v;
    const mark = this.markDec(p);
    const leverage = this.stateOf(p).leverage;
    const qty = p.qty.abs();
    v = {
      version: this.stateVersion,
      mark,
      qty,
      leverage,
      unrealised: p.qty.mul(mark.minus(p.entry)),
      margin: qty.mul(mark).div(leverage),
    };
    this.valuations[p.slot] = v;
    return v;
  }

  /** Float pre-trade margin check of the part of a fill that opens exposure. */
  private canOpen(symbol: SymbolId, side: Side, qty: number, price: number): boolean {
    const p = this.ledger.position(symbol);
    const pos = p?.qtyF ?? 0;
    const sameWay = pos === 0 || pos > 0 === (side === 'buy');
    const opening = sameWay ? qty : Math.max(0, qty - Math.abs(pos));
    if (opening === 0) return true;
    const s = this.state(symbol);
    let equity = this.ledger.balanceF;
    let used = 0;
    for (const o of this.ledger.open) {
      const m = this.markF(o);
      equity += o.qtyF * (m - o.entryF);
      used += (Math.abs(o.qtyF) * m) / this.stateOf(o).leverage;
    }
    const released = p && !sameWay ? ((qty - opening) * this.markF(p)) / s.leverage : 0;
    const required = (opening * price) / s.leverage;
    return required <= equity - used + released + 1e-9 * Math.max(1, Math.abs(equity));
  }

  private settleFill(
    order: Order,
    qty: Decimal,
    qtyF: number,
    price: Decimal,
    liquidity: 'maker' | 'taker',
    ts: number,
    priceF: number,
  ): Fill {
    const fee = this.fees.fee(qty, price, liquidity);
    return this.book(order.symbol, order.side, qty, price, fee, liquidity, order, ts, qtyF, priceF);
  }

  private book(
    symbol: SymbolId,
    side: Side,
    qty: Decimal,
    price: Decimal,
    fee: Decimal,
    liquidity: 'maker' | 'taker',
    order: Order,
    ts: number,
    qtyF: number = toNumberExact(qty),
    priceF: number = Number.NaN,
  ): Fill {
    this.ledger.applyFill(symbol, side, qty, price, fee, qtyF, priceF);
    this.stateVersion++;
    const fill: Fill = {
      id: `${this.idPrefix}-f${++this.fillNo}`,
      orderId: order.id,
      clientId: order.clientId,
      symbol,
      side,
      qty,
      price,
      fee,
      liquidity,
      reduceOnly: order.reduceOnly,
      ts,
    };
    const f = this.fillLog;
    let i = f.length;
    while (i > 0 && f[i - 1].ts > ts) i--;
    if (i === f.length) f.push(fill);
    else f.splice(i, 0, fill);
    return fill;
  }

  private liquidate(symbol: SymbolId, mark: number, ts: number): void {
    const p = this.ledger.position(symbol);
    if (!p || p.qty.isZero()) return;
    const equity = this.equityValue();
    let maintenance = 0;
    for (const o of this.ledger.open) maintenance += Math.abs(o.qtyF) * this.markF(o) * this.stateOf(o).mmr;
    for (const o of this.core.openOrders(symbol).slice()) this.core.cancel(o.id, 'liquidation', ts);
    const side: Side = p.qty.isNegative() ? 'buy' : 'sell';
    const positionSide: PositionSide = side === 'sell' ? 'long' : 'short';
    const qty = p.qty.abs();
    const price = roundAgainst(dec(mark), this.instrumentOf(symbol).tickSize, side);
    const fee = this.fees.fee(qty, price, 'taker').plus(qty.mul(price).mul(this.config.liquidationFeeRate));
    const n = ++this.orderNo;
    const order: Order = {
      clientId: `liquidation-${n}`,
      symbol,
      side,
      type: 'market',
      qty,
      reduceOnly: true,
      id: `${this.idPrefix}-o${n}`,
      status: 'filled',
      filledQty: qty,
      avgFillPrice: price,
      createdAt: ts,
      updatedAt: ts,
    };
    this.orders.set(order.id, order);
    this.byClientId.set(order.clientId, order.id);
    const fill = this.book(symbol, side, qty, price, fee, 'taker', order, ts);
    this.emit({
      kind: 'liquidation',
      ts,
      symbol,
      side: positionSide,
      qty,
      price,
      fill,
      equity,
      maintenanceMargin: maintenance,
    });
  }

  private settleFunding(s: SymbolState, fromTs: number, untilTs: number): void {
    const iv = this.config.funding.intervalMs;
    if (Number.isNaN(s.nextFundingTs)) s.nextFundingTs = Math.floor(fromTs / iv) * iv + iv;
    if (untilTs < s.nextFundingTs) return;
    const sym = s.book.symbol;
    const p = this.ledger.position(sym);
    if (!p || p.qty.isZero()) {
      s.nextFundingTs = Math.floor(untilTs / iv) * iv + iv;
      return;
    }
    const rate = dec(s.fundingRate);
    const mark = dec(s.book.mark);
    while (s.nextFundingTs <= untilTs) {
      const qty = p.qty;
      const amount = qty.mul(mark).mul(rate).neg();
      this.ledger.applyFunding(sym, amount);
      this.stateVersion++;
      this.emit({
        kind: 'funding',
        ts: s.nextFundingTs,
        symbol: sym,
        side: qty.isNegative() ? 'short' : 'long',
        qty: qty.abs(),
        markPrice: mark,
        rate,
        amount,
      });
      s.nextFundingTs += iv;
    }
  }

  /** Removes an open order without any event (test hook: it "vanished" at the venue). */
  private vanish(orderId: string): boolean {
    const o = this.core.remove(orderId);
    if (!o) return false;
    o.status = 'cancelled';
    o.updatedAt = this.now();
    return true;
  }

  /** Books a fill that did not come from the bot (test hook: a position opened behind its back). */
  private bookExternal(symbol: SymbolId, side: Side, qty: Decimal, price: Decimal): Fill {
    const inst = this.instrumentOf(symbol);
    const s = this.state(symbol);
    const q = quantizeQty(dec(qty), inst.qtyStep);
    const px = quantizeDown(dec(price), inst.tickSize);
    const ts = this.now();
    const n = ++this.orderNo;
    const order: Order = {
      clientId: `external-${n}`,
      symbol,
      side,
      type: 'market',
      qty: q,
      reduceOnly: false,
      id: `${this.idPrefix}-o${n}`,
      status: 'filled',
      filledQty: q,
      avgFillPrice: px,
      createdAt: ts,
      updatedAt: ts,
    };
    this.orders.set(order.id, order);
    this.byClientId.set(order.clientId, order.id);
    if (Number.isNaN(s.book.last)) {
      s.book.last = px.toNumber();
      s.book.mark = s.book.last;
    }
    return this.book(symbol, side, q, px, ZERO, 'taker', order, ts);
  }
}

/**
 * A refusal of an order: the venue's answer, not a fault of the program, so it is built without a stack
 * trace — capturing one costs more than all the order's checks, and a backtest whose strategy keeps
 * sending an order the venue refuses (a stop below the tick, retried every bar) would spend its time there.
 * The message names the order and the rule.
 */
function refusal(kind: BrokerErrorKind, message: string): BrokerError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new BrokerError(kind, message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** What the hooks reach inside the broker. */
interface HookAccess {
  vanish(orderId: string): boolean;
  openOrders(symbol: SymbolId): Order[];
  external(symbol: SymbolId, side: Side, qty: Decimal, price: Decimal): Fill;
  caps: Decimal[];
  state(symbol: SymbolId): SymbolState;
}

/**
 * Fault and scenario injection for tests (seed bugs 3, 6, 7 and live fault tests). Everything here is
 * explicit and deterministic: a hook acts on the next call(s) of its kind and is then spent.
 */
export class SimHooks {
  private readonly access: HookAccess;
  private readonly failures = new Map<SimOperation, BrokerError[]>();
  private instantFills = 0;

  constructor(access: HookAccess) {
    this.access = access;
  }

  /** The next `count` market orders fill inside `submit` at the last price (seed Bug 6: instant fill). */
  instantFillNext(count = 1): void {
    this.instantFills += count;
  }

  /** The next `count` calls of `op` throw `error` (a BrokerError, or one of that kind) and do nothing. */
  failNext(op: SimOperation, error: BrokerError | BrokerErrorKind, count = 1): void {
    const e = typeof error === 'string' ? new BrokerError(error, `injected ${error} on ${op}`) : error;
    const q = this.failures.get(op) ?? [];
    for (let i = 0; i < count; i++) q.push(e);
    this.failures.set(op, q);
  }

  /** The open order disappears without an event; a later cancel of it throws `order_not_found` (Bug 7). */
  vanishOrder(orderId: string): boolean {
    return this.access.vanish(orderId);
  }

  /** Every reduce-only stop of `symbol` vanishes (a kill switch of an earlier run took them). Returns ids. */
  vanishStops(symbol: SymbolId): string[] {
    const ids = this.access
      .openOrders(symbol)
      .filter((o) => o.type === 'stop' && o.reduceOnly)
      .map((o) => o.id);
    for (const id of ids) this.access.vanish(id);
    return ids;
  }

  /**
   * Opens (or adds to) a position the bot never ordered, at `price`, without fee or event; it shows in
   * positions() and fills() (client id `external-N`). Seed Bug 3: phantom positions at startup.
   */
  openPositionBehindBack(
    symbol: SymbolId,
    side: PositionSide,
    qty: Decimal.Value,
    price: Decimal.Value,
  ): Fill {
    return this.access.external(symbol, side === 'long' ? 'buy' : 'sell', dec(qty), dec(price));
  }

  /** The next fill is capped at `qty` (the rest stays open): a partial fill on demand. */
  capNextFill(qty: Decimal.Value): void {
    this.access.caps.push(dec(qty));
  }

  /** Funding rate per interval for `symbol` from now on. */
  setFundingRate(symbol: SymbolId, rate: number): void {
    this.access.state(symbol).fundingRate = rate;
  }

  /** Bid/ask spread of `symbol`'s ticker in basis points (e.g. to trip the seed's 1% spread gate). */
  setSpreadBps(symbol: SymbolId, bps: number): void {
    this.access.state(symbol).spreadBps = bps;
  }

  /** @internal Throws the next injected failure of `op`, if any. */
  check(op: SimOperation): void {
    const q = this.failures.get(op);
    if (q === undefined || q.length === 0) return;
    throw q.shift() as BrokerError;
  }

  /** @internal Consumes one instant fill, if any is pending. */
  takeInstantFill(): boolean {
    if (this.instantFills === 0) return false;
    this.instantFills--;
    return true;
  }
}
