/** The simulated venue: matching core, simulated Kraken Futures broker and their models. */
export { type SimConfig, type SimConfigInput, SimConfigSchema, simConfig } from './config.ts';
export { dec, SimDecimal } from './decimal.ts';
export { FeeModel, type FeeRates, KRAKEN_FUTURES_FEES } from './fees.ts';
export { defaultInstrument, makeInstrument } from './instruments.ts';
export { legTime, lowFirst } from './intrabar.ts';
export { Ledger, type LedgerPosition } from './ledger.ts';
export { breaches, liquidationPrice } from './margin.ts';
export {
  type EmitEvent,
  MatchingCore,
  type MatchingOptions,
  type MatchingVenue,
  type PriceBar,
  SymbolBook,
} from './matching-core.ts';
export { quantizeDown, quantizePrice, quantizeQty, quantizeUp, roundAgainst } from './quantize.ts';
export {
  type EventListener,
  type LedgerSummary,
  type OrderEdit,
  SimBroker,
  type SimBrokerOptions,
  SimHooks,
  type SimOperation,
} from './sim-broker.ts';
export { BpsSlippage, type SlippageModel } from './slippage.ts';
