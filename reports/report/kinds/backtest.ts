import type { Metrics } from '../../../engine/metrics/compute.ts';
import { underwater } from '../../../engine/metrics/drawdown.ts';
import type { TradeRecord } from '../../../engine/metrics/trade-record.ts';
import { dailyReturnsFromEquity } from '../../../engine/research/stats/daily-returns.ts';
import { minMaxDownsample } from '../../backtest/downsample.ts';
import type { BacktestReportInput } from '../../backtest/html.ts';
import { drawdownSpec, equitySpec, exitReasonsSpec, funnelRows, funnelSpec } from '../../backtest/specs.ts';
import { type ChartIndex, tradeChartKey } from '../../chart/run-charts.ts';
import { fmtDuration, fmtInt, fmtNumber, fmtPct, fmtTime } from '../../html/format.ts';
import { monthlyReturns, monthlyReturnsSpec } from '../../specs/monthly-returns.ts';
import { pnlVsHoldingSpec } from '../../specs/pnl-vs-holding.ts';
import { returnDistributionSpec } from '../../specs/return-distribution.ts';
import { symbolResults, symbolResultsSpec } from '../../specs/symbol-results.ts';
import {
  type Block,
  type Cell,
  chart,
  note,
  type ReportSection,
  type RunReport,
  row,
  table,
} from '../model.ts';

/** Trades listed in the table; the full list is in trades.csv / trades.parquet. */
const TRADE_ROWS = 200;

/** Options of {@link backtestReport}. */
export interface BacktestReportOptions {
  readonly title?: string;
  /** The run's signal charts (charts/index.json): trades and rejected candidates link to them. */
  readonly charts?: ChartIndex | null;
}

const tone = (x: number): 'pos' | 'neg' => (x < 0 ? 'neg' : 'pos');

function metricTables(m: Metrics): Block {
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
  return row(...groups.map((g) => table(undefined, g)));
}

function groupTable(title: string, groups: Metrics['byExitReason']): Block {
  return table(
    [title, 'trades', 'wins', 'net P&L'],
    Object.entries(groups).map(([k, g]) => [
      k,
      fmtInt(g.count),
      fmtInt(g.wins),
      { text: fmtNumber(g.netPnl), tone: tone(g.netPnl) },
    ]),
  );
}

function funnelTables(input: BacktestReportInput): Block[] {
  return input.funnel.strategies.map((f) =>
    table(
      [f.strategyId, 'decisions'],
      [
        ['evaluated', fmtInt(f.evaluated)],
        ...f.rejected.filter((r) => r.count > 0).map((r) => [`rejected: ${r.reason}`, fmtInt(r.count)]),
        ['signals', fmtInt(f.signals)],
        ...f.outcomes.map((o) => [`signal → ${o.outcome}`, fmtInt(o.count)]),
      ],
    ),
  );
}

function tradesTable(trades: readonly TradeRecord[], charts: ChartIndex | null | undefined): Block {
  const links = new Map((charts?.trades ?? []).map((c) => [tradeChartKey(c.symbol, c.at), c.file]));
  const shown = trades.slice(0, TRADE_ROWS);
  const rows = shown.map((t): Cell[] => {
    const net = Number(t.netPnl);
    const href = links.get(tradeChartKey(t.symbol, t.entryTs));
    return [
      t.symbol,
      t.side,
      href ? { text: fmtTime(t.entryTs), href } : fmtTime(t.entryTs),
      t.entryPrice,
      fmtTime(t.exitTs),
      t.exitPrice,
      t.qty,
      fmtNumber(Number(t.fees)),
      { text: fmtNumber(net), tone: tone(net) },
      t.exitReason,
      href ? { text: 'chart', href } : '—',
    ];
  });
  const notes = [
    trades.length > shown.length
      ? `First ${shown.length} of ${trades.length} trades; all are in trades.csv and trades.parquet.`
      : '',
    charts && charts.tradesWithout > 0
      ? `${charts.tradesWithout} trade(s) have no pre-drawn chart: draw one with smc chart --run DIR --symbol S --at ENTRY, or rerun smc backtest with --charts all.`
      : '',
    charts
      ? ''
      : 'No signal charts in this run directory (they are drawn for SMC runs written by smc backtest).',
  ].filter(Boolean);
  return table(
    [
      'symbol',
      'side',
      'entry (UTC)',
      'entry',
      'exit (UTC)',
      'exit',
      'qty',
      'fees',
      'net P&L',
      'exit reason',
      'signal chart',
    ],
    rows,
    notes.join(' '),
  );
}

function rejectedTable(charts: ChartIndex): Block {
  return table(
    ['symbol', 'decision (UTC)', 'why no trade', 'signal chart'],
    charts.rejected.map((c) => [c.symbol, fmtTime(c.at), c.label, { text: 'chart', href: c.file }]),
    'A sample spread over the rejection reasons and over time; any other decision: smc chart --run DIR --symbol S --at TIME.',
  );
}

/**
 * The backtest report: metrics; equity and underwater drawdown; monthly returns and the daily return
 * distribution; trade P&L against holding time, exits by reason, results by symbol; the signal funnel;
 * the trades and a sample of rejected candidates, each linked to its signal chart when the run has them.
 */
export function backtestReport(input: BacktestReportInput, opts: BacktestReportOptions = {}): RunReport {
  const m = input.metrics;
  const eq = minMaxDownsample(input.equity.ts, input.equity.equity);
  const dd = minMaxDownsample(input.equity.ts, underwater(input.equity));
  const months = monthlyReturns(input.equity.ts, input.equity.equity);
  const daily = dailyReturnsFromEquity(input.equity.ts, input.equity.equity);
  const hasTrades = input.trades.length > 0;
  const perSymbol = symbolResults(input.trades);
  const sections: ReportSection[] = [
    { title: 'Metrics', blocks: [metricTables(m)] },
    {
      title: 'Equity and drawdown',
      blocks: [
        chart('equity', equitySpec(eq.ts.map((ts, i) => ({ ts, equity: eq.ys[i] })))),
        chart('drawdown', drawdownSpec(dd.ts.map((ts, i) => ({ ts, drawdown: dd.ys[i] })))),
      ],
    },
    {
      title: 'Returns',
      blocks: [
        ...(months.length > 0 ? [chart('monthly-returns', monthlyReturnsSpec(months))] : []),
        ...(Array.from(daily.returns).some((r) => r !== 0 && Number.isFinite(r))
          ? [chart('return-distribution', returnDistributionSpec(daily.returns))]
          : [note('No daily return distribution: equity never changed from one day to the next.')]),
      ],
    },
    {
      title: 'Trades: holding time, exits, symbols',
      blocks: hasTrades
        ? [
            chart('pnl-vs-holding', pnlVsHoldingSpec(input.trades)),
            row(
              chart('exit-reasons', exitReasonsSpec(m.byExitReason)),
              groupTable('exit reason', m.byExitReason),
            ),
            row(chart('symbols', symbolResultsSpec(perSymbol)), groupTable('symbol', m.bySymbol)),
          ]
        : [note('No trades.')],
    },
    {
      title: 'Signal funnel',
      blocks: [
        ...input.funnel.strategies
          .filter((f) => funnelRows(f).length > 0 && f.evaluated > 0)
          .map((f) => chart(`funnel-${f.strategyId.replace(/[^A-Za-z0-9_-]/g, '_')}`, funnelSpec(f))),
        row(...funnelTables(input)),
      ],
    },
    { title: 'Trades', blocks: [hasTrades ? tradesTable(input.trades, opts.charts) : note('No trades.')] },
  ];
  if (opts.charts && opts.charts.rejected.length > 0) {
    sections.push({ title: 'Rejected candidates', blocks: [rejectedTable(opts.charts)] });
  }
  const span = `${fmtTime(input.from)} → ${fmtTime(input.to)} UTC`;
  return {
    kind: 'backtest',
    title: opts.title ?? 'Backtest report',
    meta: [
      `${input.symbols.join(', ')} · base ${input.baseTimeframe} · ${span} · smc-lab ${input.packageVersion}`,
      `config ${input.configHash.slice(0, 16)} · data ${input.dataHash.slice(0, 16)} · result ${input.resultHash.slice(0, 16)}`,
    ],
    sections,
    summary: {
      configHash: input.configHash,
      dataHash: input.dataHash,
      resultHash: input.resultHash,
      symbols: input.symbols,
      baseTimeframe: input.baseTimeframe,
      from: input.from === null ? null : new Date(input.from).toISOString(),
      to: input.to === null ? null : new Date(input.to).toISOString(),
      metrics: m,
      monthlyReturns: months,
      bySymbol: perSymbol,
      funnel: input.funnel,
      charts: opts.charts ?? null,
    },
  };
}
