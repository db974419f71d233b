export * from './charts.ts';
export * from './common.ts';
export * from './instruments.ts';
export * from './tickers.ts';
