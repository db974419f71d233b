export * from './compute.ts';
export * from './drawdown.ts';
export * from './exposure.ts';
export * from './returns.ts';
export * from './trade-record.ts';
export * from './trade-stats.ts';
