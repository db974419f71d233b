import { contractSpecFor, KRAKEN_FUTURES_CONTRACT_SPECS } from '../../data/markets/instrument-specs.ts';
import { toKrakenFuturesSymbol } from '../../data/symbols/symbols.ts';
import type { Instrument, Symbol as SymbolId } from '../broker.ts';
import { dec } from './decimal.ts';

/**
 * Instrument defaults for the simulator. Contract specs of Kraken Futures perpetuals come from one table
 * (data/markets/instrument-specs.ts: BTC, ETH, DOGE, ADA from Kraken's published specifications; SOL, BNB,
 * XRP assumptions of the same shape). Any other symbol gets {@link GENERIC} — unless its price is so low
 * that the generic 1e-5 tick would be coarser than 1e-4 of it (sub-cent coins such as PEPE or SHIB): then
 * the spec derived from its price level, because on the generic tick their stops round to 0 and are
 * refused, which leaves positions without a stop (session-1 finding). The generic grid is kept for other
 * unknown symbols so that synthetic markets and benches keep their results.
 */
interface Spec {
  tick: string;
  step: string;
  maxLeverage: number;
}

/** A fine grid that fits synthetic and unknown markets; max leverage of Kraken's margin class C. */
const GENERIC: Spec = { tick: '0.00001', step: '0.001', maxLeverage: 25 };
const GENERIC_TICK = Number(GENERIC.tick);

function specOf(symbol: SymbolId, referencePrice: number | undefined): Spec {
  const row = KRAKEN_FUTURES_CONTRACT_SPECS[symbol];
  if (row !== undefined) return row;
  if (referencePrice !== undefined && GENERIC_TICK > referencePrice * 1e-4) {
    const derived = contractSpecFor(symbol, referencePrice);
    if (derived !== null) {
      return { tick: derived.tickSize, step: derived.qtyStep, maxLeverage: derived.maxLeverage };
    }
  }
  return GENERIC;
}

function venueSymbolOf(symbol: SymbolId): string {
  // Synthetic test symbols (e.g. 'TEST1') may not be valid assets for the symbol module; name them plainly.
  return /^[A-Z][A-Z0-9]{0,14}$/.test(symbol) ? toKrakenFuturesSymbol(symbol) : `PF_${symbol}USD`;
}

/**
 * The default instrument of `symbol` (canonical form, e.g. 'BTC'); `referencePrice` (a representative
 * price, e.g. the first close of its data) picks a finer grid for sub-cent coins.
 */
export function defaultInstrument(symbol: SymbolId, referencePrice?: number): Instrument {
  const s = specOf(symbol, referencePrice);
  return {
    symbol,
    venueSymbol: venueSymbolOf(symbol),
    tickSize: dec(s.tick),
    qtyStep: dec(s.step),
    minQty: dec(s.step),
    maxLeverage: s.maxLeverage,
  };
}

/** Builds an instrument from plain values (tests, config files). */
export function makeInstrument(
  symbol: SymbolId,
  spec: {
    tickSize: string | number;
    qtyStep: string | number;
    minQty?: string | number;
    maxLeverage?: number;
  },
): Instrument {
  return {
    symbol,
    venueSymbol: venueSymbolOf(symbol),
    tickSize: dec(spec.tickSize),
    qtyStep: dec(spec.qtyStep),
    minQty: dec(spec.minQty ?? spec.qtyStep),
    maxLeverage: spec.maxLeverage ?? 50,
  };
}
