import type { Decimal } from 'decimal.js';
import type { Timeframe } from '../data/timeframes.ts';
import type {
  BrokerErrorKind,
  Fill,
  Order,
  OrderRequest,
  PositionSide,
  Symbol as SymbolId,
} from './broker.ts';

/**
 * The engine's typed events (SPEC §1 `events`) and their one total order: by time `ts` (UTC ms), then by
 * `seq`, a number drawn from one {@link SequenceSource} per run. Two events never share a `seq`, so any
 * set of events sorts the same way on every machine — the ordering half of "same inputs, same run".
 *
 * Brokers emit the order and account events; the backtest loop and the live runner emit candle and timer
 * events. Every event is an immutable record: payload objects (orders, fills) are snapshots taken when
 * the event happened.
 */

interface EventBase {
  /** When it happened, UTC ms. Fills inside a simulated bar carry synthetic times (engine/sim/intrabar). */
  readonly ts: number;
  /** Tie-breaker within one `ts`: strictly increasing in emission order. */
  readonly seq: number;
}

/** A base bar closed: `ts` is its close time, the first instant its values may be used (SPEC §2). */
export interface CandleClosedEvent extends EventBase {
  readonly kind: 'candle_closed';
  readonly symbol: SymbolId;
  readonly timeframe: Timeframe;
  /** Bar open time; `ts` is `openTs` plus the timeframe. */
  readonly openTs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface OrderAcceptedEvent extends EventBase {
  readonly kind: 'order_accepted';
  readonly order: Order;
}

export interface OrderPartiallyFilledEvent extends EventBase {
  readonly kind: 'order_partially_filled';
  /** The order after this fill. */
  readonly order: Order;
  readonly fill: Fill;
}

export interface OrderFilledEvent extends EventBase {
  readonly kind: 'order_filled';
  readonly order: Order;
  /** The fill that completed the order. */
  readonly fill: Fill;
}

/**
 * Why an order left the book without filling completely.
 * - `requested`: the client cancelled it.
 * - `reduce_only`: a reduce-only order reached execution while it would not reduce the position (flat, or
 *   the position's side matches the order's side) — Kraken's `wouldNotReducePosition`.
 * - `reduce_only_residual`: a reduce-only order larger than the position closed it; the rest was cancelled.
 * - `insufficient_margin`: at execution the opening part needed more initial margin than was available.
 * - `liquidation`: the position of its symbol was liquidated.
 */
export type CancelReason =
  | 'requested'
  | 'reduce_only'
  | 'reduce_only_residual'
  | 'insufficient_margin'
  | 'liquidation';

export interface OrderCancelledEvent extends EventBase {
  readonly kind: 'order_cancelled';
  readonly order: Order;
  readonly reason: CancelReason;
}

/** An order refused at submission; the broker also throws a BrokerError of the same kind. */
export interface OrderRejectedEvent extends EventBase {
  readonly kind: 'order_rejected';
  readonly request: OrderRequest;
  readonly reason: BrokerErrorKind;
  readonly message: string;
}

/** A stop or take-profit order's trigger price was reached; it now executes as a market or limit order. */
export interface TriggerFiredEvent extends EventBase {
  readonly kind: 'trigger_fired';
  readonly order: Order;
  /** The trigger signal's price when it fired (the trigger price itself, or the gap price beyond it). */
  readonly price: number;
}

/** A funding payment on an open position. */
export interface FundingEvent extends EventBase {
  readonly kind: 'funding';
  readonly symbol: SymbolId;
  readonly side: PositionSide;
  readonly qty: Decimal;
  readonly markPrice: Decimal;
  /** Rate for the interval; positive means longs pay shorts. */
  readonly rate: Decimal;
  /** Signed effect on the balance: negative is a debit (paid), positive a credit (received). */
  readonly amount: Decimal;
}

/** A position was closed by the venue because equity fell below the maintenance margin. */
export interface LiquidationEvent extends EventBase {
  readonly kind: 'liquidation';
  readonly symbol: SymbolId;
  readonly side: PositionSide;
  readonly qty: Decimal;
  /** Mark price at which the position was closed. */
  readonly price: Decimal;
  readonly fill: Fill;
  /** Equity and maintenance margin just before the liquidation (float, for the record). */
  readonly equity: number;
  readonly maintenanceMargin: number;
}

/** A scheduled wake-up (reconciliation, daily reset, universe refresh…); `name` says which. */
export interface TimerEvent extends EventBase {
  readonly kind: 'timer';
  readonly name: string;
}

export type EngineEvent =
  | CandleClosedEvent
  | OrderAcceptedEvent
  | OrderPartiallyFilledEvent
  | OrderFilledEvent
  | OrderCancelledEvent
  | OrderRejectedEvent
  | TriggerFiredEvent
  | FundingEvent
  | LiquidationEvent
  | TimerEvent;

export type EngineEventKind = EngineEvent['kind'];

/** An event before it is given its sequence number. */
export type Unsequenced<E extends { seq: number }> = E extends unknown ? Omit<E, 'seq'> : never;

/** Hands out the `seq` numbers of one run: share one instance between every emitter of the run. */
export class SequenceSource {
  private n: number;
  constructor(start = 0) {
    this.n = start;
  }
  next(): number {
    return this.n++;
  }
  /** The number the next call will return. */
  peek(): number {
    return this.n;
  }
}

/** The stable order of events: time first, then sequence. */
export function compareEvents(a: { ts: number; seq: number }, b: { ts: number; seq: number }): number {
  return a.ts - b.ts || a.seq - b.seq;
}

/**
 * A priority queue of events ordered by ({@link compareEvents}): a binary heap, O(log n) per push and pop.
 * Ties cannot occur because `seq` is unique, so the pop order is the same whatever the push order.
 */
export class EventQueue<E extends { ts: number; seq: number } = EngineEvent> {
  private readonly heap: E[] = [];
  readonly sequence: SequenceSource;

  constructor(sequence: SequenceSource = new SequenceSource()) {
    this.sequence = sequence;
  }

  get size(): number {
    return this.heap.length;
  }

  /** Adds an event that already has its `seq`. */
  push(e: E): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (compareEvents(h[p], h[i]) <= 0) break;
      const t = h[p];
      h[p] = h[i];
      h[i] = t;
      i = p;
    }
  }

  /** Stamps the event with the next `seq` of this queue's source and adds it; returns the stamped event. */
  schedule(e: Unsequenced<E>): E {
    const stamped = { ...e, seq: this.sequence.next() } as unknown as E;
    this.push(stamped);
    return stamped;
  }

  peek(): E | undefined {
    return this.heap[0];
  }

  pop(): E | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop() as E;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < n && compareEvents(h[l], h[m]) < 0) m = l;
        if (r < n && compareEvents(h[r], h[m]) < 0) m = r;
        if (m === i) break;
        const t = h[m];
        h[m] = h[i];
        h[i] = t;
        i = m;
      }
    }
    return top;
  }

  /** Pops, in order, every event with `ts <= until`. */
  drainUntil(until: number): E[] {
    const out: E[] = [];
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.ts > until) return out;
      out.push(this.pop() as E);
    }
  }
}
