/**
 * Checks users run on their own configs (issue 7 item 6; `smc check lookahead|warmup`): no lookahead by
 * truncation, and the warm-up each input needs measured from different starts of the data.
 */
export * from './decision-diff.ts';
export * from './features.ts';
export * from './lookahead.ts';
export * from './seed.ts';
export * from './strategies.ts';
export * from './trace-fields.ts';
export * from './warmup.ts';
