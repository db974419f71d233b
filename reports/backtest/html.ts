import type { BacktestResult } from '../../engine/backtest/types.ts';
import type { ChartIndex } from '../chart/run-charts.ts';
import { backtestReport } from '../report/kinds/backtest.ts';
import { renderReportHtml } from '../report/render-html.ts';

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

/**
 * The backtest report: one self-contained HTML file (inline CSS, charts pre-rendered to inline SVG with
 * hover tooltips, no script and no external reference), so it opens offline from the run directory.
 * `charts` (the run's charts/index.json) links trades and rejected candidates to their signal charts.
 */
export async function buildBacktestReport(
  input: BacktestReportInput,
  title = 'Backtest report',
  charts?: ChartIndex | null,
): Promise<string> {
  return renderReportHtml(backtestReport(input, { title, charts: charts ?? null }));
}
