export {
  type CandleSource,
  type CandleStoreReader,
  memoryCandleSource,
  storeCandleSource,
  windowOf,
} from './candle-source.ts';
export { type FaultConfig, type FaultConfigInput, FaultInjector, type FaultStats } from './faults.ts';
export {
  createFakeKrakenServer,
  type FakeCredentials,
  type FakeKrakenServer,
  type FakeKrakenServerOptions,
  type FakeVenueContext,
} from './server.ts';
export { type InstrumentSpec, VenueState } from './venue-state.ts';
