import { Decimal } from 'decimal.js';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import { fmtDuration, fmtNum, fmtPct, fmtUsd, fmtUtc } from './format.ts';
import type { AlertInput } from './types.ts';

/**
 * One builder per alert type: the text an operator reads on the phone and the fields a JSON webhook
 * carries. Everything an alert says is decided here, in one place.
 */

export function killSwitchAlert(p: {
  readonly reason: string | null;
  readonly detail?: string | null;
}): AlertInput {
  return {
    type: 'KILL_SWITCH',
    urgent: true,
    title: `Kill switch activated (${p.reason ?? 'unknown reason'})`,
    lines: [
      ...(p.detail ? [p.detail] : []),
      'Entries and take-profits cancelled; reduce-only stops preserved.',
    ],
    fields: { reason: p.reason, detail: p.detail ?? null },
  };
}

export function systemHaltedAlert(p: {
  readonly reason: string | null;
  readonly detail?: string | null;
}): AlertInput {
  return {
    type: 'SYSTEM_HALTED',
    urgent: true,
    title: `System halted: ${p.reason ?? 'unknown reason'}`,
    lines: [
      ...(p.detail ? [p.detail] : []),
      p.reason === 'MARGIN_CRITICAL'
        ? 'Auto-recovery may clear it after 5 min once margin < 85% (max 2 per 24 h).'
        : 'Needs an operator: no auto-recovery for this reason.',
    ],
    fields: { reason: p.reason, detail: p.detail ?? null },
  };
}

export function autoRecoveryAlert(p: {
  readonly reason: string | null;
  readonly haltedForS: number | null;
  readonly marginUtilization: number | null;
  readonly recoveries24h: number | null;
}): AlertInput {
  return {
    type: 'AUTO_RECOVERY',
    urgent: true,
    title: 'Auto-recovery: kill switch cleared, trading resumes',
    lines: [
      `Halt reason: ${p.reason ?? 'unknown'}`,
      ...(p.haltedForS === null ? [] : [`Halted for ${fmtDuration(p.haltedForS * 1000)}`]),
      ...(p.marginUtilization === null ? [] : [`Margin used: ${fmtPct(p.marginUtilization, 1)}`]),
      ...(p.recoveries24h === null ? [] : [`Auto-recoveries in 24 h: ${p.recoveries24h} of 2`]),
    ],
    fields: {
      reason: p.reason,
      halted_for_s: p.haltedForS,
      margin_utilization: p.marginUtilization,
      recoveries_24h: p.recoveries24h,
    },
  };
}

export function newPositionAlert(p: {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly qty: Decimal | string;
  readonly entryPrice: Decimal | string;
  readonly stopPrice?: Decimal | string | null;
  readonly takeProfits?: readonly (Decimal | string | null)[];
  /** `PHANTOM_IMPORT` when adopted from the exchange (seed Bug 3). */
  readonly origin?: string;
}): AlertInput {
  const notional = new Decimal(p.qty).times(p.entryPrice);
  const tps = (p.takeProfits ?? []).filter((x): x is Decimal | string => x !== null).map(fmtNum);
  return {
    type: 'NEW_POSITION',
    urgent: false,
    title: `${p.symbol} ${p.side.toUpperCase()} opened${p.origin === 'PHANTOM_IMPORT' ? ' (imported from exchange)' : ''}`,
    lines: [
      `Size ${fmtNum(p.qty)} @ ${fmtNum(p.entryPrice)} (${fmtUsd(notional)})`,
      ...(p.stopPrice ? [`Stop ${fmtNum(p.stopPrice)}`] : []),
      ...(tps.length > 0 ? [`TPs ${tps.join(' / ')}`] : []),
    ],
    fields: {
      symbol: p.symbol,
      side: p.side,
      qty: fmtNum(p.qty),
      entry_price: fmtNum(p.entryPrice),
      stop_price: p.stopPrice ? fmtNum(p.stopPrice) : null,
      origin: p.origin ?? 'SIGNAL',
    },
    rateKey: p.symbol,
  };
}

/** Seed §3b Feature 9: symbol, side, entry/exit, net P&L, exit reason, holding time. */
export function positionClosedAlert(t: TradeRecord): AlertInput {
  const net = Number(t.netPnl);
  const holdMs = t.exitTs - t.entryTs;
  return {
    type: 'POSITION_CLOSED',
    urgent: false,
    title: `${t.symbol} ${t.side.toUpperCase()} closed ${net > 0 ? '✅' : net < 0 ? '❌' : '➖'} ${fmtUsd(t.netPnl, true)}`,
    lines: [
      `Entry ${fmtNum(t.entryPrice)} → exit ${fmtNum(t.exitPrice)}, size ${fmtNum(t.qty)}`,
      `Net P&L ${fmtUsd(t.netPnl, true)} (gross ${fmtUsd(t.pnl, true)}, fees ${fmtUsd(t.fees)}, funding ${fmtUsd(t.funding)})`,
      `Exit: ${t.exitReason} · held ${fmtDuration(holdMs)}`,
    ],
    fields: {
      symbol: t.symbol,
      side: t.side,
      entry_price: t.entryPrice,
      exit_price: t.exitPrice,
      qty: t.qty,
      net_pnl: t.netPnl,
      exit_reason: t.exitReason,
      holding_ms: holdMs,
    },
    rateKey: t.symbol,
  };
}

/** One open position in the daily summary. */
export interface SummaryPosition {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly unrealizedPnl: Decimal;
}

/** Seed §3b Feature 8: what the midnight summary reports. */
export interface DailySummaryData {
  /** The midnight the summary is for (UTC ms). */
  readonly at: number;
  readonly equity: Decimal;
  readonly marginUtilization: number;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  /** wins / trades; null without trades. */
  readonly winRate: number | null;
  /** Net P&L of the trades closed in the last 24 h. */
  readonly dailyPnl: Decimal;
  readonly positions: readonly SummaryPosition[];
}

export function dailySummaryAlert(s: DailySummaryData): AlertInput {
  const upnl = s.positions.reduce((acc, p) => acc + p.unrealizedPnl.toNumber(), 0);
  return {
    type: 'DAILY_SUMMARY',
    urgent: false,
    title: `Daily summary ${fmtUtc(s.at)}`,
    lines: [
      `Equity ${fmtUsd(s.equity)} · margin used ${fmtPct(s.marginUtilization, 1)}`,
      `Trades (24 h): ${s.trades} · ${s.wins}W / ${s.losses}L · win rate ${s.winRate === null ? 'n/a' : fmtPct(s.winRate, 0)}`,
      `Daily P&L ${fmtUsd(s.dailyPnl, true)}`,
      s.positions.length === 0
        ? 'Open positions: none'
        : `Open positions (${s.positions.length}, uPnL ${fmtUsd(upnl, true)}):`,
      ...s.positions.map((p) => `  ${p.symbol} ${p.side} ${fmtUsd(p.unrealizedPnl, true)}`),
    ],
    fields: {
      equity: s.equity.toString(),
      margin_utilization: s.marginUtilization,
      trades: s.trades,
      wins: s.wins,
      losses: s.losses,
      win_rate: s.winRate,
      daily_pnl: s.dailyPnl.toString(),
      open_positions: s.positions.length,
    },
  };
}

/** Seed §13: a warning at 70 % of the limit, urgent at 100 %. */
export function dailyLossWarningAlert(p: {
  readonly dailyPnl: string;
  readonly lossFraction: number;
  readonly limitPct: number;
  readonly limitReached: boolean;
}): AlertInput {
  return {
    type: 'DAILY_LOSS_WARNING',
    urgent: p.limitReached,
    title: p.limitReached
      ? 'Daily loss limit reached: new entries blocked until 00:00 UTC'
      : 'Daily loss approaching the limit',
    lines: [
      `Daily P&L ${fmtUsd(p.dailyPnl, true)} = ${fmtPct(p.lossFraction)} of starting equity (limit ${fmtPct(p.limitPct)})`,
    ],
    fields: {
      daily_pnl: p.dailyPnl,
      loss_pct: p.lossFraction,
      limit_pct: p.limitPct,
      limit_reached: p.limitReached,
    },
  };
}

/** Seed §15: discovery returned < 50 % of the last universe; the old one was kept. */
export function universeShrinkRejectedAlert(p: {
  readonly previous: number | null;
  readonly discovered: number | null;
}): AlertInput {
  return {
    type: 'UNIVERSE_SHRINK_REJECTED',
    urgent: false,
    title: 'Universe refresh rejected: discovery shrank too much',
    lines: [
      `Discovered ${p.discovered ?? '?'} symbols vs ${p.previous ?? '?'} before; kept the previous universe.`,
    ],
    fields: { previous: p.previous, discovered: p.discovered },
  };
}

/** Seed §7: first occurrence is a warning (self-heal window); persistent is urgent (kill switch follows). */
export function nakedPositionsAlert(p: {
  readonly symbols: readonly string[];
  readonly persistent: boolean;
}): AlertInput {
  return {
    type: 'NAKED_POSITIONS_DETECTED',
    urgent: p.persistent,
    title: p.persistent
      ? `Naked positions persist: ${p.symbols.join(', ') || '?'} — emergency kill switch`
      : `Naked positions detected: ${p.symbols.join(', ') || '?'} (waiting for stops to be placed)`,
    lines: [],
    fields: { symbols: p.symbols.join(','), persistent: p.persistent },
  };
}
