import { Decimal } from 'decimal.js';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import { fmtDuration, fmtNum, fmtPct, fmtUsd } from '../alerts/format.ts';
import type { OpsPosition, OpsStatus } from '../ops/data-source.ts';

/**
 * The answers of the Telegram commands (seed §12), as pure functions of the data so they can be tested
 * without a bot. Plain text: no Markdown/HTML parse mode, nothing to escape.
 */

export interface CommandSpec {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly description: string;
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'status',
    aliases: ['s'],
    description: 'equity, margin, unrealised P&L, system state, positions, universe, cycle, cooldowns',
  },
  {
    name: 'positions',
    aliases: ['pos', 'p'],
    description: 'open positions: entry/mark, size, leverage, P&L',
  },
  { name: 'trades', aliases: ['t'], description: 'last 5 closed trades: P&L, duration, exit reason' },
  { name: 'help', aliases: ['start'], description: 'this list' },
];

export function formatHelp(): string {
  return [
    'smc-lab bot commands:',
    ...COMMANDS.map((c) => `/${c.name}${c.aliases.map((a) => ` /${a}`).join('')} — ${c.description}`),
  ].join('\n');
}

export function formatStatus(s: OpsStatus, now: number): string {
  const age = s.lastCycleAt === null ? 'no cycle yet' : `${fmtDuration(now - s.lastCycleAt)} ago`;
  return [
    `📊 Status: ${s.systemState}${s.haltReason ? ` (${s.haltReason})` : ''}`,
    `Equity: ${fmtUsd(s.equity)}`,
    `Margin used: ${fmtPct(s.marginUtilization, 1)} (${fmtUsd(s.marginUsed)})`,
    `Unrealised P&L: ${fmtUsd(s.unrealizedPnl, true)}`,
    `Positions: ${s.positions} · Universe: ${s.universe}`,
    `Cycle: ${s.cycle} (${age}) · Cooldowns: ${s.cooldownsActive}`,
  ].join('\n');
}

/** P&L as a fraction of the entry notional (the price move in the position's favour). */
function pnlFraction(p: OpsPosition): number {
  const notional = p.entryPrice.times(p.qty);
  return notional.isZero() ? 0 : p.unrealizedPnl.div(notional).toNumber();
}

export function formatPositions(ps: readonly OpsPosition[]): string {
  if (ps.length === 0) return '📈 No open positions.';
  const total = ps.reduce((acc, p) => acc.plus(p.unrealizedPnl), new Decimal(0));
  return [
    `📈 Open positions (${ps.length}, uPnL ${fmtUsd(total, true)})`,
    ...ps.map(
      (p) =>
        `${p.symbol} ${p.side.toUpperCase()} ${fmtNum(p.qty)} @ ${fmtNum(p.entryPrice)} → mark ${fmtNum(p.markPrice)} · ${p.leverage}x\n` +
        `  P&L ${fmtUsd(p.unrealizedPnl, true)} (${fmtPct(pnlFraction(p), 2, true)})`,
    ),
  ].join('\n');
}

export function formatTrades(trades: readonly TradeRecord[]): string {
  if (trades.length === 0) return '🧾 No closed trades yet.';
  let wins = 0;
  let losses = 0;
  let net = new Decimal(0);
  const lines = trades.map((t) => {
    const pnl = new Decimal(t.netPnl);
    net = net.plus(pnl);
    if (pnl.gt(0)) wins++;
    else if (pnl.lt(0)) losses++;
    const mark = pnl.gt(0) ? '✅' : pnl.lt(0) ? '❌' : '➖';
    return `${mark} ${t.symbol} ${t.side} ${fmtUsd(pnl, true)} · ${fmtDuration(t.exitTs - t.entryTs)} · ${t.exitReason}`;
  });
  return [
    `🧾 Last ${trades.length} closed trade${trades.length === 1 ? '' : 's'}`,
    ...lines,
    `${wins}W / ${losses}L · net ${fmtUsd(net, true)}`,
  ].join('\n');
}

/** The short apology a failing command answers with; the error itself is in the log. */
export function formatCommandError(command: string): string {
  return `Sorry, /${command} failed (the error is in the bot's log). Try again in a minute.`;
}
