import type { Decimal } from 'decimal.js';
import type { Fill, Instrument, Order, Symbol as SymbolId } from '../broker.ts';
import type { CancelReason, EngineEvent, Unsequenced } from '../events.ts';
import { dec, toNumberExact } from './decimal.ts';
import { legTime, lowFirst } from './intrabar.ts';
import { breaches } from './margin.ts';
import { quantizeDown } from './quantize.ts';
import type { SlippageModel } from './slippage.ts';

/**
 * The matching engine of one simulated venue, shared by the simulated broker (backtests, paper) and the
 * fake Kraken Futures server (live tests), so a difference between them can only come from the venue
 * layer. It holds the resting orders of every symbol, is fed price events — a bar's OHLC or a tick (last
 * and mark) — and executes what those prices reach, following the intrabar rule of ./intrabar.ts.
 *
 * It knows nothing of money: positions, margin, fees and liquidation belong to the {@link MatchingVenue}
 * it is given, which books every fill synchronously, so an order executed later on the same path sees the
 * position left by the earlier ones (a take-profit after the stop closed the position is cancelled as
 * `reduce_only`). Deterministic: no clock, no randomness; time comes from the events.
 *
 * Order semantics (Kraken Futures):
 * - market: executes at the next price point as taker, moved by the slippage model; a remainder left by
 *   the liquidity cap waits for the next price event.
 * - limit: a buy executes when the price falls to the limit. Marketable on arrival (its first price
 *   event) → taker at the better of the price and the limit, after slippage capped at the limit; once it
 *   has rested through a price event → maker at its own limit price, also when the price gaps through it.
 * - stop (stop-loss): a buy stop triggers when the trigger signal rises to the trigger price, a sell stop
 *   when it falls to it. take_profit: the reverse (a sell TP triggers on a rise). The trigger signal is
 *   the mark or the last price (`triggerSignal`, default mark); on bars both follow the same path. A
 *   triggered order executes as market (taker, at the trigger price on a continuous path, at the gap
 *   price when the event jumped past it) or, when it carries a `price`, becomes a limit order there.
 * - reduce-only: checked at execution against the venue's position — clipped to it, cancelled as
 *   `reduce_only` when it would not reduce (flat or same side), and its residual cancelled as
 *   `reduce_only_residual` once the position is closed. It can never open, grow or flip a position.
 * - opening fills need the margin: the venue's `canOpen` refuses → cancelled as `insufficient_margin`.
 * - liquidity: with `maxVolumeFraction`, one price event fills at most that fraction of its volume,
 *   summed over the symbol's orders in execution order (partial fills).
 */

/** A bar as a price event: open time, close time and float64 OHLCV (market data stays float). */
export interface PriceBar {
  ts: number;
  closeTs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** What the matching core needs from the account that owns the orders. */
export interface MatchingVenue {
  instrument(symbol: SymbolId): Instrument;
  /** Signed position (long > 0). */
  positionQty(symbol: SymbolId): Decimal;
  /** Sign of the position of the book's symbol (−1, 0, 1), cheap. */
  positionSign(book: SymbolBook): number;
  /** Whether the part of a `qty` fill at `price` that opens exposure fits the available margin (floats). */
  canOpen(symbol: SymbolId, side: Order['side'], qty: number, price: number): boolean;
  /**
   * Books the fill (fee, position, balance) and returns it; `qtyF` is `qty` as a float, `priceF` is
   * `price` as a float when known (NaN otherwise).
   */
  settleFill(
    order: Order,
    qty: Decimal,
    qtyF: number,
    price: Decimal,
    liquidity: 'maker' | 'taker',
    ts: number,
    priceF: number,
  ): Fill;
  /** Mark price at which the position of the book's symbol is liquidated, NaN when there is none. */
  liquidationPrice(book: SymbolBook): number;
  /** Liquidates the symbol's position at `mark`. */
  liquidate(symbol: SymbolId, mark: number, ts: number): void;
}

export type EmitEvent = (e: Unsequenced<EngineEvent>) => void;

export interface MatchingOptions {
  slippage: SlippageModel;
  /** Max fraction of an event's volume that can fill (null = unlimited). */
  maxVolumeFraction: number | null;
}

/** An order resting in the book, with float shadows of its prices for the per-bar checks. */
interface Resting {
  readonly order: Order;
  trigF: number;
  limF: number;
  /** Stop/take-profit whose trigger fired. */
  triggered: boolean;
  /** Has lived through a price event: later executions of its limit are maker fills at its price. */
  rested: boolean;
  /** The book's event number at submission: the order takes part only in later events. */
  readonly armedAt: number;
  /** `order.qty` as a float (NaN when not known yet), so an unfilled order's fill needs no conversion. */
  qtyF: number;
}

/** Resting orders and last prices of one symbol. */
export class SymbolBook {
  readonly symbol: SymbolId;
  readonly instrument: Instrument;
  /** Creation order of the book in its core (0, 1, …): the venue indexes its per-symbol state by it. */
  readonly index: number;
  readonly orders: Resting[] = [];
  /** Last trade price and mark price (NaN before the first event). */
  last = Number.NaN;
  mark = Number.NaN;
  /** End time of the last price event (bar close time or tick time). */
  endTs = Number.NEGATIVE_INFINITY;
  /** Count of price events processed. */
  eventNo = 0;
  /** Liquidity left in the current event, in base units. */
  budget = Number.POSITIVE_INFINITY;
  constructor(symbol: SymbolId, instrument: Instrument, index = 0) {
    this.symbol = symbol;
    this.instrument = instrument;
    this.index = index;
  }
}

const isTrigger = (o: Order) => o.type === 'stop' || o.type === 'take_profit';
/** Buy stops and sell take-profits trigger on a rising price; the others on a falling one. */
const triggersOnRise = (o: Order) => (o.type === 'stop') === (o.side === 'buy');

function snapshot(o: Order): Order {
  return { ...o };
}

export class MatchingCore {
  private readonly books = new Map<SymbolId, SymbolBook>();
  private readonly resting = new Map<string, Resting>();
  private readonly venue: MatchingVenue;
  private readonly opts: MatchingOptions;
  private readonly emit: EmitEvent;
  /** Caps on the next fills, consumed one per fill (test hook: provoke partial fills). */
  readonly nextFillCaps: Decimal[] = [];

  constructor(venue: MatchingVenue, opts: MatchingOptions, emit: EmitEvent) {
    this.venue = venue;
    this.opts = opts;
    this.emit = emit;
  }

  /** The book of `symbol`, created on first use. */
  book(symbol: SymbolId): SymbolBook {
    let b = this.books.get(symbol);
    if (!b) {
      b = new SymbolBook(symbol, this.venue.instrument(symbol), this.books.size);
      this.books.set(symbol, b);
    }
    return b;
  }

  existingBook(symbol: SymbolId): SymbolBook | undefined {
    return this.books.get(symbol);
  }

  symbols(): SymbolId[] {
    return [...this.books.keys()];
  }

  /**
   * Rests a validated order (quantized, checked by the venue). It takes part from the next price event.
   * `qtyF`: `order.qty.toNumber()` when the caller has it already.
   */
  add(order: Order, qtyF = Number.NaN): void {
    const b = this.book(order.symbol);
    const r: Resting = {
      order,
      trigF: order.triggerPrice ? toNumberExact(order.triggerPrice) : Number.NaN,
      limF: order.price ? toNumberExact(order.price) : Number.NaN,
      triggered: false,
      rested: false,
      armedAt: b.eventNo,
      qtyF,
    };
    b.orders.push(r);
    this.resting.set(order.id, r);
  }

  /** The live resting order (not a copy), undefined when it is not in the book. */
  get(orderId: string): Order | undefined {
    return this.resting.get(orderId)?.order;
  }

  /** Removes an order without any event (the venue reports it). Returns it, or undefined. */
  remove(orderId: string): Order | undefined {
    const r = this.resting.get(orderId);
    if (!r) return undefined;
    this.resting.delete(orderId);
    const list = this.book(r.order.symbol).orders;
    list.splice(list.indexOf(r), 1);
    return r.order;
  }

  /** Cancels a resting order with `reason`, emitting order_cancelled. */
  cancel(orderId: string, reason: CancelReason, ts: number): Order | undefined {
    const o = this.remove(orderId);
    if (!o) return undefined;
    o.status = 'cancelled';
    o.updatedAt = ts;
    this.emit({ kind: 'order_cancelled', ts, order: snapshot(o), reason });
    return o;
  }

  /** Re-reads an edited order's prices (the venue has changed and validated them). */
  refresh(orderId: string): void {
    const r = this.resting.get(orderId);
    if (!r) return;
    r.trigF = r.order.triggerPrice ? toNumberExact(r.order.triggerPrice) : Number.NaN;
    r.limF = r.order.price ? toNumberExact(r.order.price) : Number.NaN;
    r.qtyF = Number.NaN;
  }

  /** Resting orders (live objects, in submission order), of one symbol or all. */
  openOrders(symbol?: SymbolId): Order[] {
    if (symbol !== undefined) return (this.books.get(symbol)?.orders ?? []).map((r) => r.order);
    const out: Order[] = [];
    for (const b of this.books.values()) for (const r of b.orders) out.push(r.order);
    return out;
  }

  hasOrders(symbol: SymbolId): boolean {
    const b = this.books.get(symbol);
    return b !== undefined && b.orders.length > 0;
  }

  /**
   * Executes a just-accepted market order now at the book's last price (the 'immediate' fill mode and the
   * instant-fill test hook). Returns false, leaving it to rest, when no price is known yet.
   */
  fillImmediately(orderId: string, ts: number): boolean {
    const r = this.resting.get(orderId);
    if (!r) return false;
    const b = this.book(r.order.symbol);
    if (Number.isNaN(b.last)) return false;
    const saved = b.budget;
    b.budget = Number.POSITIVE_INFINITY;
    this.fillAt(b, r, dec(b.last), b.last, 'taker', true, undefined, ts);
    b.budget = saved;
    return true;
  }

  /**
   * Processes one bar of `b`'s symbol. Quiet bars (nothing can trigger, fill or liquidate) only move the
   * prices; the rest walk the intrabar path. The venue has checked the event's time order.
   */
  onBar(b: SymbolBook, bar: PriceBar): void {
    b.eventNo++;
    if ((b.orders.length === 0 && this.venue.positionSign(b) === 0) || this.barIsQuiet(b, bar)) {
      for (const r of b.orders) r.rested = true;
      b.last = bar.close;
      b.mark = bar.close;
      return;
    }
    this.walkBar(b, bar);
  }

  /**
   * {@link onBar} for a book with no orders whose symbol is flat (the caller checked both): the bar can
   * only move the prices, so only its close is needed.
   */
  onIdleBar(b: SymbolBook, close: number): void {
    b.eventNo++;
    b.last = close;
    b.mark = close;
  }

  /** Processes a tick: the price jumps to `last` (and the mark to `mark`) at `ts`. */
  onTick(b: SymbolBook, ts: number, last: number, mark: number, volume: number): void {
    b.eventNo++;
    b.budget =
      this.opts.maxVolumeFraction === null || Number.isNaN(volume)
        ? Number.POSITIVE_INFINITY
        : this.opts.maxVolumeFraction * volume;
    b.last = last;
    b.mark = mark;
    this.processPoint(b, last, mark, ts);
  }

  /** Whether a bar can do nothing to the symbol's orders or position (the cheap pre-check). */
  private barIsQuiet(b: SymbolBook, bar: PriceBar): boolean {
    for (const r of b.orders) {
      const o = r.order;
      if (o.type === 'market' || (r.triggered && Number.isNaN(r.limF))) return false;
      if (isTrigger(o) && !r.triggered) {
        if (triggersOnRise(o) ? bar.high >= r.trigF : bar.low <= r.trigF) return false;
      } else if (o.side === 'buy' ? bar.low <= r.limF : bar.high >= r.limF) return false;
    }
    const lp = this.venue.liquidationPrice(b);
    if (Number.isNaN(lp)) return true;
    const sign = this.venue.positionSign(b);
    return !(sign > 0 ? bar.low <= lp : bar.high >= lp);
  }

  private walkBar(b: SymbolBook, bar: PriceBar): void {
    b.budget =
      this.opts.maxVolumeFraction === null
        ? Number.POSITIVE_INFINITY
        : this.opts.maxVolumeFraction * bar.volume;
    b.last = bar.open;
    b.mark = bar.open;
    this.processPoint(b, bar.open, bar.open, bar.ts);
    const first = lowFirst(bar.open, bar.close, this.venue.positionSign(b));
    const x = first ? bar.low : bar.high;
    const y = first ? bar.high : bar.low;
    this.walkLeg(b, bar.open, x, legTime(bar.ts, bar.closeTs, 1));
    this.walkLeg(b, x, y, legTime(bar.ts, bar.closeTs, 2));
    this.walkLeg(b, y, bar.close, legTime(bar.ts, bar.closeTs, 3));
    b.last = bar.close;
    b.mark = bar.close;
  }

  /** A price point reached by a jump (bar open, tick): everything it crosses executes here. */
  private processPoint(b: SymbolBook, last: number, mark: number, ts: number): void {
    const n = b.orders.length;
    if (n === 1) {
      // The common case needs no copy of the list: nothing else can be removed under it.
      const r = b.orders[0];
      if (r.armedAt < b.eventNo) this.executeAtPoint(b, r, last, mark, ts);
    } else if (n > 1) {
      for (const r of b.orders.slice()) {
        if (r.armedAt >= b.eventNo || !this.resting.has(r.order.id)) continue;
        this.executeAtPoint(b, r, last, mark, ts);
      }
    }
    if (n > 0) for (const r of b.orders) if (r.armedAt < b.eventNo) r.rested = true;
    const sign = this.venue.positionSign(b);
    if (sign !== 0 && breaches(sign, mark, this.venue.liquidationPrice(b))) {
      this.venue.liquidate(b.symbol, mark, ts);
    }
  }

  private executeAtPoint(b: SymbolBook, r: Resting, last: number, mark: number, ts: number): void {
    const o = r.order;
    if (isTrigger(o) && !r.triggered) {
      const sig = o.triggerSignal === 'last' ? last : mark;
      if (!(triggersOnRise(o) ? sig >= r.trigF : sig <= r.trigF)) return;
      this.fire(r, sig, ts);
    }
    if (o.type === 'market' || (r.triggered && Number.isNaN(r.limF))) {
      if (b.budget > 0) this.fillAt(b, r, dec(last), last, 'taker', true, undefined, ts);
      return;
    }
    const marketable = o.side === 'buy' ? last <= r.limF : last >= r.limF;
    if (!marketable || b.budget <= 0 || !o.price) return;
    if (r.rested) this.fillAt(b, r, o.price, r.limF, 'maker', false, undefined, ts);
    else this.fillAt(b, r, dec(last), last, 'taker', true, o.price, ts);
  }

  /** Walks a continuous leg from `from` to `to`, executing orders in the order the price meets them. */
  private walkLeg(b: SymbolBook, from: number, to: number, ts: number): void {
    if (from === to) return;
    const up = to > from;
    let cur = from;
    for (let guard = 0; ; guard++) {
      if (guard > 10_000) throw new Error(`matching loop did not settle on ${b.symbol} at ${ts}`);
      let best: Resting | undefined;
      let bestP = Number.NaN;
      for (const r of b.orders) {
        if (r.armedAt >= b.eventNo) continue;
        const p = this.activation(b, r, up, cur, to);
        if (Number.isNaN(p)) continue;
        if (best === undefined || (up ? p < bestP : p > bestP)) {
          best = r;
          bestP = p;
        }
      }
      const sign = this.venue.positionSign(b);
      let liq = Number.NaN;
      if (sign !== 0 && sign > 0 !== up) {
        const lp = this.venue.liquidationPrice(b);
        if (!Number.isNaN(lp) && (up ? lp >= cur && lp <= to : lp <= cur && lp >= to)) liq = lp;
      }
      if (!Number.isNaN(liq) && (best === undefined || (up ? liq < bestP : liq > bestP))) {
        b.last = liq;
        b.mark = liq;
        this.venue.liquidate(b.symbol, liq, ts);
        cur = liq;
        continue;
      }
      if (best === undefined) return;
      b.last = bestP;
      b.mark = bestP;
      this.executeInLeg(b, best, bestP, ts);
      cur = bestP;
    }
  }

  /** Price at which `r` acts on a leg from `cur` towards `to` (inclusive), NaN when it does not. */
  private activation(b: SymbolBook, r: Resting, up: boolean, cur: number, to: number): number {
    const o = r.order;
    if (isTrigger(o) && !r.triggered) {
      if (triggersOnRise(o) !== up) return Number.NaN;
      const p = r.trigF;
      return (up ? p >= cur && p <= to : p <= cur && p >= to) ? p : Number.NaN;
    }
    if (o.type === 'market' || Number.isNaN(r.limF) || b.budget <= 0) return Number.NaN;
    // A buy limit is reached by a falling price, a sell limit by a rising one.
    if ((o.side === 'buy') === up) return Number.NaN;
    const p = r.limF;
    return (up ? p >= cur && p <= to : p <= cur && p >= to) ? p : Number.NaN;
  }

  private executeInLeg(b: SymbolBook, r: Resting, p: number, ts: number): void {
    const o = r.order;
    if (isTrigger(o) && !r.triggered) {
      this.fire(r, p, ts);
      const trig = o.triggerPrice ?? dec(p);
      if (Number.isNaN(r.limF) || !o.price) {
        if (b.budget > 0) this.fillAt(b, r, trig, p, 'taker', true, undefined, ts);
        return;
      }
      const marketable = o.side === 'buy' ? p <= r.limF : p >= r.limF;
      if (marketable) {
        if (b.budget > 0) this.fillAt(b, r, trig, p, 'taker', true, o.price, ts);
      } else {
        r.rested = true;
      }
      return;
    }
    if (o.price) this.fillAt(b, r, o.price, p, 'maker', false, undefined, ts);
  }

  private fire(r: Resting, price: number, ts: number): void {
    r.triggered = true;
    r.rested = false;
    r.order.status = 'triggered';
    r.order.updatedAt = ts;
    this.emit({ kind: 'trigger_fired', ts, order: snapshot(r.order), price });
  }

  /**
   * Executes as much of `r` as liquidity, reduce-only and margin allow at reference `price` (`priceF` as
   * a float). `slip`: apply the slippage model (taker); `cap`: a limit the slipped price may not pass.
   */
  private fillAt(
    b: SymbolBook,
    r: Resting,
    price: Decimal,
    priceF: number,
    liquidity: 'maker' | 'taker',
    slip: boolean,
    cap: Decimal | undefined,
    ts: number,
  ): void {
    const o = r.order;
    const step = b.instrument.qtyStep;
    const unfilled = o.filledQty.isZero();
    let qty = unfilled ? o.qty : o.qty.minus(o.filledQty);
    if (b.budget !== Number.POSITIVE_INFINITY) {
      const allowed = quantizeDown(dec(b.budget), step);
      if (allowed.isZero() || allowed.isNegative()) {
        b.budget = 0;
        return;
      }
      if (allowed.lt(qty)) qty = allowed;
    }
    const hookCap = this.nextFillCaps[0];
    if (hookCap?.lt(qty)) qty = hookCap;
    if (o.reduceOnly) {
      const pos = this.venue.positionQty(o.symbol);
      const reduces =
        o.side === 'sell' ? pos.isPositive() && !pos.isZero() : pos.isNegative() && !pos.isZero();
      if (!reduces) {
        this.cancel(o.id, 'reduce_only', ts);
        return;
      }
      if (pos.abs().lt(qty)) qty = pos.abs();
    }
    if (qty.isZero() || qty.isNegative()) return; // qty ≤ 0 without building a Decimal 0
    let qtyF: number;
    if (qty === o.qty) {
      if (Number.isNaN(r.qtyF)) r.qtyF = toNumberExact(qty);
      qtyF = r.qtyF;
    } else qtyF = toNumberExact(qty);
    if (!o.reduceOnly && !this.venue.canOpen(o.symbol, o.side, qtyF, priceF)) {
      this.cancel(o.id, 'insufficient_margin', ts);
      return;
    }
    let px = price;
    if (slip) {
      px = this.opts.slippage.apply(o.side, price, b.instrument);
      if (cap && (o.side === 'buy' ? px.gt(cap) : px.lt(cap))) px = cap;
    }
    if (hookCap !== undefined) this.nextFillCaps.shift();
    // `priceF` is `price` as a float at every call site, so it is the fill price's float when unmoved.
    const fill = this.venue.settleFill(o, qty, qtyF, px, liquidity, ts, px === price ? priceF : Number.NaN);
    if (b.budget !== Number.POSITIVE_INFINITY) b.budget -= qtyF;
    const filledBefore = o.filledQty;
    o.filledQty = unfilled ? qty : filledBefore.plus(qty);
    o.avgFillPrice =
      o.avgFillPrice === null ? px : o.avgFillPrice.mul(filledBefore).plus(px.mul(qty)).div(o.filledQty);
    o.updatedAt = ts;
    const done = o.filledQty.gte(o.qty);
    o.status = done ? 'filled' : 'partially_filled';
    if (done) this.remove(o.id);
    this.emit({ kind: done ? 'order_filled' : 'order_partially_filled', ts, order: snapshot(o), fill });
    if (!done && o.reduceOnly && this.venue.positionQty(o.symbol).isZero()) {
      this.cancel(o.id, 'reduce_only_residual', ts);
    }
  }
}
