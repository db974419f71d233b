/**
 * The momentum/breakdown strategy's public surface (seed §5 option 3): configuration and its
 * `backtest.strategies[]` spec, the Strategy, and the decision vocabulary.
 */
export {
  DEFAULT_MOMENTUM_CONFIG,
  MOMENTUM_DEFAULT_ID,
  MOMENTUM_KIND,
  type MomentumConfig,
  type MomentumConfigInput,
  MomentumConfigSchema,
  MomentumConfigShape,
  type MomentumStrategySpec,
  MomentumStrategySpecSchema,
  momentumConfigOfSpec,
  parseMomentumConfig,
} from './config.ts';
export {
  MOMENTUM_GATES,
  MOMENTUM_REASON,
  MOMENTUM_REASON_NAMES,
  MOMENTUM_REASONS,
  MOMENTUM_TRACE_GATES,
  type MomentumDecision,
  type MomentumGate,
  type MomentumTrace,
} from './decision.ts';
export {
  atrColumn,
  atrWarmupBars,
  emaWarmupBars,
  lastClosedBy,
  rollingExtreme,
  smoothingWarmupBars,
} from './indicators.ts';
export {
  MomentumStrategy,
  type MomentumWarmupNeeds,
  momentumTimeframes,
  momentumWarmupNeeds,
  PreparedMomentum,
} from './strategy.ts';
