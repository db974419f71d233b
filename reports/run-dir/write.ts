import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BacktestResult } from '../../engine/backtest/types.ts';
import { underwater } from '../../engine/metrics/drawdown.ts';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import { buildBacktestReport } from '../backtest/html.ts';
import { type ChartIndex, type RunChartsOptions, writeRunCharts } from '../chart/run-charts.ts';
import { toCsv } from './csv.ts';
import { RUN_FILES, TRADE_COLUMNS } from './layout.ts';
import { writeParquet } from './parquet.ts';

export interface WriteRunOptions {
  /** The resolved config the run used; stored in result.json so the run can be reproduced. */
  readonly config: unknown;
  /** Report title (default "Backtest report"). */
  readonly title?: string;
  /** Other versions to record (e.g. node, duckdb). */
  readonly versions?: Readonly<Record<string, string>>;
  /**
   * Candles and SMC config to draw the signal charts of the trades and of a sample of rejected
   * candidates into charts/ (linked from report.html); no charts without it.
   */
  readonly charts?: RunChartsOptions;
}

export interface RunDirSummary {
  readonly dir: string;
  readonly files: Record<keyof typeof RUN_FILES, string>;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function tradeRow(t: TradeRecord): (string | number)[] {
  return [
    t.strategyId,
    t.symbol,
    t.side,
    new Date(t.entryTs).toISOString(),
    new Date(t.exitTs).toISOString(),
    t.entryPrice,
    t.exitPrice,
    t.qty,
    t.fees,
    t.funding,
    t.pnl,
    t.netPnl,
    t.exitReason,
  ];
}

/**
 * The result.json of a backtest run: everything but the long tables, which sit beside it as Parquet and
 * CSV. Plain JSON (numbers, strings, nulls).
 */
export function resultJson(result: BacktestResult, opts: WriteRunOptions): Record<string, unknown> {
  return {
    kind: 'backtest',
    schema: result.schema,
    versions: { 'smc-lab': result.packageVersion, ...(opts.versions ?? {}) },
    configHash: result.configHash,
    dataHash: result.dataHash,
    resultHash: result.resultHash,
    symbols: result.symbols,
    baseTimeframe: result.baseTimeframe,
    from: iso(result.from),
    to: iso(result.to),
    fromMs: result.from,
    toMs: result.to,
    startEquity: result.startEquity,
    metrics: result.metrics,
    funnel: result.funnel,
    counts: {
      trades: result.trades.length,
      equityPoints: result.equity.ts.length,
      decisions: result.trace.length,
      orders: result.intents.length,
      fills: result.fills.length,
    },
    files: RUN_FILES,
    config: opts.config,
  };
}

/**
 * Writes a backtest run directory (SPEC §7): result.json, trades (CSV with exact decimals + Parquet),
 * equity curve, decision trace, orders and fills (Parquet), and report.html. Creates `dir`; overwrites
 * the files of an earlier run there.
 */
export async function writeBacktestRun(
  dir: string,
  result: BacktestResult,
  opts: WriteRunOptions,
): Promise<RunDirSummary> {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true });
  const path = (k: keyof typeof RUN_FILES) => join(root, RUN_FILES[k]);
  const meta = {
    smc_result_hash: result.resultHash,
    smc_config_hash: result.configHash,
    smc_data_hash: result.dataHash,
  };

  writeFileSync(path('result'), `${JSON.stringify(resultJson(result, opts), null, 2)}\n`);
  writeFileSync(path('tradesCsv'), toCsv(TRADE_COLUMNS, result.trades.map(tradeRow)));

  const trades = result.trades;
  await writeParquet(
    path('tradesParquet'),
    [
      { name: 'strategy', kind: 'text', values: trades.map((t) => t.strategyId) },
      { name: 'symbol', kind: 'text', values: trades.map((t) => t.symbol) },
      { name: 'side', kind: 'text', values: trades.map((t) => t.side) },
      { name: 'entry_time', kind: 'time', values: trades.map((t) => t.entryTs) },
      { name: 'exit_time', kind: 'time', values: trades.map((t) => t.exitTs) },
      // Money as float64 for analysis; trades.csv keeps the exact decimals.
      { name: 'entry_price', kind: 'double', values: trades.map((t) => Number(t.entryPrice)) },
      { name: 'exit_price', kind: 'double', values: trades.map((t) => Number(t.exitPrice)) },
      { name: 'qty', kind: 'double', values: trades.map((t) => Number(t.qty)) },
      { name: 'fees', kind: 'double', values: trades.map((t) => Number(t.fees)) },
      { name: 'funding', kind: 'double', values: trades.map((t) => Number(t.funding)) },
      { name: 'pnl', kind: 'double', values: trades.map((t) => Number(t.pnl)) },
      { name: 'net_pnl', kind: 'double', values: trades.map((t) => Number(t.netPnl)) },
      { name: 'exit_reason', kind: 'text', values: trades.map((t) => t.exitReason) },
    ],
    meta,
  );

  await writeParquet(
    path('equity'),
    [
      { name: 'ts', kind: 'time', values: result.equity.ts },
      { name: 'equity', kind: 'double', values: result.equity.equity },
      { name: 'drawdown', kind: 'double', values: underwater(result.equity) },
    ],
    meta,
  );

  const tr = result.trace;
  const reasonNames: string[] = [];
  const reasonCode = new Float64Array(tr.length);
  const reasonIndex = new Map<string, number>();
  for (let i = 0; i < tr.length; i++) {
    const name = tr.strategies[tr.strategy[i]]?.reasonNames[tr.reason[i]] ?? `reason_${tr.reason[i]}`;
    let code = reasonIndex.get(name);
    if (code === undefined) {
      code = reasonNames.length;
      reasonNames.push(name);
      reasonIndex.set(name, code);
    }
    reasonCode[i] = code;
  }
  await writeParquet(
    path('decisions'),
    [
      { name: 'ts', kind: 'time', values: tr.ts },
      { name: 'symbol', kind: 'dict', codes: tr.symbol, dictionary: tr.symbols },
      { name: 'strategy', kind: 'dict', codes: tr.strategy, dictionary: tr.strategies.map((s) => s.id) },
      {
        name: 'action',
        kind: 'dict',
        codes: Int8Array.from(tr.action, (a) => a + 1),
        dictionary: ['SHORT', 'NO_SIGNAL', 'LONG'],
      },
      { name: 'reason', kind: 'dict', codes: reasonCode, dictionary: reasonNames },
      { name: 'outcome', kind: 'dict', codes: tr.outcome, dictionary: tr.outcomes },
      { name: 'close', kind: 'double', values: tr.close },
    ],
    meta,
  );

  const o = result.intents;
  await writeParquet(
    path('orders'),
    [
      { name: 'ts', kind: 'time', values: o.map((x) => x.ts) },
      { name: 'action', kind: 'text', values: o.map((x) => x.actionType) },
      { name: 'strategy', kind: 'text', values: o.map((x) => x.strategyId) },
      { name: 'position_id', kind: 'text', values: o.map((x) => x.positionId) },
      { name: 'symbol', kind: 'text', values: o.map((x) => x.symbol) },
      { name: 'side', kind: 'text', values: o.map((x) => x.side) },
      { name: 'qty', kind: 'text', values: o.map((x) => x.qty) },
      { name: 'price', kind: 'text', values: o.map((x) => x.price) },
      { name: 'client_id', kind: 'text', values: o.map((x) => x.clientId) },
      { name: 'order_id', kind: 'text', values: o.map((x) => x.orderId) },
      { name: 'reason', kind: 'text', values: o.map((x) => x.reason) },
      { name: 'status', kind: 'text', values: o.map((x) => x.status) },
    ],
    meta,
  );

  const f = result.fills;
  await writeParquet(
    path('fills'),
    [
      { name: 'ts', kind: 'time', values: f.map((x) => x.ts) },
      { name: 'client_id', kind: 'text', values: f.map((x) => x.clientId) },
      { name: 'symbol', kind: 'text', values: f.map((x) => x.symbol) },
      { name: 'side', kind: 'text', values: f.map((x) => x.side) },
      { name: 'qty', kind: 'text', values: f.map((x) => x.qty) },
      { name: 'price', kind: 'text', values: f.map((x) => x.price) },
      { name: 'fee', kind: 'text', values: f.map((x) => x.fee) },
      { name: 'liquidity', kind: 'text', values: f.map((x) => x.liquidity) },
      { name: 'reduce_only', kind: 'bool', values: f.map((x) => x.reduceOnly) },
    ],
    meta,
  );

  const charts: ChartIndex | null = opts.charts ? await writeRunCharts(root, result, opts.charts) : null;
  writeFileSync(path('report'), await buildBacktestReport(result, opts.title, charts));
  return {
    dir: root,
    files: Object.fromEntries(
      Object.entries(RUN_FILES).map(([k, v]) => [k, join(root, v)]),
    ) as RunDirSummary['files'],
  };
}
