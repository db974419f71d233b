/**
 * The SMC strategy's public surface (seed §5): configuration, the batch pipeline and funnel, the live
 * stepping API, and the decision vocabulary. The primitives have their own index (./primitives).
 */
export {
  DEFAULT_STRATEGY_CONFIG,
  parseStrategyConfig,
  REGIMES,
  type Regime,
  type StrategyConfig,
  type StrategyConfigInput,
  StrategyConfigSchema,
  strategySectionOf,
} from './config.ts';
export type { Bar } from './context/bar-buffer.ts';
export { FeatureCache } from './context/feature-cache.ts';
export {
  GATES,
  type Gate,
  REASON,
  REASON_NAMES,
  REASONS,
  type ReasonCode,
  type SmcDecision,
  type SmcTrace,
  STRUCTURE_STATUS,
  type StructureStatus,
} from './decision.ts';
export { SMC_STRATEGY_ID } from './describe.ts';
export {
  buildFunnel,
  countFunnel,
  type Funnel,
  type FunnelCounts,
  formatFunnelTable,
  funnelAddsUp,
} from './funnel.ts';
export {
  createSmcStrategy,
  type DecisionColumns,
  type PipelineOptions,
  type PipelineResult,
  PreparedSmc,
  runPipeline,
  SmcStepper,
  SmcStrategy,
  type SmcStrategyOptions,
  smcTimeframes,
  smcWarmupBars,
} from './pipeline.ts';
export { type ScanOptions, type ScanResult, scanFunnel, warmupStart, withHigherTimeframes } from './scan.ts';
