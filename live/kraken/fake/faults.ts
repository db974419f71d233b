import { z } from 'zod';

/**
 * Fault injection for the fake exchange, driven by tests and by the control API (`/_control/faults`).
 * Deterministic by design — counts, not probabilities — so a test that interrupts a download after
 * exactly N chart pages fails the same way every run.
 */

/** Which requests a fault applies to. `private` is reserved for live mode's authenticated endpoints. */
export const FaultScopeSchema = z.enum(['all', 'public', 'charts', 'private']);
export type FaultScope = z.infer<typeof FaultScopeSchema>;

export const FaultConfigSchema = z
  .object({
    /** Delay before every matching request is handled. */
    latencyMs: z.number().int().min(0).max(60_000).default(0),
    /** The next N matching requests fail. */
    failNext: z.number().int().min(0).default(0),
    /** After N matching requests have succeeded, every later one fails (until reset). */
    failAfter: z.number().int().min(0).nullable().default(null),
    /** How a failure looks: an HTTP error status with Kraken's error body, or a dropped connection. */
    failMode: z.enum(['status', 'drop']).default('status'),
    /** HTTP status of a `status` failure (5xx by default, 429 for rate limits). */
    errorStatus: z.number().int().min(400).max(599).default(503),
    scope: FaultScopeSchema.default('all'),
  })
  .strict();
export type FaultConfig = z.infer<typeof FaultConfigSchema>;
export type FaultConfigInput = z.input<typeof FaultConfigSchema>;

export type RouteKind = Exclude<FaultScope, 'all'>;

export type FaultDecision = { kind: 'pass' } | { kind: 'fail'; mode: 'status' | 'drop'; status: number };

export interface FaultStats {
  /** Requests seen per route kind (control requests are not counted). */
  requests: Record<RouteKind, number>;
  /** Requests that a fault failed, per route kind. */
  failed: Record<RouteKind, number>;
}

const zero = (): Record<RouteKind, number> => ({ public: 0, charts: 0, private: 0 });

export class FaultInjector {
  private config: FaultConfig;
  private succeeded = 0;
  private readonly counters: FaultStats = { requests: zero(), failed: zero() };

  constructor(initial: FaultConfigInput = {}) {
    this.config = FaultConfigSchema.parse(initial);
  }

  get current(): FaultConfig {
    return { ...this.config };
  }

  get stats(): FaultStats {
    return { requests: { ...this.counters.requests }, failed: { ...this.counters.failed } };
  }

  /** Replaces the fault configuration (unset fields go back to their defaults) and restarts `failAfter`. */
  set(input: FaultConfigInput): FaultConfig {
    this.config = FaultConfigSchema.parse(input);
    this.succeeded = 0;
    return this.current;
  }

  /** Clears every fault and the counters. */
  reset(): void {
    this.set({});
    this.counters.requests = zero();
    this.counters.failed = zero();
  }

  latencyFor(kind: RouteKind): number {
    return this.matches(kind) ? this.config.latencyMs : 0;
  }

  /** Called once per request, in arrival order: pass it, or fail it and how. */
  decide(kind: RouteKind): FaultDecision {
    this.counters.requests[kind]++;
    if (!this.matches(kind)) return { kind: 'pass' };
    const c = this.config;
    let fail = false;
    if (c.failNext > 0) {
      c.failNext--;
      fail = true;
    } else if (c.failAfter !== null && this.succeeded >= c.failAfter) {
      fail = true;
    }
    if (!fail) {
      this.succeeded++;
      return { kind: 'pass' };
    }
    this.counters.failed[kind]++;
    return { kind: 'fail', mode: c.failMode, status: c.errorStatus };
  }

  private matches(kind: RouteKind): boolean {
    return this.config.scope === 'all' || this.config.scope === kind;
  }
}
