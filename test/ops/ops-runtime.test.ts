import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account, Broker, Instrument, Position } from '../../engine/broker.ts';
import { SimulatedClock } from '../../engine/clock.ts';
import { RecordingLogger, silentLogger } from '../../engine/log.ts';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import { DEFAULT_POSITIONS_CONFIG } from '../../engine/positions/config.ts';
import { openPosition } from '../../engine/positions/fsm.ts';
import type { ManagedPosition } from '../../engine/positions/types.ts';
import type { ObservableStore } from '../../live/ops/observe.ts';
import { Ops } from '../../live/ops/runtime.ts';
import { readStatusFile } from '../../live/ops/status-file.ts';
import { FakeTelegramApi } from '../../live/telegram/fake/server.ts';

const TOKEN = '424242:AAEfakeTokenForOpsRuntimeTests_q1';
const CHAT = 1_000_001;
const T0 = Date.UTC(2026, 1, 8, 12);
const d = (x: string | number) => new Decimal(x);

const instrument: Instrument = {
  symbol: 'BTC',
  venueSymbol: 'PF_XBTUSD',
  tickSize: d('0.5'),
  qtyStep: d('0.0001'),
  minQty: d('0.0001'),
  maxLeverage: 50,
};

function position(id: string, symbol: string, at: number, state: ManagedPosition['state']): ManagedPosition {
  const t = openPosition(
    {
      id,
      symbol,
      side: 'long',
      qty: d('0.1'),
      stop: d('58000'),
      takeProfits: [d('62000'), d('64000'), null],
    },
    {
      now: at,
      instrument: { ...instrument, symbol },
      config: DEFAULT_POSITIONS_CONFIG,
      logger: silentLogger,
    },
  );
  if (state === 'PENDING') return t.position;
  return {
    ...t.position,
    state,
    avgEntryPrice: d('60000'),
    filledQty: d('0.1'),
    remainingQty: d('0.1'),
    openedAt: at,
    updatedAt: at,
  };
}

const account: Account = {
  equity: d('20500'),
  balance: d('20000'),
  marginUsed: d('1230'),
  availableMargin: d('19270'),
  marginUtilization: 0.06,
};

const btc: Position = {
  symbol: 'BTC',
  side: 'long',
  qty: d('0.1'),
  entryPrice: d('60000'),
  currentMarkPrice: d('65000'),
  unrealizedPnl: d('500'),
  margin: d('1230'),
  leverage: 5,
};

/** The broker calls a runner makes; only what the test needs. */
function broker(): Broker {
  return {
    instruments: async () => [instrument],
    submitOrder: async () => {
      throw new Error('not in this test');
    },
    cancelOrder: async () => {},
    openOrders: async () => [],
    positions: async () => [btc],
    account: async () => account,
    fills: async () => [],
    ticker: async () => ({ symbol: 'BTC', bid: d(1), ask: d(1), last: d(1), mark: d(1), ts: 0 }),
  };
}

describe('Ops assembled as the live runner uses it (fake Telegram, real HTTP)', () => {
  let fake: FakeTelegramApi;
  let dir: string;
  let ops: Ops | null = null;

  beforeEach(async () => {
    fake = new FakeTelegramApi({ token: TOKEN });
    await fake.start();
    dir = await mkdtemp(join(tmpdir(), 'smc-ops-'));
  });

  afterEach(async () => {
    await ops?.stop(1000);
    ops = null;
    await fake.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('alerts, commands, metrics, health and the status file follow what the loop does', async () => {
    const clock = new SimulatedClock(T0);
    const logger = new RecordingLogger();
    const statusFile = join(dir, 'live.status.json');
    ops = new Ops({
      clock,
      logger,
      env: {
        ALERT_WEBHOOK_URL: `${fake.apiRoot}/bot${TOKEN}/sendMessage`, // the seed's convention
        ALERT_CHAT_ID: String(CHAT),
      },
      expectedIntervalMs: 60_000,
      metricsPort: 0,
      statusFile,
      logCycleSummary: true,
      dailySummaryPollMs: 0,
      telegramPollTimeoutS: 1,
      processMetrics: false,
    });
    expect(ops.settings.telegram?.apiRoot).toBe(fake.apiRoot);
    await ops.start();

    // the runner's startup: restored positions are known, not new
    const restored = position('p0', 'ETH', T0 - 3_600_000, 'OPEN');
    const store = ops.observeStore<ObservableStore>({
      loadPositions: async () => [restored],
      savePosition: async () => {},
      recordTrade: async () => true,
    });
    const b = ops.observeBroker(broker());
    await store.loadPositions();
    await store.savePosition({ ...restored, updatedAt: T0 }); // re-saved at reconciliation: no alert

    // a tick: account/positions read, a new position fills, an old one closes, the kill switch fires
    await b.account();
    await b.positions();
    await store.savePosition(position('p1', 'BTC', T0, 'PENDING'));
    await store.savePosition(position('p1', 'BTC', T0, 'OPEN'));
    await store.savePosition({ ...position('p1', 'BTC', T0, 'OPEN'), stopOrderId: 'o9' }); // same position, later change
    const closed: TradeRecord = {
      strategyId: 'smc',
      symbol: 'ETH',
      side: 'long',
      entryTs: T0 - 3_600_000,
      exitTs: T0,
      entryPrice: '3000',
      exitPrice: '3100',
      qty: '1',
      fees: '2',
      funding: '0',
      pnl: '100',
      netPnl: '98',
      exitReason: 'take_profit',
    };
    await store.recordTrade(closed);
    ops.engineLogger.error(
      { reason: 'MANUAL', detail: 'operator', urgent: true },
      'Kill switch active: trading halted',
    );
    for (let c = 1; c <= 3; c++) {
      clock.advanceTo(T0 + c * 60_000);
      ops.onCycle({
        cycle: c,
        durationMs: 250,
        positions: 1,
        universe: 45,
        systemState: 'NORMAL',
        cooldownsActive: 2,
        at: clock.now(),
        lastReconciliationAt: T0 + 60_000,
      });
    }

    await ops.alerter.idle();
    expect(fake.sent.map((m) => m.text.split('\n')[0])).toEqual([
      '🚨 [KILL_SWITCH] Kill switch activated (MANUAL)',
      '[NEW_POSITION] BTC LONG opened',
      '[POSITION_CLOSED] ETH LONG closed ✅ +$98.00',
    ]);

    // /status answers from what the loop read: no exchange request of its own
    fake.userMessage({ id: CHAT }, '/status');
    const answers = await fake.waitForSent(4, CHAT);
    expect(answers[3].text.split('\n')).toEqual([
      '📊 Status: NORMAL',
      'Equity: $20,500.00',
      'Margin used: 6.0% ($1,230.00)',
      'Unrealised P&L: +$500.00',
      'Positions: 1 · Universe: 45',
      'Cycle: 3 (0m ago) · Cooldowns: 2',
    ]);
    fake.userMessage({ id: CHAT }, '/trades');
    const [, , , , trades] = await fake.waitForSent(5, CHAT);
    expect(trades.text).toContain('✅ ETH long +$98.00 · 1h 0m · take_profit');

    // /metrics cycle count = CYCLE_SUMMARY lines; /healthz 200 while ticking
    const metrics = await (await fetch(`${ops.serverUrl}/metrics`)).text();
    const summaries = logger.records.filter((r) => r.msg.startsWith('CYCLE_SUMMARY ')).length;
    expect(summaries).toBe(3);
    expect(metrics).toContain(`smc_cycles_total ${summaries}\n`);
    expect(metrics).toContain('smc_equity_usd 20500\n');
    expect(metrics).toContain('smc_seconds_since_reconciliation 120\n');
    expect(metrics).toMatch(/smc_alerts_sent_total\{type="KILL_SWITCH",sink="telegram"\} 1/);
    const health = await fetch(`${ops.serverUrl}/healthz`);
    expect(health.status).toBe(200);

    // the status file `smc status` reads (rewritten each tick; once more now that alerts are out)
    ops.statusWriter?.request();
    await ops.statusWriter?.settled();
    const snap = await readStatusFile(statusFile);
    expect(snap?.status).toMatchObject({ equity: '20500', cycle: 3, positions: 1, universe: 45 });
    expect(snap?.positions.map((p) => `${p.symbol} ${p.unrealized_pnl}`)).toEqual(['BTC 500']);
    expect(snap?.recent_trades.map((t) => t.symbol)).toEqual(['ETH']);
    expect(snap?.alerts).toMatchObject({ sinks: ['telegram'], sent: 3 });
  });

  it('no sink configured: alerts are logged, one `Alert (no webhook configured)` line, no bot', async () => {
    const logger = new RecordingLogger();
    ops = new Ops({
      clock: new SimulatedClock(T0),
      logger,
      env: {},
      expectedIntervalMs: 60_000,
      dailySummaryPollMs: 0,
      processMetrics: false,
    });
    await ops.start();
    expect(ops.bot).toBeNull();
    for (let i = 0; i < 3; i++) ops.engineLogger.error({ reason: 'MANUAL' }, 'SYSTEM_HALTED');
    expect(logger.records.filter((r) => r.msg === 'Alert (no webhook configured)')).toHaveLength(1);
    expect(logger.records.filter((r) => r.msg.startsWith('ALERT SYSTEM_HALTED'))).toHaveLength(3);
    expect(logger.records.find((r) => r.msg === 'Ops started')?.obj).toMatchObject({
      alert_sinks: 'none (alerts are only logged)',
    });
  });
});
