import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { CandleSeries } from '../../data/candles/series.ts';
import { UserError } from '../../data/errors.ts';
import type { DecisionTrace } from '../../engine/backtest/types.ts';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import type { StrategyConfig } from '../../strategies/smc/config.ts';
import { renderSvg } from '../vega/render.ts';
import { chartTradesOf, signalChartHtml } from './signal-chart.ts';
import { SignalContextBuilder } from './signal-context.ts';
import { signalChartSpec } from './signal-spec.ts';

/**
 * The signal charts of a backtest run directory: `charts/<id>.html` for trades (their entry decision) and
 * for a sample of rejected candidates, listed in `charts/index.json`, which the backtest report links. They
 * are drawn when the run is written, while the candles are in memory (a report cannot load candles).
 */

/** Folder of a backtest run directory holding its signal charts. */
export const CHARTS_DIR = 'charts';
/** The charts folder's index file (which trade and which rejected decision each chart shows). */
export const CHART_INDEX = 'index.json';

const EntrySchema = z.object({
  symbol: z.string(),
  /** Decision time asked for (UTC ms): the trade's entry, or the rejected decision's time. */
  at: z.number(),
  /** Path relative to the run directory. */
  file: z.string(),
  /** What the decision was: the trade side, or the rejection reason / engine outcome. */
  label: z.string(),
});
/** One chart of the index. */
export type ChartIndexEntry = z.infer<typeof EntrySchema>;

const IndexSchema = z.object({
  trades: z.array(EntrySchema),
  rejected: z.array(EntrySchema),
  /** Trades without a chart (over the limit, or from a strategy other than SMC). */
  tradesWithout: z.number(),
});
/** charts/index.json: the charted trades and rejected candidates. */
export type ChartIndex = z.infer<typeof IndexSchema>;

/** What drawing a run's signal charts needs besides the result. */
export interface RunChartsOptions {
  /** Base series per symbol, from where the backtest started (warm-up included). */
  readonly candles: Readonly<Record<string, CandleSeries>>;
  /** The SMC strategy config the run used. */
  readonly strategy: StrategyConfig;
  /** Ids of the SMC strategies of the run: only their trades get a chart. */
  readonly smcStrategyIds: readonly string[];
  /** Trades charted at most (default 20): all when fewer, else the largest gains and losses. */
  readonly maxTrades?: number;
  /** Rejected candidates charted (default 6): spread over the reasons and over time. */
  readonly rejected?: number;
}

/** `BTC`, 1612137600000 → `BTC-20210201T0000`. */
export function chartFileId(symbol: string, at: number): string {
  return `${symbol.replace(/[^A-Za-z0-9_.-]/g, '_')}-${new Date(at).toISOString().slice(0, 16).replace(/[-:]/g, '')}`;
}

/** The key a trade is found by in the index. */
export const tradeChartKey = (symbol: string, at: number) => `${symbol}@${at}`;

/**
 * Non-entered decisions to chart: round robin over the reasons (engine outcomes for signals that did
 * not enter; gate reasons when the trace holds every decision), evenly spaced in time within a reason,
 * so the sample shows each way a candidate can fail.
 */
export function sampleRejected(
  trace: DecisionTrace,
  smcStrategyIds: readonly string[],
  count: number,
): { symbol: string; at: number; label: string }[] {
  const byLabel = new Map<string, number[]>();
  const smc = new Set(trace.strategies.flatMap((s, i) => (smcStrategyIds.includes(s.id) ? [i] : [])));
  for (let i = 0; i < trace.length; i++) {
    if (!smc.has(trace.strategy[i])) continue;
    const outcome = trace.outcomes[trace.outcome[i]] ?? '';
    let label: string;
    if (trace.action[i] !== 0) {
      if (outcome === 'entered' || outcome === '') continue;
      label = `signal → ${outcome}`;
    } else {
      label =
        trace.strategies[trace.strategy[i]]?.reasonNames[trace.reason[i]] ?? `reason ${trace.reason[i]}`;
      if (label === 'WARMUP') continue;
    }
    const list = byLabel.get(label) ?? [];
    list.push(i);
    byLabel.set(label, list);
  }
  const labels = [...byLabel.keys()].sort();
  const picks: { symbol: string; at: number; label: string }[] = [];
  const perLabel = labels.length === 0 ? 0 : Math.ceil(count / labels.length);
  for (let k = 0; k < perLabel && picks.length < count; k++) {
    for (const label of labels) {
      if (picks.length >= count) break;
      const list = byLabel.get(label) ?? [];
      if (k >= list.length) continue;
      const take = Math.min(perLabel, list.length);
      const i = list[Math.floor(((k + 0.5) * list.length) / take)];
      picks.push({ symbol: trace.symbols[trace.symbol[i]], at: trace.ts[i], label });
    }
  }
  return picks;
}

/**
 * Draws the signal charts of a run's trades (up to `maxTrades`) and of a sample of rejected candidates
 * into `<dir>/charts/` as small self-contained HTML pages (chart + gate trace), and writes the index.
 */
export async function writeRunCharts(
  dir: string,
  result: { readonly trades: readonly TradeRecord[]; readonly trace: DecisionTrace },
  opts: RunChartsOptions,
): Promise<ChartIndex> {
  // each chart costs ~0.15 s of CPU (vega-lite compile, vega parse, render): a long run charts the
  // trades that moved equity most
  const maxTrades = opts.maxTrades ?? 20;
  const smcTrades = result.trades.filter((t) => opts.smcStrategyIds.includes(t.strategyId));
  const charted =
    smcTrades.length <= maxTrades
      ? smcTrades
      : [...smcTrades]
          .sort((a, b) => Math.abs(Number(b.netPnl)) - Math.abs(Number(a.netPnl)) || a.entryTs - b.entryTs)
          .slice(0, maxTrades)
          .sort((a, b) => a.entryTs - b.entryTs);
  const rejected = sampleRejected(result.trace, opts.smcStrategyIds, opts.rejected ?? 6);
  const wanted = [
    ...charted.map((t) => ({ symbol: t.symbol, at: t.entryTs, label: t.side, trade: true })),
    ...rejected.map((r) => ({ ...r, trade: false })),
  ];
  const bySymbol = new Map<string, typeof wanted>();
  for (const w of wanted) {
    if (opts.candles[w.symbol] === undefined) continue;
    const list = bySymbol.get(w.symbol) ?? [];
    list.push(w);
    bySymbol.set(w.symbol, list);
  }
  mkdirSync(join(dir, CHARTS_DIR), { recursive: true });
  const index: ChartIndex = { trades: [], rejected: [], tradesWithout: result.trades.length };
  for (const [symbol, list] of bySymbol) {
    const base = opts.candles[symbol];
    const builder = new SignalContextBuilder(base, opts.strategy);
    const trades = chartTradesOf(result.trades.filter((t) => t.symbol === symbol));
    for (const w of list) {
      const context = builder.context(w.at, { barsBefore: 90, barsAfter: 30 });
      const spec = signalChartSpec(context, { trades, width: 640, height: 320 });
      const svg = await renderSvg(spec);
      const file = `${CHARTS_DIR}/${chartFileId(symbol, w.at)}${w.trade ? '' : '-rejected'}.html`;
      writeFileSync(join(dir, file), signalChartHtml({ context, spec, svg }));
      const entry = { symbol, at: w.at, file, label: w.label };
      if (w.trade) index.trades.push(entry);
      else index.rejected.push(entry);
    }
  }
  index.tradesWithout = result.trades.length - index.trades.length;
  writeFileSync(join(dir, CHARTS_DIR, CHART_INDEX), `${JSON.stringify(index, null, 1)}\n`);
  return index;
}

/** The chart index of a run directory, or null when it has no charts. */
export function readChartIndex(dir: string): ChartIndex | null {
  const path = join(dir, CHARTS_DIR, CHART_INDEX);
  if (!existsSync(path)) return null;
  const parsed = IndexSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new UserError(
      `${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')} (delete the charts folder or rerun the backtest)`,
    );
  }
  return parsed.data;
}
