export * from './bootstrap.ts';
export * from './combinations.ts';
export * from './daily-returns.ts';
export * from './moments.ts';
export * from './normal.ts';
export * from './pbo.ts';
export * from './return-stats.ts';
export * from './sharpe-inference.ts';
