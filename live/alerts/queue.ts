import { RingDeque } from './ring-deque.ts';
import type { Alert } from './types.ts';

/** What `AlertQueue.push` did: the alert it evicted to make room, if any. */
export interface PushResult {
  readonly dropped: Alert | null;
}

/**
 * The bounded alert backlog between the trading loop and the sinks. `push` is synchronous and O(1), so
 * raising an alert never waits on the network. Urgent alerts are delivered first (FIFO within each
 * class). When full, the oldest non-urgent alert is evicted; only when every queued alert is urgent does
 * the oldest urgent one go. Either way the caller learns what was dropped and counts it.
 */
export class AlertQueue {
  private readonly urgent = new RingDeque<Alert>();
  private readonly normal = new RingDeque<Alert>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`alert queue capacity must be an integer ≥ 1, got ${capacity}`);
    }
  }

  get length(): number {
    return this.urgent.length + this.normal.length;
  }

  push(a: Alert): PushResult {
    let dropped: Alert | null = null;
    if (this.length >= this.capacity) {
      if (this.normal.length > 0) dropped = this.normal.shift() ?? null;
      else if (a.urgent) dropped = this.urgent.shift() ?? null;
      else return { dropped: a }; // full of urgent alerts: the new non-urgent one is the oldest-priority
    }
    (a.urgent ? this.urgent : this.normal).push(a);
    return { dropped };
  }

  /** Next alert to deliver: urgent first. */
  shift(): Alert | undefined {
    return this.urgent.length > 0 ? this.urgent.shift() : this.normal.shift();
  }

  /** Queued alerts in delivery order (for shutdown reports and tests). */
  snapshot(): Alert[] {
    return [...this.urgent, ...this.normal];
  }
}
