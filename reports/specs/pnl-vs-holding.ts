import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG } from '../vega/render.ts';

/** The fields of a trade this chart reads (TradeRecord satisfies it). */
export interface HoldingTrade {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly entryTs: number;
  readonly exitTs: number;
  readonly netPnl: string | number;
  readonly exitReason: string;
}

/** Trade net P&L against holding time (hours, log scale), coloured by exit reason, with a zero line. */
export function pnlVsHoldingSpec(
  trades: readonly HoldingTrade[],
  title = 'Trade P&L vs holding time',
): TopLevelSpec {
  const values = trades.map((t) => ({
    hours: Math.max((t.exitTs - t.entryTs) / 3_600_000, 0.25),
    pnl: Number(t.netPnl),
    exit: t.exitReason,
    symbol: t.symbol,
    side: t.side,
    entry: new Date(t.entryTs).toISOString().slice(0, 16).replace('T', ' '),
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config: CHART_CONFIG,
    width: 520,
    height: 260,
    layer: [
      {
        data: { values: [{ y: 0 }] },
        mark: { type: 'rule', color: '#8c959f' },
        encoding: { y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 45, opacity: 0.8 },
        encoding: {
          x: {
            field: 'hours',
            type: 'quantitative',
            scale: { type: 'log' },
            title: 'holding time (hours, log scale)',
          },
          y: { field: 'pnl', type: 'quantitative', title: 'net P&L (USD)' },
          color: { field: 'exit', type: 'nominal', title: 'exit reason' },
          shape: { field: 'side', type: 'nominal', title: 'side' },
          tooltip: [
            { field: 'symbol' },
            { field: 'side' },
            { field: 'entry', title: 'entry (UTC)' },
            { field: 'hours', format: '.1f' },
            { field: 'pnl', title: 'net P&L', format: ',.2f' },
            { field: 'exit', title: 'exit reason' },
          ],
        },
      },
    ],
  } as TopLevelSpec;
}
