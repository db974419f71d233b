import type { Decimal } from 'decimal.js';
import type {
  Account,
  Broker,
  Fill,
  Instrument,
  Order,
  OrderRequest,
  Position,
  Symbol as SymbolId,
  Ticker,
} from '../../engine/broker.ts';
import type { EngineEvent, Unsequenced } from '../../engine/events.ts';
import { SequenceSource } from '../../engine/events.ts';
import type { Logger } from '../../engine/log.ts';

/**
 * Turns what a polled venue shows into the engine's broker events, so the same Trader that the simulator
 * drives through `onBrokerEvent` runs live. The simulator emits events as things happen; Kraken is polled:
 *
 * - a new fill (by fill id) → `order_filled` or `order_partially_filled` with the order as it stands after
 *   it (orders the runner did not place — an earlier process's, or a position opened behind its back —
 *   are synthesized from the fill);
 * - an order the runner cancelled → `order_cancelled` at once (as the simulator does);
 * - an open order that left the book without filling completely → `order_cancelled` (after its fills).
 *   An order never yet seen resting gets one more poll first: its fills may not be listed yet.
 *
 * Fills of a bar may be reported when the bar closes, with earlier (intrabar) times: fills are read with a
 * look-back and de-duplicated by id. Events of one poll come out in time order, cancellations last.
 */

export interface OrderEventSourceOptions {
  logger: Logger;
  /** How far before the newest fill seen the next poll reads again (default one hour). */
  lookbackMs?: number;
  sequence?: SequenceSource;
}

interface Tracked {
  order: Order;
  /** Listed as open by the venue at least once. */
  seenResting: boolean;
  /** Polls it has been missing from the open orders while not filled. */
  missing: number;
}

export class OrderEventSource {
  private readonly tracked = new Map<string, Tracked>();
  private readonly seenFills = new Map<string, number>();
  private readonly lookbackMs: number;
  private readonly sequence: SequenceSource;
  private readonly logger: Logger;
  private newestFill = Number.NEGATIVE_INFINITY;
  private readonly listeners: Array<(e: EngineEvent) => void> = [];

  constructor(opts: OrderEventSourceOptions) {
    this.logger = opts.logger;
    this.lookbackMs = opts.lookbackMs ?? 3_600_000;
    this.sequence = opts.sequence ?? new SequenceSource();
  }

  /** Receives every event, synchronously, in order. */
  subscribe(listener: (e: EngineEvent) => void): void {
    this.listeners.push(listener);
  }

  private emit(e: Unsequenced<EngineEvent>): void {
    const ev = { ...e, seq: this.sequence.next() } as EngineEvent;
    for (const l of this.listeners) l(ev);
  }

  /** An order just accepted by the venue: its fills will be reported by the next polls. */
  track(order: Order): void {
    if (order.status === 'rejected') return;
    const fresh = {
      ...order,
      filledQty: order.filledQty.mul(0),
      avgFillPrice: null,
      status: 'open' as const,
    };
    this.tracked.set(order.id, { order: fresh, seenResting: false, missing: 0 });
  }

  /** Fills already handled (e.g. stored by a previous process): never reported again. */
  markSeen(fills: readonly Fill[]): void {
    for (const f of fills) {
      this.seenFills.set(f.id, f.ts);
      if (f.ts > this.newestFill) this.newestFill = f.ts;
    }
  }

  /** Reports that the runner's cancel of `orderId` succeeded. */
  cancelled(orderId: string, ts: number): void {
    const t = this.tracked.get(orderId);
    if (!t) return;
    this.tracked.delete(orderId);
    this.emit({
      kind: 'order_cancelled',
      ts,
      order: { ...t.order, status: 'cancelled', updatedAt: ts },
      reason: 'requested',
    });
  }

  /**
   * Reads open orders, then fills (in that order, so an order missing from the first read has its fills
   * in the second), and emits what changed. Returns the new fills. `since` bounds the first read.
   */
  async poll(broker: Broker, now: number, since: number): Promise<Fill[]> {
    const open = await broker.openOrders();
    // After the first fill, read back a look-back before the newest one (fills of a bar arrive with
    // intrabar times); never the whole history since `since` again, or fills the de-duplication below
    // has forgotten come back as new (session-2 bug: an old entry fill re-applied every tick).
    const from = Math.max(since, this.newestFill - this.lookbackMs);
    const fills = await broker.fills(from);
    const openIds = new Set<string>();
    for (const o of open) {
      openIds.add(o.id);
      const t = this.tracked.get(o.id);
      if (t) {
        t.seenResting = true;
        t.missing = 0;
        t.order = { ...t.order, triggerPrice: o.triggerPrice, price: o.price, qty: o.qty };
      } else {
        // an order of an earlier process (or placed by hand): its later fills count from what it has now
        this.tracked.set(o.id, { order: { ...o }, seenResting: true, missing: 0 });
      }
    }
    const fresh = fills.filter((f) => !this.seenFills.has(f.id)).sort((a, b) => a.ts - b.ts);
    for (const f of fresh) {
      this.seenFills.set(f.id, f.ts);
      if (f.ts > this.newestFill) this.newestFill = f.ts;
      const t = this.tracked.get(f.orderId) ?? this.synthesize(f);
      const o = t.order;
      const filled = o.filledQty.plus(f.qty);
      const avg: Decimal =
        o.avgFillPrice === null
          ? f.price
          : o.avgFillPrice.mul(o.filledQty).plus(f.price.mul(f.qty)).div(filled);
      const done = filled.gte(o.qty);
      t.order = {
        ...o,
        filledQty: filled,
        avgFillPrice: avg,
        status: done ? 'filled' : 'partially_filled',
        updatedAt: f.ts,
      };
      this.emit({
        kind: done ? 'order_filled' : 'order_partially_filled',
        ts: f.ts,
        order: { ...t.order },
        fill: f,
      });
      if (done) this.tracked.delete(f.orderId);
    }
    for (const [id, t] of this.tracked) {
      if (openIds.has(id)) continue;
      t.missing++;
      if (!t.seenResting && t.missing < 2) continue;
      this.tracked.delete(id);
      this.logger.info(
        {
          order_id: id,
          client_id: t.order.clientId,
          symbol: t.order.symbol,
          filled: t.order.filledQty.toString(),
        },
        'Order left the book without filling completely',
      );
      this.emit({
        kind: 'order_cancelled',
        ts: now,
        order: { ...t.order, status: 'cancelled', updatedAt: now },
        reason: 'requested',
      });
    }
    // a fill older than this read's start is never returned again: forget it
    for (const [id, ts] of this.seenFills) if (ts < from) this.seenFills.delete(id);
    return fresh;
  }

  private synthesize(f: Fill): Tracked {
    const order: Order = {
      id: f.orderId,
      clientId: f.clientId,
      symbol: f.symbol,
      side: f.side,
      type: 'market',
      qty: f.qty,
      reduceOnly: f.reduceOnly,
      status: 'open',
      filledQty: f.qty.mul(0),
      avgFillPrice: null,
      createdAt: f.ts,
      updatedAt: f.ts,
    };
    const t = { order, seenResting: false, missing: 0 };
    this.tracked.set(f.orderId, t);
    return t;
  }
}

/**
 * The broker the live Trader talks to: the venue's broker, with every accepted order tracked by the
 * {@link OrderEventSource} and a successful cancel reported as `order_cancelled` at once — the simulator's
 * behaviour, so the Trader sees the same event sequence in both. `beforeSend` runs before any order or
 * cancel leaves: the runner commits its queued store writes there, so the write-ahead intent of an order
 * is on disk before the order is (a crash in between leaves a pending intent, never an unknown order).
 */
export class TrackingBroker implements Broker {
  constructor(
    readonly venue: Broker,
    private readonly events: OrderEventSource,
    private readonly now: () => number,
    private readonly beforeSend: () => Promise<void> = async () => {},
  ) {}

  instruments(): Promise<Instrument[]> {
    return this.venue.instruments();
  }
  async submitOrder(req: OrderRequest): Promise<Order> {
    await this.beforeSend();
    const o = await this.venue.submitOrder(req);
    this.events.track(o);
    return o;
  }
  async cancelOrder(symbol: SymbolId, orderId: string): Promise<void> {
    await this.beforeSend();
    await this.venue.cancelOrder(symbol, orderId);
    this.events.cancelled(orderId, this.now());
  }
  openOrders(symbol?: SymbolId): Promise<Order[]> {
    return this.venue.openOrders(symbol);
  }
  positions(): Promise<Position[]> {
    return this.venue.positions();
  }
  account(): Promise<Account> {
    return this.venue.account();
  }
  fills(sinceTs: number): Promise<Fill[]> {
    return this.venue.fills(sinceTs);
  }
  ticker(symbol: SymbolId): Promise<Ticker> {
    return this.venue.ticker(symbol);
  }
}
