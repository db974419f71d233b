/**
 * Research at scale (SPEC §5, issue 7): parallel sweeps, walk-forward analysis and variant comparison,
 * with the statistics that make a result survive the number of variants tried.
 */
export * from './compare/compare.ts';
export * from './compare/variants-file.ts';
export * from './config-schema.ts';
export * from './grid/dotted-path.ts';
export * from './grid/expand.ts';
export * from './grid/grid-file.ts';
export * from './outcome.ts';
export type { JobFn, JobInit, JobModule } from './pool/job.ts';
export * from './pool/pool.ts';
export * from './pool/progress.ts';
export * from './pool/results-log.ts';
export * from './pool/shared-candles.ts';
export * from './stats/index.ts';
export * from './sweep.ts';
export * from './sweep-stats.ts';
export * from './walkforward.ts';
