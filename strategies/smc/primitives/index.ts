/** SMC primitives: causal incremental state machines with reference-conformant batch renderings. */
export * from './bos-choch/bos-choch.ts';
export * from './fvg/fvg.ts';
export * from './liquidity/liquidity.ts';
export * from './order-blocks/order-blocks.ts';
export * from './previous-high-low/previous-high-low.ts';
export * from './retracements/retracements.ts';
export { DenseRows } from './shared/dense.ts';
export * from './swings/swings.ts';
export * from './types.ts';
