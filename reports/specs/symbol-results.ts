import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG } from '../vega/render.ts';
import type { HoldingTrade } from './pnl-vs-holding.ts';

export interface SymbolResult {
  readonly symbol: string;
  readonly trades: number;
  readonly wins: number;
  readonly netPnl: number;
}

/** Trades, wins and net P&L per symbol, best first. */
export function symbolResults(trades: readonly HoldingTrade[]): SymbolResult[] {
  const by = new Map<string, { trades: number; wins: number; netPnl: number }>();
  for (const t of trades) {
    const s = by.get(t.symbol) ?? { trades: 0, wins: 0, netPnl: 0 };
    const pnl = Number(t.netPnl);
    s.trades++;
    if (pnl > 0) s.wins++;
    s.netPnl += pnl;
    by.set(t.symbol, s);
  }
  return [...by.entries()].map(([symbol, s]) => ({ symbol, ...s })).sort((a, b) => b.netPnl - a.netPnl);
}

/**
 * Per-symbol results: net P&L bars (green gain, red loss), each symbol labelled with its trade count and
 * win rate on the axis (never over a bar), so a 45-symbol run reads as one sorted column.
 */
export function symbolResultsSpec(rows: readonly SymbolResult[], title = 'Results by symbol'): TopLevelSpec {
  const values = rows.map((r) => ({
    ...r,
    result: r.netPnl >= 0 ? 'net gain' : 'net loss',
    label: `${r.symbol} · ${r.trades} trades, ${r.trades > 0 ? Math.round((100 * r.wins) / r.trades) : 0}% won`,
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config: CHART_CONFIG,
    data: { values },
    width: 380,
    height: { step: 22 },
    mark: 'bar',
    encoding: {
      // rows come sorted best first; keep that order
      y: { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: 260 } },
      x: { field: 'netPnl', type: 'quantitative', title: 'net P&L (USD)' },
      color: {
        field: 'result',
        type: 'nominal',
        title: null,
        scale: { domain: ['net gain', 'net loss'], range: ['#2da44e', '#d1242f'] },
      },
      tooltip: [
        { field: 'symbol' },
        { field: 'trades' },
        { field: 'wins' },
        { field: 'netPnl', title: 'net P&L', format: ',.2f' },
      ],
    },
  } as TopLevelSpec;
}
