import type { AlertInput } from './types.ts';

/** The seed's window: one alert per type per 5 minutes (§3b Feature 4). */
export const DEFAULT_RATE_WINDOW_MS = 5 * 60_000;

/**
 * One alert per key per window, urgent alerts always pass (seed `urgent=True`). The key is the alert
 * type, narrowed by `rateKey` when the caller gives one: position alerts pass the symbol, because the
 * seed's per-type limit reported only the first of two positions closed within 5 minutes — a lost trade
 * on the operator's phone. Every other type is limited per type exactly as in the seed.
 *
 * An urgent alert does not start a window: a later non-urgent alert of the type still goes out.
 */
export class AlertRateLimiter {
  private readonly lastSent = new Map<string, number>();

  constructor(private readonly windowMs: number = DEFAULT_RATE_WINDOW_MS) {
    if (!(windowMs >= 0)) throw new Error(`rate window must be ≥ 0 ms, got ${windowMs}`);
  }

  static keyOf(a: Pick<AlertInput, 'type' | 'rateKey'>): string {
    return a.rateKey === undefined ? a.type : `${a.type}:${a.rateKey}`;
  }

  /** True when the alert may go out at `now`; records it when it does. */
  admit(a: Pick<AlertInput, 'type' | 'rateKey' | 'urgent'>, now: number): boolean {
    if (a.urgent) return true;
    const key = AlertRateLimiter.keyOf(a);
    const last = this.lastSent.get(key);
    if (last !== undefined && now - last < this.windowMs) return false;
    this.lastSent.set(key, now);
    // Keys are types × symbols: bounded, but forget expired ones so a long run does not accumulate them.
    if (this.lastSent.size > 1024) {
      for (const [k, t] of this.lastSent) if (now - t >= this.windowMs) this.lastSent.delete(k);
    }
    return true;
  }
}
