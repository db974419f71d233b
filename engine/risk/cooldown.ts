import type { Symbol as SymbolId } from '../broker.ts';

/**
 * Per-symbol signal cooldown (seed §3b Feature 2): once a symbol's signal fires, further signals of that
 * symbol are suppressed for `hours`. Belt and braces against the Bug 6 compounding, where the same signal
 * fired every cycle. A suppressed signal does not extend the cooldown ("when each symbol last signalled").
 */
export class SignalCooldown {
  private readonly last = new Map<SymbolId, number>();
  private readonly windowMs: number;

  constructor(hours: number, state?: Readonly<Record<SymbolId, number>>) {
    this.windowMs = hours * 3_600_000;
    if (state) for (const [s, t] of Object.entries(state)) this.last.set(s, t);
  }

  isActive(symbol: SymbolId, now: number): boolean {
    const t = this.last.get(symbol);
    return t !== undefined && now - t < this.windowMs;
  }

  /** Milliseconds until the symbol may signal again (0 when it may now). */
  remainingMs(symbol: SymbolId, now: number): number {
    const t = this.last.get(symbol);
    return t === undefined ? 0 : Math.max(0, t + this.windowMs - now);
  }

  record(symbol: SymbolId, now: number): void {
    this.last.set(symbol, now);
  }

  /**
   * The gate and the record in one step: false when the symbol is cooling down; otherwise records the
   * signal and returns true.
   */
  admit(symbol: SymbolId, now: number): boolean {
    if (this.isActive(symbol, now)) return false;
    this.record(symbol, now);
    return true;
  }

  /** `cooldowns_active` of CYCLE_SUMMARY. */
  activeCount(now: number): number {
    let n = 0;
    for (const t of this.last.values()) if (now - t < this.windowMs) n++;
    return n;
  }

  snapshot(): Record<SymbolId, number> {
    return Object.fromEntries([...this.last.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
