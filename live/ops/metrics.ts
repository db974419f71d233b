import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Account } from '../../engine/broker.ts';
import type { Clock } from '../../engine/clock.ts';
import type { SystemState } from '../../engine/safety/types.ts';
import type { AlertEvents } from '../alerts/alerter.ts';
import type { Alert, AlertInput } from '../alerts/types.ts';
import type { CycleReport } from './cycle.ts';

const STATES: readonly SystemState[] = ['NORMAL', 'DEGRADED', 'HALTED'];

export interface OpsMetricsOptions {
  /** For "seconds since" gauges, read at scrape time. */
  readonly clock: Clock;
  /** Also export Node process metrics (`smc_process_…`, `smc_nodejs_…`: memory, event-loop lag, GC). */
  readonly processMetrics?: boolean;
}

/**
 * The Prometheus metrics of a live run, on a registry of their own (never prom-client's global one, so
 * two runners or a test suite never share counters). The runner feeds it through {@link recordCycle},
 * {@link recordOrder} and {@link recordReconciliation}; the Alerter through {@link alertEvents}.
 *
 * | metric | type | meaning |
 * |---|---|---|
 * | smc_cycle_duration_seconds | histogram | tick duration |
 * | smc_cycles_total | counter | ticks completed (= CYCLE_SUMMARY lines) |
 * | smc_positions | gauge | active managed positions |
 * | smc_universe_size, smc_cooldowns_active | gauge | as in CYCLE_SUMMARY |
 * | smc_margin_utilization | gauge | margin used / equity (0..1) |
 * | smc_equity_usd | gauge | account equity |
 * | smc_system_state{state} | gauge | 1 for the current state (NORMAL/DEGRADED/HALTED), else 0 |
 * | smc_orders_sent_total{type}, smc_orders_failed_total{kind} | counter | order submissions |
 * | smc_alerts_sent_total{type,sink}, smc_alerts_dropped_total{type,reason}, smc_alerts_suppressed_total{type}, smc_alerts_failed_total{type,sink} | counter | alert delivery |
 * | smc_alert_queue_length | gauge | alerts waiting |
 * | smc_seconds_since_reconciliation | gauge | since the last successful reconciliation (since start if none yet) |
 * | smc_seconds_since_last_cycle | gauge | since the last completed tick (since start if none yet) |
 */
export class OpsMetrics {
  readonly registry = new Registry();
  readonly cycleDuration: Histogram;
  readonly cycles: Counter;
  readonly positions: Gauge;
  readonly universe: Gauge;
  readonly cooldowns: Gauge;
  readonly marginUtilization: Gauge;
  readonly equity: Gauge;
  readonly systemState: Gauge<'state'>;
  readonly ordersSent: Counter<'type'>;
  readonly ordersFailed: Counter<'kind'>;
  readonly alertsSent: Counter<'type' | 'sink'>;
  readonly alertsDropped: Counter<'type' | 'reason'>;
  readonly alertsSuppressed: Counter<'type'>;
  readonly alertsFailed: Counter<'type' | 'sink'>;
  readonly alertQueue: Gauge;
  private readonly startedAt: number;
  private lastReconciliationAt: number | null = null;
  private lastCycleAt: number | null = null;

  constructor(opts: OpsMetricsOptions) {
    const registers = [this.registry];
    const clock = opts.clock;
    this.startedAt = clock.now();
    this.cycleDuration = new Histogram({
      name: 'smc_cycle_duration_seconds',
      help: 'Duration of one live tick',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
      registers,
    });
    this.cycles = new Counter({
      name: 'smc_cycles_total',
      help: 'Ticks completed (one CYCLE_SUMMARY each)',
      registers,
    });
    this.positions = new Gauge({ name: 'smc_positions', help: 'Active managed positions', registers });
    this.universe = new Gauge({
      name: 'smc_universe_size',
      help: 'Symbols in the traded universe',
      registers,
    });
    this.cooldowns = new Gauge({
      name: 'smc_cooldowns_active',
      help: 'Symbols in their signal cooldown',
      registers,
    });
    this.marginUtilization = new Gauge({
      name: 'smc_margin_utilization',
      help: 'Margin used / equity (0..1); the kill switch fires at 0.92',
      registers,
    });
    this.equity = new Gauge({ name: 'smc_equity_usd', help: 'Account equity (USD)', registers });
    this.systemState = new Gauge({
      name: 'smc_system_state',
      help: '1 for the current system state, 0 for the others',
      labelNames: ['state'],
      registers,
    });
    for (const s of STATES) this.systemState.set({ state: s }, s === 'NORMAL' ? 1 : 0);
    this.ordersSent = new Counter({
      name: 'smc_orders_sent_total',
      help: 'Orders the venue accepted',
      labelNames: ['type'],
      registers,
    });
    this.ordersFailed = new Counter({
      name: 'smc_orders_failed_total',
      help: 'Order submissions that failed, by error kind',
      labelNames: ['kind'],
      registers,
    });
    this.alertsSent = new Counter({
      name: 'smc_alerts_sent_total',
      help: 'Alerts delivered',
      labelNames: ['type', 'sink'],
      registers,
    });
    this.alertsDropped = new Counter({
      name: 'smc_alerts_dropped_total',
      help: 'Alerts dropped: queue_full (evicted for newer ones) or shutdown (undelivered at stop)',
      labelNames: ['type', 'reason'],
      registers,
    });
    this.alertsSuppressed = new Counter({
      name: 'smc_alerts_suppressed_total',
      help: 'Alerts suppressed by the per-type 5 min rate limit',
      labelNames: ['type'],
      registers,
    });
    this.alertsFailed = new Counter({
      name: 'smc_alerts_failed_total',
      help: 'Alerts a sink did not take after every retry',
      labelNames: ['type', 'sink'],
      registers,
    });
    this.alertQueue = new Gauge({
      name: 'smc_alert_queue_length',
      help: 'Alerts waiting for delivery',
      registers,
    });
    const sinceSeconds = (t: number | null) => (clock.now() - (t ?? this.startedAt)) / 1000;
    const recon: Gauge = new Gauge({
      name: 'smc_seconds_since_reconciliation',
      help: 'Seconds since the last successful reconciliation with the exchange (since start if none yet)',
      registers,
      collect: () => recon.set(sinceSeconds(this.lastReconciliationAt)),
    });
    const sinceCycle: Gauge = new Gauge({
      name: 'smc_seconds_since_last_cycle',
      help: 'Seconds since the last completed tick (since start if none yet)',
      registers,
      collect: () => sinceCycle.set(sinceSeconds(this.lastCycleAt)),
    });
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'smc_' });
  }

  /** Once per tick, with the CYCLE_SUMMARY values. */
  recordCycle(r: CycleReport): void {
    this.cycleDuration.observe(r.durationMs / 1000);
    this.cycles.inc();
    this.positions.set(r.positions);
    this.universe.set(r.universe);
    this.cooldowns.set(r.cooldownsActive);
    for (const s of STATES) this.systemState.set({ state: s }, s === r.systemState ? 1 : 0);
    if (r.account !== undefined) this.recordAccount(r.account);
    if (r.lastReconciliationAt !== undefined && r.lastReconciliationAt !== null) {
      this.lastReconciliationAt = r.lastReconciliationAt;
    }
    this.lastCycleAt = r.at;
  }

  recordAccount(a: Account): void {
    this.marginUtilization.set(a.marginUtilization);
    this.equity.set(a.equity.toNumber());
  }

  recordReconciliation(at: number): void {
    this.lastReconciliationAt = at;
  }

  /** One order submission: accepted (`ok`) or the BrokerError kind it failed with. */
  recordOrder(type: string, outcome: 'ok' | string): void {
    if (outcome === 'ok') this.ordersSent.inc({ type });
    else this.ordersFailed.inc({ kind: outcome });
  }

  /** The Alerter's counters, as labelled Prometheus counters. */
  readonly alertEvents: AlertEvents = {
    sent: (a: Alert, sink: string) => this.alertsSent.inc({ type: a.type, sink }),
    dropped: (a: Alert, reason: 'queue_full' | 'shutdown') =>
      this.alertsDropped.inc({ type: a.type, reason }),
    suppressed: (a: AlertInput) => this.alertsSuppressed.inc({ type: a.type }),
    failed: (a: Alert, sink: string) => this.alertsFailed.inc({ type: a.type, sink }),
    queueLength: (n: number) => this.alertQueue.set(n),
  };

  /** The exposition text of `/metrics`. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
