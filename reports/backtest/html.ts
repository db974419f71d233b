import type { BacktestResult } from '../../engine/backtest/types.ts';
import type { Metrics } from '../../engine/metrics/compute.ts';
import { underwater } from '../../engine/metrics/drawdown.ts';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import { escapeHtml } from '../html/escape.ts';
import { fmtDuration, fmtInt, fmtNumber, fmtPct, fmtTime } from '../html/format.ts';
import { renderSvg } from '../vega/render.ts';
import { minMaxDownsample } from './downsample.ts';
import { drawdownSpec, equitySpec, exitReasonsSpec, funnelRows, funnelSpec, symbolPnlSpec } from './specs.ts';

/** What the backtest report shows: the parts of a result a run directory holds. */
export type BacktestReportInput = Pick<
  BacktestResult,
  | 'packageVersion'
  | 'configHash'
  | 'dataHash'
  | 'resultHash'
  | 'symbols'
  | 'baseTimeframe'
  | 'from'
  | 'to'
  | 'startEquity'
  | 'metrics'
  | 'trades'
  | 'equity'
  | 'funnel'
>;

/** Trades listed in the table; the full list is in trades.csv / trades.parquet. */
const TRADE_ROWS = 200;

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:960px;color:#1f2328;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.meta{color:#59636e;font-size:13px;margin:0 0 16px}.meta code{font-size:12px}
table{border-collapse:collapse;font-size:13px;margin:4px 0 12px}th,td{padding:3px 10px;text-align:right;border-bottom:1px solid #eaeef2}
th{background:#f6f8fa;font-weight:600}td:first-child,th:first-child{text-align:left}
.metrics{display:grid;grid-template-columns:repeat(3,1fr);gap:0 24px}.metrics table{width:100%}
.row{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
.neg{color:#d1242f}.pos{color:#1a7f37}figure{margin:8px 0}svg{max-width:100%;height:auto}
.note{color:#59636e;font-size:12px}
`;

function metricTables(m: Metrics): string {
  const groups: Array<Array<[string, string]>> = [
    [
      ['Start equity', fmtNumber(m.startEquity)],
      ['Final equity', fmtNumber(m.finalEquity)],
      ['Total return', fmtPct(m.totalReturn)],
      ['CAGR', fmtPct(m.cagr)],
      ['Net P&L', fmtNumber(m.netPnl)],
      ['Fees paid', fmtNumber(m.feesPaid)],
      ['Funding paid', fmtNumber(m.fundingPaid)],
    ],
    [
      ['Sharpe (daily, ×√365)', fmtNumber(m.sharpe)],
      ['Sortino', fmtNumber(m.sortino)],
      ['Max drawdown', fmtPct(m.maxDrawdown)],
      ['Max DD duration', fmtDuration(m.maxDrawdownDurationMs)],
      ['Longest drawdown', fmtDuration(m.longestDrawdownMs)],
      ['Calmar', fmtNumber(m.calmar)],
      ['Exposure', fmtPct(m.exposure)],
    ],
    [
      ['Trades (closed / open)', `${fmtInt(m.closedTrades)} / ${fmtInt(m.openTrades)}`],
      ['Win rate', fmtPct(m.winRate)],
      ['Profit factor', fmtNumber(m.profitFactor)],
      ['Expectancy / trade', fmtNumber(m.expectancy)],
      ['Average win', fmtNumber(m.avgWin)],
      ['Average loss', fmtNumber(m.avgLoss)],
      ['Average hold', fmtDuration(m.avgHoldMs)],
    ],
  ];
  const table = (rows: Array<[string, string]>) =>
    `<table><tbody>${rows.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>`;
  return `<div class="metrics">${groups.map(table).join('')}</div>`;
}

function groupTable(title: string, groups: Metrics['byExitReason']): string {
  const rows = Object.entries(groups)
    .map(
      ([k, g]) =>
        `<tr><td>${escapeHtml(k)}</td><td>${fmtInt(g.count)}</td><td>${fmtInt(g.wins)}</td><td class="${g.netPnl < 0 ? 'neg' : 'pos'}">${fmtNumber(g.netPnl)}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>${escapeHtml(title)}</th><th>trades</th><th>wins</th><th>net P&amp;L</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function funnelTable(input: BacktestReportInput): string {
  return input.funnel.strategies
    .map((f) => {
      const rej = f.rejected
        .filter((r) => r.count > 0)
        .map((r) => `<tr><td>rejected: ${escapeHtml(r.reason)}</td><td>${fmtInt(r.count)}</td></tr>`)
        .join('');
      const out = f.outcomes
        .map((o) => `<tr><td>signal → ${escapeHtml(o.outcome)}</td><td>${fmtInt(o.count)}</td></tr>`)
        .join('');
      return `<table><thead><tr><th>${escapeHtml(f.strategyId)}</th><th>decisions</th></tr></thead><tbody><tr><td>evaluated</td><td>${fmtInt(f.evaluated)}</td></tr>${rej}<tr><td><b>signals</b></td><td><b>${fmtInt(f.signals)}</b></td></tr>${out}</tbody></table>`;
    })
    .join('');
}

function tradesTable(trades: readonly TradeRecord[]): string {
  const shown = trades.slice(0, TRADE_ROWS);
  const rows = shown
    .map((t) => {
      const net = Number(t.netPnl);
      return `<tr><td>${escapeHtml(t.symbol)}</td><td>${t.side}</td><td>${fmtTime(t.entryTs)}</td><td>${escapeHtml(t.entryPrice)}</td><td>${fmtTime(t.exitTs)}</td><td>${escapeHtml(t.exitPrice)}</td><td>${escapeHtml(t.qty)}</td><td>${fmtNumber(Number(t.fees))}</td><td class="${net < 0 ? 'neg' : 'pos'}">${fmtNumber(net)}</td><td>${escapeHtml(t.exitReason)}</td></tr>`;
    })
    .join('');
  const more =
    trades.length > shown.length
      ? `<p class="note">First ${shown.length} of ${trades.length} trades; all are in trades.csv and trades.parquet.</p>`
      : '';
  return `<table><thead><tr><th>symbol</th><th>side</th><th>entry (UTC)</th><th>entry</th><th>exit (UTC)</th><th>exit</th><th>qty</th><th>fees</th><th>net P&amp;L</th><th>exit reason</th></tr></thead><tbody>${rows}</tbody></table>${more}`;
}

/**
 * The backtest report: one self-contained HTML file (inline CSS, charts pre-rendered to inline SVG, no
 * script and no external reference), so it opens offline from the run directory.
 */
export async function buildBacktestReport(
  input: BacktestReportInput,
  title = 'Backtest report',
): Promise<string> {
  const m = input.metrics;
  const eq = minMaxDownsample(input.equity.ts, input.equity.equity);
  const dd = minMaxDownsample(input.equity.ts, underwater(input.equity));
  const charts: Array<Promise<string>> = [
    renderSvg(equitySpec(eq.ts.map((ts, i) => ({ ts, equity: eq.ys[i] })))),
    renderSvg(drawdownSpec(dd.ts.map((ts, i) => ({ ts, drawdown: dd.ys[i] })))),
  ];
  const hasTrades = m.trades > 0;
  if (hasTrades) {
    charts.push(renderSvg(exitReasonsSpec(m.byExitReason)), renderSvg(symbolPnlSpec(m.bySymbol)));
  }
  const funnelCharts = input.funnel.strategies
    .filter((f) => funnelRows(f).length > 0 && f.evaluated > 0)
    .map((f) => renderSvg(funnelSpec(f)));
  const [equitySvg, ddSvg, exitSvg, symbolSvg] = await Promise.all(charts);
  const funnelSvgs = await Promise.all(funnelCharts);
  const span = `${fmtTime(input.from)} → ${fmtTime(input.to)} UTC`;

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(input.symbols.join(', '))} · base ${escapeHtml(input.baseTimeframe)} · ${escapeHtml(span)} · smc-lab ${escapeHtml(input.packageVersion)}<br>
config <code>${input.configHash.slice(0, 16)}</code> · data <code>${input.dataHash.slice(0, 16)}</code> · result <code>${input.resultHash.slice(0, 16)}</code></p>
<h2>Metrics</h2>
${metricTables(m)}
<h2>Equity and drawdown</h2>
<figure>${equitySvg}</figure>
<figure>${ddSvg}</figure>
<h2>Exits and symbols</h2>
${
  hasTrades
    ? `<div class="row"><figure>${exitSvg}</figure><figure>${symbolSvg}</figure></div>
<div class="row">${groupTable('exit reason', m.byExitReason)}${groupTable('symbol', m.bySymbol)}</div>`
    : '<p class="note">No trades.</p>'
}
<h2>Signal funnel</h2>
${funnelSvgs.map((s) => `<figure>${s}</figure>`).join('\n')}
<div class="row">${funnelTable(input)}</div>
<h2>Trades</h2>
${hasTrades ? tradesTable(input.trades) : '<p class="note">No trades.</p>'}
</body></html>
`;
}
