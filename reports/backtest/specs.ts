import type { TopLevelSpec } from 'vega-lite';
import type { StrategyFunnel } from '../../engine/backtest/types.ts';
import type { GroupStats } from '../../engine/metrics/trade-stats.ts';
import { CHART_CONFIG } from '../vega/render.ts';

/**
 * The vega-lite specs of the backtest report. Each takes plain rows and returns a complete spec with its
 * data inline; reports/vega/render.ts turns it into SVG.
 */

const WIDTH = 860;

/** UTC time axis with the year on every label (multi-year runs otherwise show bare month names). */
const TIME_AXIS = {
  field: 'ts',
  type: 'temporal',
  title: 'time (UTC)',
  scale: { type: 'utc' },
  axis: { format: '%b %Y', labelOverlap: true, tickCount: 8 },
} as const;

export function equitySpec(rows: { ts: number; equity: number }[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Equity',
    width: WIDTH,
    height: 240,
    config: CHART_CONFIG,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1.25, color: '#1f6feb' },
    encoding: {
      x: TIME_AXIS,
      y: { field: 'equity', type: 'quantitative', title: 'equity (USD)', scale: { zero: false } },
    },
  };
}

export function drawdownSpec(rows: { ts: number; drawdown: number }[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Drawdown (underwater)',
    width: WIDTH,
    height: 140,
    config: CHART_CONFIG,
    data: { values: rows },
    mark: { type: 'area', color: '#d1242f', opacity: 0.55, line: { color: '#d1242f', strokeWidth: 1 } },
    encoding: {
      x: TIME_AXIS,
      y: { field: 'drawdown', type: 'quantitative', title: 'below peak', axis: { format: '.0%' } },
    },
  };
}

export function exitReasonsSpec(groups: Record<string, GroupStats>): TopLevelSpec {
  const values = Object.entries(groups).map(([reason, g]) => ({
    reason,
    count: g.count,
    netPnl: g.netPnl,
    result: g.netPnl >= 0 ? 'net gain' : 'net loss',
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Exits by reason',
    width: 380,
    height: { step: 22 },
    config: CHART_CONFIG,
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'reason', type: 'nominal', title: null, sort: '-x' },
      x: { field: 'count', type: 'quantitative', title: 'trades', stack: null },
      color: {
        field: 'result',
        type: 'nominal',
        title: 'net P&L',
        scale: { domain: ['net gain', 'net loss'], range: ['#2da44e', '#d1242f'] },
      },
    },
  };
}

export function symbolPnlSpec(groups: Record<string, GroupStats>): TopLevelSpec {
  const values = Object.entries(groups).map(([symbol, g]) => ({
    symbol,
    netPnl: g.netPnl,
    result: g.netPnl >= 0 ? 'net gain' : 'net loss',
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Net P&L by symbol',
    width: 380,
    height: { step: 22 },
    config: CHART_CONFIG,
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'symbol', type: 'nominal', title: null, sort: '-x' },
      x: { field: 'netPnl', type: 'quantitative', title: 'net P&L (USD)', stack: null },
      color: {
        field: 'result',
        type: 'nominal',
        title: 'net P&L',
        scale: { domain: ['net gain', 'net loss'], range: ['#2da44e', '#d1242f'] },
      },
    },
  };
}

/**
 * Funnel rows of one strategy: decisions left after each rejection reason (reasons in the strategy's
 * gate order), then the signals and what the engine did with them.
 */
export function funnelRows(f: StrategyFunnel): { stage: string; order: number; remaining: number }[] {
  const rows: { stage: string; order: number; remaining: number }[] = [];
  let left = f.evaluated;
  rows.push({ stage: 'evaluated', order: 0, remaining: left });
  for (const r of f.rejected) {
    if (r.count === 0) continue;
    left -= r.count;
    rows.push({ stage: `after ${r.reason}`, order: rows.length, remaining: left });
  }
  rows.push({ stage: 'signals', order: rows.length, remaining: f.signals });
  const entered = f.outcomes.find((o) => o.outcome === 'entered')?.count ?? 0;
  rows.push({ stage: 'entered', order: rows.length, remaining: entered });
  return rows;
}

/** 0, 1, 10, 100, … up to `max`: symlog axes otherwise crowd their labels near the top. */
export function logTicks(max: number): number[] {
  const out = [0];
  for (let v = 1; v <= Math.max(1, max); v *= 10) out.push(v);
  return out;
}

export function funnelSpec(f: StrategyFunnel): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Signal funnel: ${f.strategyId}`,
    width: 560,
    height: { step: 22 },
    config: CHART_CONFIG,
    data: { values: funnelRows(f) },
    encoding: {
      y: {
        field: 'stage',
        type: 'nominal',
        title: null,
        sort: { field: 'order', op: 'min' },
        axis: { labelLimit: 320 },
      },
      x: {
        field: 'remaining',
        type: 'quantitative',
        title: 'decisions remaining (log scale)',
        scale: { type: 'symlog' },
        axis: { values: logTicks(f.evaluated), labelExpr: "format(datum.value, ',')" },
      },
    },
    layer: [
      { mark: { type: 'bar', color: '#8250df' } },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
        encoding: { text: { field: 'remaining', type: 'quantitative', format: ',' } },
      },
    ],
  };
}
