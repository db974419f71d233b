// Loads the smc-lab public API into a notebook (tslab kernel).
//
// Why this file: tslab compiles each cell with its own bundled TypeScript 5.0 into CommonJS, rooted at the
// notebook's folder. It cannot compile the project's ESM sources (`.ts` import extensions, import.meta,
// files outside the notebook folder), so cells `require` this small ES module, which loads the project
// through tsx (the same loader `smc` runs on):
//
//   const { loadSmc } = require('./smc.mjs');
//   const smc = await loadSmc();
//
// `smc` is the package's main export (../index.ts). Until every name the notebooks use is exported
// there, the missing ones are taken from their module paths (FALLBACK below) and listed once on stderr,
// so the notebooks run either way and the gap stays visible.
import { existsSync } from 'node:fs';
import { tsImport } from 'tsx/esm/api';

/** Every name the notebooks use → the module that defines it (relative to the repository root). */
const FALLBACK = {
  CandleStore: 'data/store/candle-store.ts',
  importBundledSample: 'data/io/bundled-sample.ts',
  resample: 'data/resample/resample.ts',
  checkResample: 'data/resample/check-resample.ts',
  findGaps: 'data/validate/gaps.ts',
  TIMEFRAME_MS: 'data/timeframes.ts',
  runBacktest: 'engine/backtest/run.ts',
  parseBacktestConfig: 'engine/backtest/config.ts',
  outcomeOf: 'engine/research/jobs/backtest-outcome.ts',
  compareOutcomes: 'engine/research/compare/compare.ts',
  runWalkForward: 'engine/research/walkforward.ts',
  walkForwardWindows: 'engine/research/walkforward.ts',
  expandGrid: 'engine/research/grid/expand.ts',
  parseObjective: 'engine/research/grid/grid-file.ts',
  ResearchConfigSchema: 'engine/research/config-schema.ts',
  warmupMs: 'engine/research/config-schema.ts',
  ResearchPool: 'engine/research/pool/pool.ts',
  parseStrategyConfig: 'strategies/smc/config.ts',
  runPipeline: 'strategies/smc/pipeline.ts',
  withHigherTimeframes: 'strategies/smc/scan.ts',
  GATES: 'strategies/smc/decision.ts',
  REASON_NAMES: 'strategies/smc/decision.ts',
  renderSvg: 'reports/vega/render.ts',
  svgToPng: 'reports/render/png.ts',
  equitySpec: 'reports/backtest/specs.ts',
  drawdownSpec: 'reports/backtest/specs.ts',
  funnelSpec: 'reports/backtest/specs.ts',
  buildSignalChart: 'reports/chart/signal-chart.ts',
  gateRows: 'reports/chart/gate-trace.ts',
  monthlyReturnsSpec: 'reports/specs/monthly-returns.ts',
  returnDistributionSpec: 'reports/specs/return-distribution.ts',
  pnlVsHoldingSpec: 'reports/specs/pnl-vs-holding.ts',
  symbolResultsSpec: 'reports/specs/symbol-results.ts',
  symbolResults: 'reports/specs/symbol-results.ts',
  monthlyReturns: 'reports/specs/monthly-returns.ts',
  chartTradesOf: 'reports/chart/signal-chart.ts',
  underwater: 'engine/metrics/drawdown.ts',
  dailyReturnsFromEquity: 'engine/research/stats/daily-returns.ts',
  parseVariantsFile: 'engine/research/compare/variants-file.ts',
  resolveVariants: 'engine/research/compare/variants-file.ts',
  parseGridFile: 'engine/research/grid/grid-file.ts',
  SmcStrategy: 'strategies/smc/pipeline.ts',
  lowerBound: 'data/candles/series.ts',
  readParquetCandles: 'data/io/parquet.ts',
  validateCandles: 'data/validate/validate-candles.ts',
  bundledSampleFiles: 'data/io/bundled-sample.ts',
};

/** The research pool's backtest job module, for `new ResearchPool({ jobModule: BACKTEST_JOB, … })`. */
export const BACKTEST_JOB = new URL('../engine/research/jobs/backtest-job.ts', import.meta.url).href;

const MAIN = new URL('../index.ts', import.meta.url);
let loaded;

/** The public API (loaded once per kernel). */
export async function loadSmc() {
  if (loaded) return loaded;
  const api = existsSync(MAIN) ? { ...(await tsImport(MAIN.href, import.meta.url)) } : {};
  const missing = Object.keys(FALLBACK).filter((name) => !(name in api));
  const modules = new Map();
  for (const name of missing) {
    const path = FALLBACK[name];
    if (!modules.has(path))
      modules.set(path, await tsImport(new URL(`../${path}`, import.meta.url).href, import.meta.url));
    const value = modules.get(path)[name];
    if (value === undefined) throw new Error(`notebooks/smc.mjs: ${path} does not export ${name}`);
    api[name] = value;
  }
  if (missing.length > 0) {
    const where = existsSync(MAIN) ? 'index.ts does not export' : 'index.ts does not exist yet; loaded';
    process.stderr.write(`notebooks/smc.mjs: ${where} ${missing.join(', ')} (taken from their modules)\n`);
  }
  api.BACKTEST_JOB = BACKTEST_JOB;
  loaded = api;
  return api;
}

/**
 * Runs `fn` on the notebooks' candle store (.local/notebooks.duckdb, the bundled sample imported into it
 * on first use) and closes it again, so the DuckDB file is never left locked by an idle kernel.
 */
export async function withSampleStore(fn) {
  const smc = await loadSmc();
  const path = new URL('../.local/notebooks.duckdb', import.meta.url).pathname;
  const store = await smc.CandleStore.open(path);
  try {
    await smc.importBundledSample(store);
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** "2021-10-26 14:00" (UTC) from epoch ms. */
export function utc(ms) {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 16).replace('T', ' ') : '—';
}

function cell(v) {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return '—';
    return Number.isInteger(v)
      ? v.toLocaleString('en-US')
      : v.toLocaleString('en-US', { maximumSignificantDigits: 5 });
  }
  if (v === null || v === undefined) return '—';
  return String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/**
 * Display helpers bound to tslab's display (`import * as tslab from 'tslab'`):
 * `show(spec)` renders a vega-lite spec to inline SVG with the report code (offline, no script);
 * `table(df, title)` shows a danfo DataFrame (or an array of row objects) as an HTML table.
 */
export function notebookDisplay(display) {
  return {
    async show(spec) {
      const smc = await loadSmc();
      display.html(await smc.renderSvg(spec));
    },
    table(df, title = '') {
      const columns = Array.isArray(df) ? Object.keys(df[0] ?? {}) : df.columns;
      const values = Array.isArray(df) ? df.map((r) => columns.map((c) => r[c])) : df.values;
      const index = Array.isArray(df) ? null : df.index;
      const named = index?.some((x) => typeof x === 'string') === true;
      const head = `<tr>${named ? '<th></th>' : ''}${columns.map((c) => `<th>${cell(c)}</th>`).join('')}</tr>`;
      const body = values
        .map(
          (row, i) =>
            `<tr>${named ? `<th>${cell(index[i])}</th>` : ''}${row.map((v) => `<td>${cell(v)}</td>`).join('')}</tr>`,
        )
        .join('');
      display.html(`${title ? `<b>${cell(title)}</b>` : ''}<table>${head}${body}</table>`);
    },
  };
}
