import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { CandleSeries } from '../../data/candles/series.ts';
import type { StrategyConfig } from '../../strategies/smc/config.ts';
import { escapeHtml } from '../html/escape.ts';
import { svgToPng } from '../render/png.ts';
import { renderSvg } from '../vega/render.ts';
import { fmtPrice, gateRows, verdict } from './gate-trace.ts';
import {
  buildSignalContext,
  type SignalContext,
  SignalContextBuilder,
  type SignalContextOptions,
} from './signal-context.ts';
import { type ChartTrade, signalChartSpec } from './signal-spec.ts';

export interface SignalChartInput extends SignalContextOptions {
  /** The symbol's base series from the start of its history; bars after `at` are only displayed. */
  readonly base: CandleSeries;
  /** Decision time wanted (UTC ms): the chart shows the decision at the last base-bar close ≤ at. */
  readonly at: number;
  readonly config: StrategyConfig;
  /** Trades of a run to mark (entry/exit), e.g. the run's trades of this symbol. */
  readonly trades?: readonly ChartTrade[];
}

export interface SignalChart {
  readonly context: SignalContext;
  readonly spec: TopLevelSpec;
  readonly svg: string;
}

/** The fields of a run's trade the chart marks (TradeRecord and the trades.csv rows satisfy it). */
export interface TradeLike {
  readonly side: 'long' | 'short';
  readonly entryTs: number;
  readonly entryPrice: string | number;
  readonly exitTs: number;
  readonly exitPrice: string | number;
  readonly exitReason: string;
  readonly netPnl: string | number;
}

/** Trades (e.g. `BacktestResult.trades`, decimal strings) as the chart's float trades. */
export function chartTradesOf(trades: readonly TradeLike[]): ChartTrade[] {
  return trades.map((t) => ({
    side: t.side,
    entryTs: t.entryTs,
    entryPrice: Number(t.entryPrice),
    exitTs: t.exitTs,
    exitPrice: Number(t.exitPrice),
    exitReason: t.exitReason,
    netPnl: Number(t.netPnl),
  }));
}

/** Output formats by file extension. */
export const CHART_FORMATS = ['.png', '.svg', '.html', '.json'] as const;
export type ChartFormat = (typeof CHART_FORMATS)[number];

/**
 * The signal chart of one decision: the causal context (signal-context.ts), its vega-lite spec and the
 * rendered SVG.
 */
export async function buildSignalChart(input: SignalChartInput): Promise<SignalChart> {
  const context = buildSignalContext(input.base, input.at, input.config, input);
  const spec = signalChartSpec(context, { trades: input.trades ?? [] });
  return { context, spec, svg: await renderSvg(spec) };
}

export interface SignalChartsInput extends SignalContextOptions {
  /** The symbol's base series from the start of its history (may run past every time). */
  readonly base: CandleSeries;
  /** Decision times wanted (UTC ms), e.g. every trade's entry and a sample of rejected candidates. */
  readonly ats: readonly number[];
  readonly config: StrategyConfig;
  readonly trades?: readonly ChartTrade[];
}

/**
 * Signal charts of many decisions of one symbol, preparing the strategy and the primitives once (see
 * SignalContextBuilder): what a report that links every trade to its chart needs.
 */
export async function buildSignalCharts(input: SignalChartsInput): Promise<SignalChart[]> {
  const builder = new SignalContextBuilder(input.base, input.config);
  const out: SignalChart[] = [];
  for (const at of input.ats) {
    const context = builder.context(at, input);
    const spec = signalChartSpec(context, { trades: input.trades ?? [] });
    out.push({ context, spec, svg: await renderSvg(spec) });
  }
  return out;
}

const CSS = `
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;margin:20px;color:#1f2328}
h1{font-size:18px;margin:0 0 4px}.meta{color:#59636e;font-size:13px;margin:0 0 12px}
figure{margin:0}svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:13px;margin:12px 0}th,td{padding:3px 10px;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}
th{background:#f6f8fa}.pass{color:#1a7f37}.reject{color:#d1242f;font-weight:600}.skip{color:#8c959f}
code{font-size:12px}
`;

/** The decision as plain JSON (trace included): what `--format json` writes and `--json` prints. */
export function signalChartJson(chart: SignalChart): Record<string, unknown> {
  const c = chart.context;
  return {
    symbol: c.symbol,
    baseTimeframe: c.baseTimeframe,
    structureTimeframe: c.structureTimeframe,
    decisionTime: new Date(c.decisionTs).toISOString(),
    decision: c.decision,
    gates: gateRows(c.decision, c.config),
    levels: c.levels,
    ote: c.ote,
    counts: {
      candles: c.candles.length,
      swings: c.swings.length,
      breaks: c.breaks.length,
      zones: c.zones.length,
    },
  };
}

/**
 * A self-contained HTML page: the chart as inline SVG (no script, no external reference, opens offline)
 * and the gate trace as a table that can be read and copied.
 */
export function signalChartHtml(chart: SignalChart): string {
  const c = chart.context;
  const rows = gateRows(c.decision, c.config)
    .map((g) => {
      const cls = g.status === 'pass' ? 'pass' : g.status === 'reject' ? 'reject' : 'skip';
      const result = g.status === 'reject' ? `reject: ${g.reason ?? ''}` : g.status;
      return `<tr><td>${escapeHtml(g.gate)}</td><td class="${cls}">${escapeHtml(result)}</td><td>${g.details.map(escapeHtml).join('<br>')}</td></tr>`;
    })
    .join('');
  const levels = c.levels
    .map((l) => `${escapeHtml(l.name)} <code>${escapeHtml(fmtPrice(l.price))}</code>`)
    .join(' · ');
  const title = `${c.symbol} ${c.baseTimeframe} signal chart: ${verdict(c.decision)}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">decision at ${escapeHtml(new Date(c.decisionTs).toISOString())} · structure ${escapeHtml(c.structureTimeframe)} · ${levels || 'no price levels (rejected before the structure gate)'}</p>
<figure class="signal-chart">${chart.svg}</figure>
<table><thead><tr><th>gate</th><th>result</th><th>values</th></tr></thead><tbody>${rows}</tbody></table>
</body></html>
`;
}

/** The output format a path asks for, by its extension. */
export function chartFormatOf(path: string): ChartFormat {
  const ext = extname(path).toLowerCase();
  const f = CHART_FORMATS.find((x) => x === ext);
  if (f === undefined) {
    throw new RangeError(`${path}: unknown chart format '${ext}': use ${CHART_FORMATS.join(', ')}`);
  }
  return f;
}

/** Writes the chart as PNG, SVG, HTML or JSON by the extension of `path` (creating its folder). */
export function writeSignalChart(path: string, chart: SignalChart): ChartFormat {
  const format = chartFormatOf(path);
  mkdirSync(dirname(path), { recursive: true });
  switch (format) {
    case '.png':
      writeFileSync(path, svgToPng(chart.svg));
      break;
    case '.svg':
      writeFileSync(path, chart.svg);
      break;
    case '.html':
      writeFileSync(path, signalChartHtml(chart));
      break;
    case '.json':
      writeFileSync(path, `${JSON.stringify(signalChartJson(chart), null, 2)}\n`);
      break;
  }
  return format;
}
