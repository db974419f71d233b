/**
 * smc-lab's public API: everything the `smc` command does, callable from code and notebooks.
 *
 * Grouped as the data flows — data → strategies → engine → workflows (run directories) → reports:
 * - **data**: the candle model, timeframes, the DuckDB candle store, import/export, resampling, symbols,
 *   synthetic candles, the market registry and the bundled real sample;
 * - **strategies**: the SMC pipeline and its configuration, gates and reason codes, the SMC primitives
 *   (batch helpers), the Strategy interface and the EMA-crossover reference strategy;
 * - **engine**: `runBacktest` and its config, the Trader, the simulated broker, metrics, config loading
 *   and the research tools (grids, sweeps, walk-forward, comparison statistics);
 * - **workflows** (api/): what each `smc` command does — backtest, sweep, walk-forward, compare, scan,
 *   demo — as functions with typed options and results, progress callbacks and AbortSignals;
 * - **reports**: backtest run directories and reports, chart rendering, signal charts.
 *
 * Every export is re-exported by name from the module that owns it; see there for details.
 *
 * @example
 * ```ts
 * import { backtestFromStore, runDemo } from 'smc-lab';
 * await runDemo({ db: '.local/smc.duckdb' });
 * const { result } = await backtestFromStore({ db: '.local/smc.duckdb', symbols: ['BTC'], out: 'runs/btc' });
 * console.log(result.metrics.sharpe);
 * ```
 *
 * @packageDocumentation
 */

// ─── data ────────────────────────────────────────────────────────────────────────────────────────────

/** Columnar candles (float64 typed arrays) and helpers to build, slice and search them. */
export {
  allocateSeries,
  type CandleSeries,
  lowerBound,
  OHLCV_COLUMNS,
  type OhlcvColumn,
  type SeriesIdentity,
  seriesFromColumns,
  sliceSeries,
} from './data/candles/series.ts';
/** A user-facing error: the message names the field or flag and the fix; `details` lists row-level lines. */
export { UserError } from './data/errors.ts';
/** The Arrow IPC candle file format. */
export { readArrowCandles, writeArrowCandles } from './data/io/arrow.ts';
/** The bundled real sample (Binance USD-M perpetuals) and importing it into a store. */
export {
  BUNDLED_SAMPLE_DIR,
  bundledSampleFiles,
  importBundledSample,
  type SampleFileStatus,
} from './data/io/bundled-sample.ts';
/** CSV candle files. */
export { type CsvReadOptions, readCsvCandles } from './data/io/csv-read.ts';
/** Writing a series as CSV. */
export { type CsvWriteOptions, writeCsvCandles } from './data/io/csv-write.ts';
/** Exporting a stored series as CSV, Parquet or Arrow IPC. */
export { type ExportOptions, type ExportReport, exportCandles } from './data/io/export-candles.ts';
/** Importing candle files (validated; repaired only when asked) into a store. */
export {
  type FileImportReport,
  type ImportOptions,
  type ImportOutcome,
  importCandleFile,
  importCandlePaths,
  prepareCandleFile,
} from './data/io/import-candles.ts';
/** Parquet candle files. */
export { readParquetCandles, writeParquetCandles } from './data/io/parquet.ts';
/** Candles as read from a file, before validation. */
export type { RawCandles } from './data/io/raw-candles.ts';
/** The market registry: tiers A/B/C, pinned Tier A, refresh cadence, shrink protection. */
export {
  applyDiscovery,
  classifyMarket,
  type Discovery,
  discoverUniverse,
  MarketRegistry,
  type MarketRegistryConfig,
  MarketRegistryConfigSchema,
  type MarketSnapshot,
  PINNED_TIER_A,
  parseMarketRegistryConfig,
  type Tier,
  type TieredSymbol,
  type UniverseState,
} from './data/markets/index.ts';
/** Checking resampled bars against imported higher-timeframe bars of the same symbol. */
export {
  checkResample,
  type ResampleCheck,
  type ResampleCheckOptions,
} from './data/resample/check-resample.ts';
/** Bar-by-bar comparison of two series of the same timeframe. */
export { compareSeries, type SeriesComparison } from './data/resample/compare.ts';
/** Resampling a base series to a higher timeframe (UTC-aligned). */
export { type ResampleOptions, type ResamplePolicy, resample } from './data/resample/resample.ts';
/** The DuckDB candle store. */
export {
  CandleStore,
  type ReadRange,
  type SeriesKey,
  type SeriesSummary,
  type UpsertResult,
} from './data/store/candle-store.ts';
/** Symbol forms: canonical (`BTC`), ccxt (`BTC/USD:USD`), Kraken Futures (`PF_XBTUSD`). */
export {
  type CanonicalSymbol,
  canonicalSymbol,
  fromKrakenFuturesSymbol,
  parseSymbolList,
  toCcxtSymbol,
  toKrakenFuturesSymbol,
} from './data/symbols/symbols.ts';
/** Synthetic candles: seeded regime-switching random walks, scripted paths, a 45-symbol universe. */
export {
  generateSynthetic,
  generateUniverse,
  type Leg,
  REGIMES as SYNTHETIC_REGIMES,
  type Regime as SyntheticRegime,
  SYNTHETIC_UNIVERSE_45,
  type SyntheticOptions,
  type SyntheticResult,
  seriesFromCloses,
  seriesFromLegs,
  syntheticSeries,
} from './data/synthetic/index.ts';
/** Timeframes ('15m' | '1h' | '4h' | '1d'), their lengths and bar alignment. */
export {
  alignDown,
  closeTime,
  parseTimeframe,
  TIMEFRAME_MS,
  TIMEFRAMES,
  type Timeframe,
  TimeframeSchema,
} from './data/timeframes.ts';
/** Validating raw candles: duplicates, gaps, non-monotonic or non-finite rows. */
export { findGaps, type Gap } from './data/validate/gaps.ts';
/** Row-level validation of raw candles before they are stored. */
export { type ValidationReport, validateCandles } from './data/validate/validate-candles.ts';

// ─── strategies ──────────────────────────────────────────────────────────────────────────────────────

/** The EMA-crossover reference strategy. */
export { type EmaCrossParams, EmaCrossStrategy } from './strategies/ema-cross/ema-cross.ts';
/** The SMC strategy: config, gates and reason codes, the batch pipeline and funnel, the live stepper. */
export {
  type Bar,
  buildFunnel,
  countFunnel,
  createSmcStrategy,
  DEFAULT_STRATEGY_CONFIG,
  type DecisionColumns,
  FeatureCache,
  type Funnel as GateFunnel,
  type FunnelCounts as GateFunnelCounts,
  formatFunnelTable,
  funnelAddsUp,
  GATES,
  type Gate,
  type PipelineOptions,
  type PipelineResult,
  PreparedSmc,
  parseStrategyConfig,
  REASON,
  REASON_NAMES,
  REASONS,
  REGIMES,
  type ReasonCode,
  type Regime,
  runPipeline,
  SMC_STRATEGY_ID,
  type SmcDecision,
  SmcStepper,
  SmcStrategy,
  type SmcStrategyOptions,
  type SmcTrace,
  type StrategyConfig,
  type StrategyConfigInput,
  StrategyConfigSchema,
  scanFunnel,
  smcTimeframes,
  smcWarmupBars,
  strategySectionOf,
  warmupStart,
  withHigherTimeframes,
} from './strategies/smc/index.ts';
/** SMC primitives as batch helpers over bars (reference-conformant), and their incremental detectors. */
export {
  type Bars,
  BosChochDetector,
  bosChoch,
  FvgDetector,
  type FvgEvent,
  fairValueGaps,
  LiquidityDetector,
  type LiquidityEvent,
  liquidity,
  OrderBlockDetector,
  type OrderBlockEvent,
  orderBlocks,
  PreviousHighLowTracker,
  previousHighLow,
  type ReferenceTable,
  RetracementTracker,
  retracements,
  type StructureEvent,
  SwingDetector,
  type SwingEvent,
  swingHighsLows,
} from './strategies/smc/primitives/index.ts';
/** One SMC primitive over bars in the smartmoneyconcepts reference's column layout (`smc indicators`). */
export {
  DEFAULT_REFERENCE_PARAMS,
  REFERENCE_KINDS,
  type ReferenceKind,
  type ReferenceParams,
  referenceTable,
} from './strategies/smc/primitives/reference/kinds.ts';
/** The Strategy interface every strategy implements, and the decision vocabulary. */
export {
  ACTION_CODE,
  type Action,
  type ActionCode,
  actionName,
  type CandlesByTimeframe,
  type Decision,
  type PreparedStrategy,
  type Strategy,
  type StrategyInput,
  type TraceValue,
} from './strategies/strategy.ts';

// ─── engine ──────────────────────────────────────────────────────────────────────────────────────────

/** Loading and validating the trading config (defaults + YAML + overrides, cross-field invariants). */
export { checkConfigInvariants, type RuleViolation } from './config/invariants.ts';
/** The config loader: shipped defaults, a YAML file and overrides, deep-merged and validated. */
export { deepMerge, loadConfig, loadDefaultsRaw, resolveConfig } from './config/load.ts';
/** The trading config schema (strategy, risk, positions, safety, sim). */
export { type SmcConfig, type SmcConfigInput, SmcConfigSchema } from './config/schema.ts';
/** The backtest config: the trading config plus the `backtest:` section (strategies, trace, safety). */
export {
  type BacktestConfig,
  type BacktestConfigInput,
  BacktestConfigSchema,
  parseBacktestConfig,
  type StrategySpec,
} from './engine/backtest/config.ts';
/** The candles a backtest runs on. */
export { type BacktestFeed, feedHash } from './engine/backtest/feed.ts';
/** Deterministic content hashes (config, data and result identities). */
export { contentHash } from './engine/backtest/hash.ts';
/** One deterministic backtest: `runBacktest(config, feed)` → plain-data result. */
export { type RunBacktestOptions, runBacktest } from './engine/backtest/run.ts';
/** What a backtest returns: metrics, trades, equity curve, decision trace, funnel, orders and fills. */
export type {
  BacktestResult,
  DecisionTrace,
  Funnel as BacktestFunnel,
  StrategyFunnel,
  TraceFill,
  TraceIntent,
} from './engine/backtest/types.ts';
/** The venue interface the engine trades through (backtest and live), in decimal.js. */
export {
  type Account,
  type Broker,
  BrokerError,
  type BrokerErrorKind,
  type Fill,
  type Instrument,
  type Order,
  type OrderRequest,
  type OrderType,
  type Position,
  type Side,
} from './engine/broker.ts';
/** Time and randomness for deterministic code. */
export { type Clock, SimulatedClock } from './engine/clock.ts';
/** The engine's logger interface; `RecordingLogger` keeps records for assertions. */
export { type Logger, RecordingLogger, silentLogger } from './engine/log.ts';
/** Performance statistics of an equity curve and its trades. */
export {
  computeMetrics,
  type Metrics,
  type MetricsInput,
  SCALAR_METRICS,
  type ScalarMetric,
} from './engine/metrics/compute.ts';
/** The drawdown (underwater) curve of an equity curve. */
export { underwater } from './engine/metrics/drawdown.ts';
/** Trades (decimal strings) and the equity curve, as a backtest reports them. */
export type { EquityCurve, TradeRecord } from './engine/metrics/trade-record.ts';
/** Trade statistics of a group (by exit reason, by symbol). */
export type { GroupStats } from './engine/metrics/trade-stats.ts';
/** Variant comparison: side-by-side metrics, bootstrap differences, PSR/DSR, PBO. */
export {
  COMPARE_METRICS,
  type CompareOptions as CompareOutcomesOptions,
  type Comparison,
  compareOutcomes,
  type NamedOutcome,
  type VariantDifference,
  type VariantRow,
} from './engine/research/compare/compare.ts';
/** Variants files: named config overrides compared against a baseline. */
export {
  parseVariantsFile,
  resolveVariants,
  type VariantsFile,
  VariantsFileSchema,
} from './engine/research/compare/variants-file.ts';
/** The config schema every grid point and variant is validated against, and a config's warm-up. */
export { ResearchConfigSchema, warmupMs } from './engine/research/config-schema.ts';
/** Parameter grids: files, objectives and their expansion into validated configs. */
export {
  type ExpandedConfig,
  type ExpandedGrid,
  expandGrid,
  type ParamAxis,
} from './engine/research/grid/expand.ts';
/** Grid files: objective, constraints, search and dotted-path parameters. */
export {
  type GridFile,
  GridFileSchema,
  type Objective,
  type ParamValue,
  parseGridFile,
  parseObjective,
} from './engine/research/grid/grid-file.ts';
/** What one research backtest reports back to the pool, and that outcome of a full backtest result. */
export { funnelRecord, outcomeOf } from './engine/research/jobs/backtest-outcome.ts';
/** The outcome types of research backtests (metrics, daily returns, funnel; curves when asked). */
export type { BacktestSpan, ConfigOutcome, ConfigTask } from './engine/research/outcome.ts';
/** The Piscina research pool (shared-memory candles, results in task order). */
export { type PoolOptions, ResearchPool } from './engine/research/pool/pool.ts';
/** Research progress: configs done, rate and ETA. */
export type { ProgressInfo } from './engine/research/pool/progress.ts';
/** The resumable, fsync'd results log of a research run (results.jsonl). */
export { ResultLogWriter, readResultLog, resultKey } from './engine/research/pool/results-log.ts';
/** Research statistics: block bootstrap, daily returns, PBO (CSCV), Sharpe inference (PSR, DSR). */
export {
  type BlockMethod,
  type BootstrapInterval,
  type BootstrapOptions,
  blockBootstrap,
  differenceInterval,
} from './engine/research/stats/bootstrap.ts';
/** Daily returns from an equity curve, and aligning several on common days. */
export {
  alignDaily,
  type DailyReturns,
  dailyReturnsFromEquity,
} from './engine/research/stats/daily-returns.ts';
/** Probability of backtest overfitting by combinatorially symmetric cross-validation (CSCV). */
export { type CscvResult, probabilityOfBacktestOverfitting } from './engine/research/stats/pbo.ts';
/** Statistics of daily returns (annualised Sharpe and Sortino, total return, max drawdown). */
export {
  annualisedSharpe,
  annualisedSortino,
  maxDrawdownOfReturns,
  totalReturn,
} from './engine/research/stats/return-stats.ts';
/** Sharpe ratio inference: probabilistic (PSR) and deflated (DSR) Sharpe ratios. */
export {
  type DeflatedSharpe,
  deflatedSharpeRatio,
  expectedMaxSharpe,
  probabilisticSharpeRatio,
  type SharpeSample,
  sharpeSampleOf,
} from './engine/research/stats/sharpe-inference.ts';
/** Sweeps over an expanded grid, and walk-forward analysis, on a research pool. */
export {
  runSweep,
  type SweepRow,
  type SweepRun,
  type SweepRunOptions,
  selectBest,
  sweepCsv,
  sweepHash,
  sweepRows,
} from './engine/research/sweep.ts';
/** How far a sweep's best config can be trusted: PSR and DSR of the choice, PBO of the sweep. */
export { type SelectionStatistics, selectionStatistics } from './engine/research/sweep-stats.ts';
/** Walk-forward windows and analysis (choose on train, run on test, stitch out of sample). */
export {
  type ParamStability,
  runWalkForward,
  type WalkForwardResult,
  type Window as WalkForwardWindow,
  type WindowResult,
  walkForwardWindows,
} from './engine/research/walkforward.ts';
/** Seeded randomness for deterministic code. */
export { SeededRng } from './engine/rng.ts';
/** The simulated Kraken-Futures-like venue. */
export {
  defaultInstrument,
  makeInstrument,
  SimBroker,
  type SimBrokerOptions,
  type SimConfig,
  SimConfigSchema,
  simConfig,
} from './engine/sim/index.ts';
/** One trading tick — decisions → auction → risk → orders → positions → safety — as in live mode. */
export { Trader, type TraderDeps, type TraderOptions } from './engine/trader.ts';

// ─── workflows (what the smc commands do) ────────────────────────────────────────────────────────────

/** `smc backtest`: a backtest of stored candles into a run directory. */
export {
  type BacktestFromStoreOptions,
  type BacktestFromStoreResult,
  backtestFromStore,
  backtestRunDir,
} from './api/backtest.ts';
/** Choosing and loading candles from the store for a workflow (base timeframe, warm-up). */
export {
  BASE_TIMEFRAMES,
  baseSeriesOf,
  type CandleQuery,
  type LoadCandlesOptions,
  loadCandles,
  loadFeed,
  openStore,
  pickBaseSeries,
  withStore,
} from './api/candles.ts';
/** `smc compare`: variants or finished run directories compared with bootstrap intervals, PSR/DSR, PBO. */
export {
  type CompareComplete,
  type CompareOutcome,
  type CompareRunOptions,
  type CompareStopped,
  compare,
  outcomeOfRunDir,
} from './api/compare.ts';
/** Config, grid and variants files, loaded and validated with messages that name the field. */
export {
  type ConfigDocument,
  type ConfigSource,
  type GridInput,
  gridOf,
  loadBacktestConfig,
  loadGrid,
  loadResearchConfig,
  loadStrategyConfig,
  loadVariants,
  PACKAGE_VERSION,
  type VariantsInput,
  variantsOf,
} from './api/config.ts';
/** `smc demo`: the bundled sample imported, backtested and reported. */
export {
  DEMO_RUN_DIR,
  type DemoOptions,
  type DemoProgress,
  type DemoSummary,
  demoBacktest,
  importSample,
  runDemo,
  type SampleImportSummary,
} from './api/demo.ts';
/** Zod issues as one line naming each field. */
export { formatZodError } from './api/errors.ts';
/** Progress and warning callbacks of the workflows. */
export type { ProgressCallback, WarningCallback, WarningCode } from './api/progress.ts';
/** Pieces the research workflows share (warm-up, data identity, pool, results log). */
export {
  BACKTEST_JOB,
  type BacktestPool,
  candlesHash,
  loadResearchCandles,
  maxWarmup,
  openBacktestPool,
  openResultsLog,
  scopeSpan,
} from './api/research.ts';
/** `smc scan`: the SMC gate funnel over stored candles. */
export { pickScanSeries, type ScanOutcome, type ScanRunOptions, scan, writeScanRun } from './api/scan.ts';
/** `smc sweep`: every config of a grid, in parallel, resumable. */
export {
  type SweepComplete,
  type SweepDirSummary,
  type SweepOptions,
  type SweepOutcome,
  type SweepStopped,
  sweep,
  writeSweepDir,
} from './api/sweep.ts';
/** `smc walkforward`: per-window optimisation and stitched out-of-sample results. */
export {
  type Duration,
  type OutOfSampleSummary,
  parseDuration,
  type WalkForwardComplete,
  type WalkForwardOutcome,
  type WalkForwardRunOptions,
  type WalkForwardStopped,
  walkForward,
} from './api/walkforward.ts';

// ─── reports ─────────────────────────────────────────────────────────────────────────────────────────

/** The backtest report (self-contained HTML) and its vega-lite chart specs. */
export { type BacktestReportInput, buildBacktestReport } from './reports/backtest/html.ts';
/** Vega-lite specs of the backtest report's charts. */
export {
  drawdownSpec,
  equitySpec,
  exitReasonsSpec,
  funnelSpec,
  symbolPnlSpec,
} from './reports/backtest/specs.ts';
/** Signal charts: candles around a decision with what the engine saw, and the gate trace. */
export { type ChartFromStoreOptions, signalChartFromStore } from './reports/chart/from-store.ts';
/** The gate trace of one SMC decision as table rows (pass / reject / not reached, with values). */
export { type GateRow, type GateStatus, gateRows, verdict } from './reports/chart/gate-trace.ts';
/** Signal charts of a backtest run directory (charts/), linked from its report. */
export {
  CHART_INDEX,
  CHARTS_DIR,
  type ChartIndex,
  type ChartIndexEntry,
  chartFileId,
  type RunChartsOptions,
  readChartIndex,
  sampleRejected,
  tradeChartKey,
  writeRunCharts,
} from './reports/chart/run-charts.ts';
/** A backtest run directory as a chart source (its config, history start and trades). */
export { type RunChartSource, readRunChartSource } from './reports/chart/run-source.ts';
/** Building a signal chart from candles and writing it as PNG, SVG, HTML or JSON. */
export {
  buildSignalChart,
  buildSignalCharts,
  chartTradesOf,
  type SignalChart,
  type SignalChartInput,
  type SignalChartsInput,
  type TradeLike,
  writeSignalChart,
} from './reports/chart/signal-chart.ts';
/** Number, percent, duration and time formatting as the reports show them. */
export { fmtDuration, fmtInt, fmtNumber, fmtPct, fmtTime } from './reports/html/format.ts';
/** The summary-and-table report.html of sweep, walk-forward and compare runs. */
export { minimalReport } from './reports/html/minimal-report.ts';
/** Rendering: SVG to PNG (resvg). */
export { type PngOptions, svgToPng } from './reports/render/png.ts';
/** The backtest report: equity, drawdown, returns, trades, symbols, funnel, linked signal charts. */
export { type BacktestReportOptions, backtestReport } from './reports/report/kinds/backtest.ts';
/** The comparison report: variant − baseline with confidence-interval error bars, metrics side by side. */
export { type CompareReportInput, compareReport, readCompareRun } from './reports/report/kinds/compare.ts';
/** The scan report: the gate funnel in total and by symbol. */
export { readScanRun, type ScanReportInput, scanReport, scanStages } from './reports/report/kinds/scan.ts';
/** The sweep report: heat maps over parameter pairs, parameter sensitivity, selection statistics. */
export { readSweepRun, type SweepReportInput, sweepReport } from './reports/report/kinds/sweep.ts';
/** The walk-forward report: in sample vs out of sample per window, stitched out-of-sample equity. */
export {
  readWalkForwardRun,
  type WalkForwardReportInput,
  walkForwardReport,
} from './reports/report/kinds/walkforward.ts';
/** Reports of every run kind as data: sections of charts (vega-lite specs), tables and notes. */
export {
  type Block,
  type Cell,
  type ChartBlock,
  type NoteBlock,
  type ReportSection,
  type RowBlock,
  RUN_KINDS,
  type RunKind,
  type RunReport,
  reportCharts,
  type TableBlock,
} from './reports/report/model.ts';
/** `smc report DIR`: any run directory's report, its kind read from result.json. */
export { readRunReport, runKindOf, writeRunReportHtml } from './reports/report/read.ts';
/** A report as one self-contained HTML page (inline SVG charts, no script, opens offline). */
export { renderReportHtml, renderReportSvgs } from './reports/report/render-html.ts';
/** A report as HTML, Markdown with PNGs, PNGs (resvg) or JSON. */
export {
  defaultReportOut,
  REPORT_FORMATS,
  type ReportFormat,
  renderReportJson,
  renderReportMarkdown,
  type WrittenReport,
  writeReport,
  writeReportPngs,
} from './reports/report/write.ts';
/** Backtest run directories: writing, reading back, layout. */
export { RUN_FILES, TRADE_COLUMNS } from './reports/run-dir/layout.ts';
/** Reading a backtest run directory back (for reports and comparisons). */
export { readBacktestRun } from './reports/run-dir/read.ts';
/** Writing a backtest result as a run directory (result.json, Parquet/CSV tables, report.html). */
export { type RunDirSummary, type WriteRunOptions, writeBacktestRun } from './reports/run-dir/write.ts';
/** Variant comparison charts: differences with confidence intervals, metrics by variant. */
export { type DifferenceCI, variantDifferencesSpec, variantMetricsSpec } from './reports/specs/compare.ts';
/** Gate funnel charts: decisions left after each gate, where each symbol's decisions ended. */
export { type FunnelStage, gateBySymbolSpec, gateFunnelSpec } from './reports/specs/gate-funnel.ts';
/** Report charts: monthly returns, return distribution, P&L against holding time, results by symbol. */
export { type MonthlyReturn, monthlyReturns, monthlyReturnsSpec } from './reports/specs/monthly-returns.ts';
/** P&L of each trade against its holding time. */
export { type HoldingTrade, pnlVsHoldingSpec } from './reports/specs/pnl-vs-holding.ts';
/** The distribution of daily returns. */
export { returnDistributionSpec } from './reports/specs/return-distribution.ts';
/** Vega-lite specs of the research reports: sweeps, walk-forward, comparisons, the gate funnel. */
export {
  axisOrder,
  type SweepPoint,
  sensitivitySpec,
  shortParamNames,
  sweepBarsSpec,
  sweepHeatmapSpec,
} from './reports/specs/sweep.ts';
/** Per-symbol results of a trade list, and their chart. */
export { type SymbolResult, symbolResults, symbolResultsSpec } from './reports/specs/symbol-results.ts';
/** Walk-forward charts: in sample vs out of sample per window, the stitched out-of-sample curve. */
export { inVsOutOfSampleSpec, oosEquitySpec, type WindowScore } from './reports/specs/walkforward.ts';
/** Rendering: a vega-lite spec to SVG (offline, no browser). */
export { renderSvg } from './reports/vega/render.ts';
/** Hover tooltips for pre-rendered SVG charts (`<title>` from each mark's description). */
export { withSvgTooltips } from './reports/vega/tooltips.ts';
