import type { AddressInfo } from 'node:net';
import { Decimal } from 'decimal.js';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../engine/clock.ts';
import { RecordingLogger } from '../../engine/log.ts';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import type { ManagedPosition } from '../../engine/positions/types.ts';
import type { Sleep } from '../../live/alerts/alerter.ts';
import { Ops } from '../../live/ops/runtime.ts';

type Mode = 'up' | '5xx' | 'timeout';

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A webhook receiver that is up, answers 503, or never answers. */
async function webhook(mode: Mode): Promise<{ app: FastifyInstance; url: string; received: unknown[] }> {
  const received: unknown[] = [];
  const app = Fastify({ logger: false, forceCloseConnections: true });
  app.post('/hook', async (req, reply) => {
    received.push(req.body);
    if (mode === 'timeout') return reply; // hangs until the client gives up
    return reply.code(mode === 'up' ? 204 : 503).send();
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/hook`, received };
}

/** Retries wait until shutdown: with the sink down the worker stays stuck, as with a long backoff. */
const waitForShutdown: Sleep = (_ms, signal) =>
  new Promise((_resolve, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
  );

function trade(i: number): TradeRecord {
  return {
    strategyId: 'smc',
    symbol: `S${i}`,
    side: 'long',
    entryTs: 0,
    exitTs: 1,
    entryPrice: '1',
    exitPrice: '1.1',
    qty: '1',
    fees: '0',
    funding: '0',
    pnl: '0.1',
    netPnl: '0.1',
    exitReason: 'take_profit',
  };
}

interface RunResult {
  trades: string[];
  cycles: number;
  maxQueue: number;
  syncReturns: boolean;
  stats: ReturnType<Ops['alerter']['stats']>;
  metrics: string;
  summaries: number;
}

const CYCLES = 30;
const CAPACITY = 5;
/** A NAKED warning per cycle (60 s apart) passes the 5-minute limit every 5th cycle. */
const NAKED_ALERTS = Math.ceil(CYCLES / 5);
/** Every cycle's POSITION_CLOSED (one symbol each) plus the NAKED warnings that pass the limit. */
const ALERTS = CYCLES + NAKED_ALERTS;

/**
 * A paper loop's ops traffic: each cycle closes a trade (POSITION_CLOSED through the observed store),
 * logs an alerting engine event, and reports the cycle. Nothing of it may wait on the alert sink.
 */
async function run(mode: Mode, servers: FastifyInstance[]): Promise<RunResult> {
  const hook = await webhook(mode);
  servers.push(hook.app);
  const clock = new SimulatedClock(Date.UTC(2026, 1, 8, 12));
  const logger = new RecordingLogger();
  const ops = new Ops({
    clock,
    logger,
    settings: {
      telegram: null,
      webhook: { url: hook.url, format: 'json' },
      queueCapacity: CAPACITY,
      rateWindowMs: 300_000,
      commands: false,
    },
    alerter: { sleep: waitForShutdown },
    expectedIntervalMs: 60_000,
    metricsPort: 0,
    dailySummaryPollMs: 0,
    processMetrics: false,
    logCycleSummary: true,
  });
  await ops.start();
  const stored: string[] = [];
  const store = ops.observeStore({
    loadPositions: async (): Promise<ManagedPosition[]> => [],
    savePosition: async () => {},
    recordTrade: async (t: TradeRecord) => {
      stored.push(t.symbol);
      return true;
    },
  });
  let maxQueue = 0;
  let syncReturns = true;
  for (let c = 1; c <= CYCLES; c++) {
    clock.advanceTo(clock.now() + 60_000);
    // the trading action of the cycle: never conditional on alert delivery
    await store.recordTrade(trade(c));
    const logged: unknown = ops.engineLogger.warn(
      { symbols: [`S${c}`], consecutive: 1 },
      'NAKED_POSITIONS_DETECTED (first occurrence)',
    );
    const reported: unknown = ops.onCycle({
      cycle: c,
      durationMs: 100,
      positions: 0,
      universe: 45,
      systemState: 'NORMAL',
      cooldownsActive: 0,
      at: clock.now(),
      account: {
        equity: new Decimal(1000),
        balance: new Decimal(1000),
        marginUsed: new Decimal(0),
        availableMargin: new Decimal(1000),
        marginUtilization: 0,
      },
    });
    // enqueueing is synchronous: nothing handed back to await
    if (logged !== undefined || reported !== undefined) syncReturns = false;
    maxQueue = Math.max(maxQueue, ops.alerter.pending);
    // time passes between ticks (a minute in live): a working sink catches up, a dead one does not
    await Promise.race([ops.alerter.idle(), delay(25)]);
  }
  if (mode === 'up') await ops.alerter.idle();
  const res = await fetch(`${ops.serverUrl}/metrics`);
  const metrics = await res.text();
  const stats = ops.alerter.stats();
  await ops.stop(50);
  return {
    trades: stored,
    cycles: CYCLES,
    maxQueue,
    syncReturns,
    stats,
    metrics,
    summaries: logger.records.filter((r) => r.msg.startsWith('CYCLE_SUMMARY ')).length,
  };
}

function sum(metrics: string, prefix: string): number {
  return metrics
    .split('\n')
    .filter((l) => l.startsWith(prefix))
    .reduce((acc, l) => acc + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('with the alert sink down, the trading loop never waits and drops are counted in /metrics', () => {
  const servers: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('sink up: every alert is delivered, nothing dropped', async () => {
    const r = await run('up', servers);
    expect(r.trades).toHaveLength(CYCLES);
    expect(r.syncReturns).toBe(true);
    expect(r.stats).toMatchObject({ sent: ALERTS, dropped: 0, failed: 0, suppressed: CYCLES - NAKED_ALERTS });
    expect(sum(r.metrics, 'smc_alerts_sent_total{')).toBe(ALERTS);
    expect(sum(r.metrics, 'smc_alerts_dropped_total{')).toBe(0);
    expect(sum(r.metrics, 'smc_cycles_total')).toBe(r.summaries);
  });

  it.each(['5xx', 'timeout'] as const)(
    'sink %s: same trading actions, bounded queue, drops counted',
    async (mode) => {
      const up = await run('up', servers);
      const down = await run(mode, servers);
      // no trading action lost: the loop did exactly what it did with the sink up
      expect(down.trades).toEqual(up.trades);
      expect(down.summaries).toBe(CYCLES);
      expect(down.syncReturns).toBe(true);
      // the worker is stuck on the first alert; the queue stays within its bound
      expect(down.maxQueue).toBe(CAPACITY);
      expect(down.stats.sent).toBe(0);
      // 1 alert stuck in flight, CAPACITY queued at the end, the rest evicted while the loop ran
      expect(sum(down.metrics, 'smc_alerts_dropped_total{')).toBe(ALERTS - 1 - CAPACITY);
      expect(
        sum(down.metrics, 'smc_alerts_dropped_total{type="POSITION_CLOSED",reason="queue_full"}'),
      ).toBeGreaterThan(0);
      expect(sum(down.metrics, 'smc_alert_queue_length')).toBe(CAPACITY);
      expect(sum(down.metrics, 'smc_cycles_total')).toBe(CYCLES);
    },
  );
});
