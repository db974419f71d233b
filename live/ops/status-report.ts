import { existsSync } from 'node:fs';
import { Decimal } from 'decimal.js';
import { UserError } from '../../data/errors.ts';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import type { ManagedPosition } from '../../engine/positions/types.ts';
import type { HaltState } from '../../engine/safety/types.ts';
import { fmtDuration, fmtNum, fmtPct, fmtUsd, fmtUtc } from '../alerts/format.ts';
import type { LiveStore } from '../store/live-store.ts';
import { formatPositions, formatTrades } from '../telegram/commands.ts';
import type { ClosedTradesReader } from './data-source.ts';
import type { StatusSnapshot } from './status-file.ts';

/**
 * What `smc status` prints: from the runner's status file while it runs (or after it stopped), else from
 * the live store itself (read-only; possible only while no runner holds it). Never from the exchange.
 */

/** Is the process that wrote the status file alive (same host)? */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    if (code === 'EPERM') return true; // exists, owned by another user (the service account)
    throw err;
  }
}

export function formatSnapshotReport(snap: StatusSnapshot, wallNow: number, alive: boolean): string {
  const s = snap.status;
  // Loop times are on the run's clock (a paper replay's is in the past): show them relative to the write.
  const before = (t: number | null) => (t === null ? 'never' : `${fmtDuration(snap.written_at - t)} before`);
  const written = `status written ${fmtDuration(wallNow - snap.wall_time)} ago (run clock ${fmtUtc(snap.written_at)})`;
  const runner = alive ? `runner running (pid ${snap.pid})` : `runner NOT running (pid ${snap.pid} is gone)`;
  const a = snap.alerts;
  const positions = snap.positions.map((p) => ({
    symbol: p.symbol,
    side: p.side,
    qty: new Decimal(p.qty),
    entryPrice: new Decimal(p.entry_price),
    markPrice: new Decimal(p.mark_price),
    leverage: p.leverage,
    unrealizedPnl: new Decimal(p.unrealized_pnl),
    margin: new Decimal(p.margin),
  }));
  return [
    `smc live status — ${runner}, ${written}`,
    `State:       ${s.system_state}${s.halt_reason ? ` (${s.halt_reason})` : ''} · health ${snap.health.reason}`,
    `Equity:      ${fmtUsd(s.equity)} · margin used ${fmtPct(s.margin_utilization, 1)} (${fmtUsd(s.margin_used)}) · uPnL ${fmtUsd(s.unrealized_pnl, true)}`,
    `Loop:        cycle ${s.cycle} (last tick ${before(s.last_cycle_at)}) · positions ${s.positions} · universe ${s.universe} · cooldowns ${s.cooldowns_active}`,
    `Reconciled:  ${before(s.last_reconciliation_at)}`,
    `Alerts:      ${a.sinks.length === 0 ? 'no sink (logged only)' : a.sinks.join(' + ')} · sent ${a.sent} · dropped ${a.dropped} · suppressed ${a.suppressed} · failed ${a.failed} · queued ${a.queued}`,
    '',
    formatPositions(positions),
    '',
    formatTrades(snap.recent_trades),
  ].join('\n');
}

/** The store's view when no status file exists: positions, halt state, last trades. */
export interface StoreReport {
  readonly source: 'store';
  readonly store: string;
  readonly halt: HaltState;
  readonly positions: readonly ManagedPosition[];
  readonly recentTrades: readonly TradeRecord[];
}

export async function readStoreReport(storePath: string): Promise<StoreReport> {
  if (!existsSync(storePath)) {
    throw new UserError(
      `no live store at '${storePath}' and no status file beside it: nothing has run there yet (run smc live, or pass --store FILE / --paper)`,
    );
  }
  const { LiveStore } = await import('../store/live-store.ts');
  const store = await LiveStore.open(storePath, { readOnly: true });
  try {
    const [halt, positions, trades] = await Promise.all([
      store.loadHaltState(),
      store.loadPositions({ activeOnly: true }),
      store.trades(),
    ]);
    return { source: 'store', store: storePath, halt, positions, recentTrades: trades.slice(-5).reverse() };
  } finally {
    await store.close();
  }
}

export function formatStoreReport(r: StoreReport): string {
  const h = r.halt;
  return [
    `smc live status — from the live store ${r.store} (no status file: the runner is not running or predates it)`,
    `Halt:        ${h.active ? `ACTIVE ${h.reason ?? ''} since ${h.activatedAt === null ? '?' : fmtUtc(h.activatedAt)}${h.detail ? ` — ${h.detail}` : ''}` : 'none'}`,
    '',
    r.positions.length === 0
      ? 'No active positions in the store.'
      : `Active positions in the store (${r.positions.length}; marks and P&L need the runner):`,
    ...r.positions.map(
      (p) =>
        `  ${p.symbol} ${p.side.toUpperCase()} ${fmtNum(p.remainingQty)} @ ${p.avgEntryPrice === null ? '(no fill yet)' : fmtNum(p.avgEntryPrice)} · ${p.state} · stop ${fmtNum(p.stopPrice)}`,
    ),
    '',
    formatTrades(r.recentTrades),
  ].join('\n');
}

/** `LiveStore.trades` as the ops layer reads closed trades (newest first). */
export function liveStoreTrades(store: Pick<LiveStore, 'trades'>): ClosedTradesReader {
  return {
    recentTrades: async (limit) => (await store.trades()).slice(-limit).reverse(),
    tradesSince: async (ts) => (await store.trades(ts)).reverse(),
  };
}
