import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../engine/log.ts';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import { DEFAULT_POSITIONS_CONFIG } from '../../engine/positions/config.ts';
import { openPosition } from '../../engine/positions/fsm.ts';
import { OpsState } from '../../live/ops/ops-state.ts';
import { buildStatusSnapshot, statusFilePathFor, writeStatusFile } from '../../live/ops/status-file.ts';
import { formatSnapshotReport, formatStoreReport, readStoreReport } from '../../live/ops/status-report.ts';
import { LiveStore } from '../../live/store/live-store.ts';
import { smcBinary } from '../kit/cli.ts';

const smc = (args: string[]) => smcBinary(args, { env: { SMC_LIVE_STORE: undefined } });
const T = Date.UTC(2026, 1, 8, 12);
const d = (x: string) => new Decimal(x);

const trade: TradeRecord = {
  strategyId: 'smc',
  symbol: 'ETH',
  side: 'short',
  entryTs: T - 2 * 3_600_000,
  exitTs: T - 3_600_000,
  entryPrice: '3000',
  exitPrice: '2950',
  qty: '1',
  fees: '1',
  funding: '0',
  pnl: '50',
  netPnl: '49',
  exitReason: 'take_profit',
};

async function snapshot(now: number) {
  const state = new OpsState();
  state.recordTrade(trade);
  state.update({
    cycle: 42,
    durationMs: 700,
    positions: 1,
    universe: 45,
    systemState: 'NORMAL',
    cooldownsActive: 1,
    at: now - 5_000,
    lastReconciliationAt: now - 65_000,
    account: {
      equity: d('12000'),
      balance: d('11900'),
      marginUsed: d('600'),
      availableMargin: d('11400'),
      marginUtilization: 0.05,
    },
    exchangePositions: [
      {
        symbol: 'BTC',
        side: 'long',
        qty: d('0.05'),
        entryPrice: d('60000'),
        currentMarkPrice: d('62000'),
        unrealizedPnl: d('100'),
        margin: d('600'),
        leverage: 5,
      },
    ],
  });
  return buildStatusSnapshot({
    data: state,
    health: {
      httpStatus: 200,
      status: 'ok',
      reason: 'ok: last tick 5 s ago',
      systemState: 'NORMAL',
      cycle: 42,
      lastCycleAt: now - 5_000,
      ageS: 5,
      staleAfterS: 180,
    },
    alerts: { queued: 0, sent: 7, dropped: 0, suppressed: 1, failed: 0, sinks: ['telegram'] },
    now,
  });
}

describe('smc status: the live state without touching the exchange', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smc-status-cli-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('from the status file: the same numbers /status and /metrics show', async () => {
    const snap = await snapshot(T);
    const text = formatSnapshotReport(snap, snap.wall_time + 90_000, true);
    expect(text.split('\n')).toEqual([
      `smc live status — runner running (pid ${process.pid}), status written 1m ago (run clock 2026-02-08 12:00 UTC)`,
      'State:       NORMAL · health ok: last tick 5 s ago',
      'Equity:      $12,000.00 · margin used 5.0% ($600.00) · uPnL +$100.00',
      'Loop:        cycle 42 (last tick 0m before) · positions 1 · universe 45 · cooldowns 1',
      'Reconciled:  1m before',
      'Alerts:      telegram · sent 7 · dropped 0 · suppressed 1 · failed 0 · queued 0',
      '',
      '📈 Open positions (1, uPnL +$100.00)',
      'BTC LONG 0.05 @ 60000 → mark 62000 · 5x',
      '  P&L +$100.00 (+3.33%)',
      '',
      '🧾 Last 1 closed trade',
      '✅ ETH short +$49.00 · 1h 0m · take_profit',
      '1W / 0L · net +$49.00',
    ]);
  });

  it('from the store when there is no status file (runner stopped)', async () => {
    const path = join(dir, 'live.duckdb');
    const store = await LiveStore.open(path);
    const p = openPosition(
      { id: 'p1', symbol: 'BTC', side: 'long', qty: d('0.05'), stop: d('58000'), takeProfits: [] },
      {
        now: T,
        instrument: {
          symbol: 'BTC',
          venueSymbol: 'PF_XBTUSD',
          tickSize: d('0.5'),
          qtyStep: d('0.0001'),
          minQty: d('0.0001'),
          maxLeverage: 50,
        },
        config: DEFAULT_POSITIONS_CONFIG,
        logger: silentLogger,
      },
    ).position;
    await store.savePosition({
      ...p,
      state: 'OPEN',
      avgEntryPrice: d('60000'),
      filledQty: d('0.05'),
      remainingQty: d('0.05'),
      openedAt: T,
    });
    await store.recordTrade(trade);
    await store.saveHaltState(
      { active: true, reason: 'MARGIN_CRITICAL', activatedAt: T, detail: 'margin 93%' },
      T,
    );
    await store.close();

    const r = await readStoreReport(path);
    expect(formatStoreReport(r).split('\n')).toEqual([
      `smc live status — from the live store ${path} (no status file: the runner is not running or predates it)`,
      'Halt:        ACTIVE MARGIN_CRITICAL since 2026-02-08 12:00 UTC — margin 93%',
      '',
      'Active positions in the store (1; marks and P&L need the runner):',
      '  BTC LONG 0.05 @ 60000 · OPEN · stop 58000',
      '',
      '🧾 Last 1 closed trade',
      '✅ ETH short +$49.00 · 1h 0m · take_profit',
      '1W / 0L · net +$49.00',
    ]);
  });

  it('the CLI prints the status file as JSON, and names the fix when nothing ran', async () => {
    const store = join(dir, 'live.duckdb');
    await writeStatusFile(statusFilePathFor(store), await snapshot(Date.now()));
    const ok = await smc(['status', '--store', store, '--json']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const out = JSON.parse(ok.stdout);
    expect(out).toMatchObject({
      source: 'status-file',
      runner_alive: true,
      status: { equity: '12000', cycle: 42 },
    });

    const none = await smc(['status', '--store', join(dir, 'nothing.duckdb')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^smc: no live store at '.*nothing\.duckdb' and no status file beside it/);
  });
});
