/**
 * File names inside a backtest run directory (SPEC §7). `smc report`, sweeps and notebooks find the
 * parts by these names.
 */
export const RUN_FILES = {
  result: 'result.json',
  tradesCsv: 'trades.csv',
  tradesParquet: 'trades.parquet',
  equity: 'equity.parquet',
  decisions: 'decisions.parquet',
  orders: 'orders.parquet',
  fills: 'fills.parquet',
  report: 'report.html',
} as const;

/** Header of trades.csv and trades.parquet (snake_case), in order; times are ISO 8601 UTC. */
export const TRADE_COLUMNS = [
  'strategy',
  'symbol',
  'side',
  'entry_time',
  'exit_time',
  'entry_price',
  'exit_price',
  'qty',
  'fees',
  'funding',
  'pnl',
  'net_pnl',
  'exit_reason',
] as const;
