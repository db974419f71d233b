import type { Clock } from '../../engine/clock.ts';
import type { SystemState } from '../../engine/safety/types.ts';

export interface HealthOptions {
  readonly clock: Clock;
  /** How often the loop is expected to complete a tick (ms). */
  readonly expectedIntervalMs: number;
  /** Stale after this many expected intervals without a tick (default 3). */
  readonly staleFactor?: number;
}

export type HealthStatus = 'ok' | 'starting' | 'stale' | 'halted';

export interface HealthReport {
  /** 200 for `ok`/`starting`, 503 for `stale`/`halted`. */
  readonly httpStatus: 200 | 503;
  readonly status: HealthStatus;
  /** One line a human reads in `curl /healthz` or an uptime monitor's alert. */
  readonly reason: string;
  readonly systemState: SystemState;
  readonly cycle: number;
  readonly lastCycleAt: number | null;
  /** Seconds since the last tick (since start before the first). */
  readonly ageS: number;
  readonly staleAfterS: number;
}

/**
 * Liveness of the trading loop for `/healthz`: healthy while ticks keep coming, unhealthy when the loop
 * is stale (no tick for `staleFactor` × the expected interval — stuck on a request, a dead event loop) or
 * the system is HALTED (the kill switch fired: a human must look). Before the first tick the same limit
 * counts from start, so a startup that hangs is reported too.
 */
export class HealthMonitor {
  private readonly clock: Clock;
  private readonly staleAfterMs: number;
  private readonly startedAt: number;
  private lastCycleAt: number | null = null;
  private cycle = 0;
  private systemState: SystemState = 'NORMAL';
  private haltReason: string | null = null;

  constructor(opts: HealthOptions) {
    if (!(opts.expectedIntervalMs > 0)) throw new Error('expectedIntervalMs must be > 0');
    this.clock = opts.clock;
    this.staleAfterMs = opts.expectedIntervalMs * (opts.staleFactor ?? 3);
    this.startedAt = opts.clock.now();
  }

  recordCycle(cycle: number, at: number, state: SystemState, haltReason: string | null = null): void {
    this.cycle = cycle;
    this.lastCycleAt = at;
    this.systemState = state;
    this.haltReason = haltReason;
  }

  check(): HealthReport {
    const now = this.clock.now();
    const since = this.lastCycleAt ?? this.startedAt;
    const ageMs = Math.max(0, now - since);
    const base = {
      systemState: this.systemState,
      cycle: this.cycle,
      lastCycleAt: this.lastCycleAt,
      ageS: ageMs / 1000,
      staleAfterS: this.staleAfterMs / 1000,
    };
    if (this.systemState === 'HALTED') {
      return {
        ...base,
        httpStatus: 503,
        status: 'halted',
        reason: `halted: kill switch active${this.haltReason ? ` (${this.haltReason})` : ''}`,
      };
    }
    if (ageMs > this.staleAfterMs) {
      return {
        ...base,
        httpStatus: 503,
        status: 'stale',
        reason:
          this.lastCycleAt === null
            ? `stale: no tick completed ${Math.round(ageMs / 1000)} s after start (limit ${this.staleAfterMs / 1000} s)`
            : `stale: last tick ${Math.round(ageMs / 1000)} s ago (limit ${this.staleAfterMs / 1000} s)`,
      };
    }
    if (this.lastCycleAt === null) {
      return { ...base, httpStatus: 200, status: 'starting', reason: 'starting: no tick completed yet' };
    }
    return {
      ...base,
      httpStatus: 200,
      status: 'ok',
      reason: `ok: last tick ${Math.round(ageMs / 1000)} s ago`,
    };
  }
}
