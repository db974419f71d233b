import { Decimal } from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../engine/clock.ts';
import { RecordingLogger } from '../../engine/log.ts';
import type { CycleReport } from './cycle.ts';
import { HealthMonitor } from './health.ts';
import { OpsMetrics } from './metrics.ts';
import { buildOpsApp, type OpsServer, startOpsServer } from './server.ts';

const T0 = Date.UTC(2026, 1, 8, 12);

function report(cycle: number, at: number, over: Partial<CycleReport> = {}): CycleReport {
  return {
    cycle,
    durationMs: 1500,
    positions: 2,
    universe: 45,
    systemState: 'NORMAL',
    cooldownsActive: 1,
    at,
    account: {
      equity: new Decimal('10000'),
      balance: new Decimal('9900'),
      marginUsed: new Decimal('2500'),
      availableMargin: new Decimal('7500'),
      marginUtilization: 0.25,
    },
    ...over,
  };
}

/** The value of one sample line of the Prometheus text, e.g. `smc_cycles_total`. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no sample ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

describe('ops HTTP endpoints', () => {
  let server: OpsServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('/metrics exposes the run on its own registry', async () => {
    const clock = new SimulatedClock(T0);
    const metrics = new OpsMetrics({ clock });
    const health = new HealthMonitor({ clock, expectedIntervalMs: 60_000 });
    const app = buildOpsApp({ metrics, health });
    for (let c = 1; c <= 3; c++) {
      clock.advanceTo(T0 + c * 60_000);
      metrics.recordCycle(report(c, clock.now(), c === 2 ? { lastReconciliationAt: clock.now() } : {}));
    }
    metrics.recordOrder('market', 'ok');
    metrics.recordOrder('stop', 'ok');
    metrics.recordOrder('limit', 'insufficient_funds');
    clock.advanceTo(T0 + 3 * 60_000 + 5_000);
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    expect(sample(text, 'smc_cycles_total')).toBe(3);
    expect(sample(text, 'smc_cycle_duration_seconds_count')).toBe(3);
    expect(sample(text, 'smc_cycle_duration_seconds_sum')).toBe(4.5);
    expect(sample(text, 'smc_positions')).toBe(2);
    expect(sample(text, 'smc_universe_size')).toBe(45);
    expect(sample(text, 'smc_margin_utilization')).toBe(0.25);
    expect(sample(text, 'smc_equity_usd')).toBe(10000);
    expect(sample(text, 'smc_system_state{state="NORMAL"}')).toBe(1);
    expect(sample(text, 'smc_system_state{state="HALTED"}')).toBe(0);
    expect(sample(text, 'smc_orders_sent_total{type="market"}')).toBe(1);
    expect(sample(text, 'smc_orders_failed_total{kind="insufficient_funds"}')).toBe(1);
    // last reconciliation at cycle 2 = T0+120 s; scraped at T0+185 s
    expect(sample(text, 'smc_seconds_since_reconciliation')).toBe(65);
    expect(sample(text, 'smc_seconds_since_last_cycle')).toBe(5);
    // a second registry does not share the counters (never prom-client's global one)
    const other = new OpsMetrics({ clock });
    expect(sample(await other.text(), 'smc_cycles_total')).toBe(0);
  });

  it('/healthz answers 200 while ticking, 503 with the reason when stale or halted', async () => {
    const clock = new SimulatedClock(T0);
    const metrics = new OpsMetrics({ clock });
    const health = new HealthMonitor({ clock, expectedIntervalMs: 60_000 });
    const app = buildOpsApp({ metrics, health });
    health.recordCycle(1, T0, 'NORMAL');
    let res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', cycle: 1, system_state: 'NORMAL' });
    clock.advanceTo(T0 + 181_000);
    res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'stale', reason: 'stale: last tick 181 s ago (limit 180 s)' });
    health.recordCycle(2, clock.now(), 'HALTED', 'DRAWDOWN_CRITICAL');
    res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().reason).toBe('halted: kill switch active (DRAWDOWN_CRITICAL)');
  });

  it('listens on loopback, port 0 = a free port, and validates the port', async () => {
    const clock = new SimulatedClock(T0);
    const logger = new RecordingLogger();
    const metrics = new OpsMetrics({ clock });
    const health = new HealthMonitor({ clock, expectedIntervalMs: 60_000 });
    server = await startOpsServer({ port: 0, metrics, health, logger });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(logger.has('Ops server listening')).toBe(true);
    await expect(startOpsServer({ port: 70_000, metrics, health, logger })).rejects.toThrow(/--metrics-port/);
  });
});
