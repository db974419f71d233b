/**
 * Operations of a live run (seed §3b, §7, §12, §13): the {@link Ops} assembly the live runner plugs in,
 * and its parts — metrics, health, the ops HTTP server, the daily summary, the status file, the logger.
 */
export {
  type CycleReport,
  type CycleSummaryFields,
  cycleReportFrom,
  formatCycleSummary,
  logCycleSummary,
} from './cycle.ts';
export { type DailyLossRollover, type DailySummaryOptions, DailySummaryScheduler } from './daily-summary.ts';
export type { ClosedTradesReader, OpsDataSource, OpsPosition, OpsStatus } from './data-source.ts';
export { HealthMonitor, type HealthOptions, type HealthReport, type HealthStatus } from './health.ts';
export { createLogger, LOG_EVENTS, type LoggerOptions, logLevelFromEnv } from './logger.ts';
export { OpsMetrics, type OpsMetricsOptions } from './metrics.ts';
export {
  type BrokerObserver,
  type ObservableStore,
  observeBroker,
  observeStore,
  type StoreObserver,
} from './observe.ts';
export { OpsState } from './ops-state.ts';
export { Ops, type OpsOptions } from './runtime.ts';
export { buildOpsApp, type OpsServer, startOpsServer } from './server.ts';
export {
  buildStatusSnapshot,
  defaultLiveStorePath,
  readStatusFile,
  StatusFileWriter,
  type StatusSnapshot,
  StatusSnapshotSchema,
  statusFilePathFor,
  writeStatusFile,
} from './status-file.ts';
export {
  formatSnapshotReport,
  formatStoreReport,
  liveStoreTrades,
  processAlive,
  readStoreReport,
  type StoreReport,
} from './status-report.ts';
