export {
  generateSynthetic,
  REGIME_CODE,
  REGIMES,
  type Regime,
  type SyntheticOptions,
  SyntheticOptionsSchema,
  type SyntheticResult,
  syntheticSeries,
} from './generator.ts';
export { deriveSeed, Prng } from './prng.ts';
export {
  closesFromLegs,
  type Leg,
  type ScriptOptions,
  seriesFromCloses,
  seriesFromLegs,
} from './scripted.ts';
export { generateUniverse, SYNTHETIC_UNIVERSE_45, type UniverseOptions } from './universe.ts';
