import { toKrakenFuturesSymbol } from '../../data/symbols/symbols.ts';
import type { Instrument, Symbol as SymbolId } from '../broker.ts';
import { dec } from './decimal.ts';

/**
 * Instrument defaults for the simulator, after Kraken's "Linear Multi-Collateral Perpetual Contract
 * Specifications" (PF_ contracts: lot = 1 unit of the base, quoted in USD). BTC, ETH, DOGE and ADA
 * (minimum order = qty step, tick size, margin class A/B = 50x max leverage) are taken from that table;
 * SOL, BNB and XRP are assumptions of the same shape — check them against the live `instruments`
 * endpoint before trusting a backtest's tick-level figures. Any other symbol gets {@link GENERIC}.
 */
interface Spec {
  tick: string;
  step: string;
  maxLeverage: number;
}

const SPECS: Readonly<Record<SymbolId, Spec>> = {
  BTC: { tick: '1', step: '0.0001', maxLeverage: 50 },
  ETH: { tick: '0.1', step: '0.001', maxLeverage: 50 },
  DOGE: { tick: '0.000001', step: '1', maxLeverage: 50 },
  ADA: { tick: '0.00001', step: '1', maxLeverage: 50 },
  SOL: { tick: '0.01', step: '0.01', maxLeverage: 50 },
  BNB: { tick: '0.01', step: '0.01', maxLeverage: 50 },
  XRP: { tick: '0.0001', step: '1', maxLeverage: 50 },
};

/** A fine grid that fits synthetic and unknown markets; max leverage of Kraken's margin class C. */
const GENERIC: Spec = { tick: '0.00001', step: '0.001', maxLeverage: 25 };

function venueSymbolOf(symbol: SymbolId): string {
  // Synthetic test symbols (e.g. 'TEST1') may not be valid assets for the symbol module; name them plainly.
  return /^[A-Z][A-Z0-9]{0,14}$/.test(symbol) ? toKrakenFuturesSymbol(symbol) : `PF_${symbol}USD`;
}

/** The default instrument of `symbol` (canonical form, e.g. 'BTC'). */
export function defaultInstrument(symbol: SymbolId): Instrument {
  const s = SPECS[symbol] ?? GENERIC;
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
