import { canonicalSymbol } from '../symbols/symbols.ts';

/**
 * Contract specs of Kraken Futures linear multi-collateral perpetuals (PF_ contracts: one contract = one
 * unit of the base, quoted in USD) — what backtests, the simulator and the fake exchange should all trade,
 * so an order a backtest places is one the venue would accept.
 *
 * Two sources, in this order:
 * 1. {@link KRAKEN_FUTURES_CONTRACT_SPECS}: a table. BTC, ETH, DOGE and ADA are from Kraken's "Linear
 *    Multi-Collateral Perpetual Contract Specifications" (the values engine/sim/instruments.ts carries);
 *    SOL, BNB and XRP are assumptions of the same shape. Check any of them against the live `instruments`
 *    endpoint (`tickSize`, `contractValueTradePrecision`) before trusting tick-level figures.
 * 2. Derived from the price level, for every other symbol: a tick giving ~5 significant digits (a power of
 *    ten: 42 000 → 1, 0.08 → 1e-6, PEPE at 1.2e-6 → 1e-10) and a quantity step of 10^−p with p =
 *    floor(log10(price)) clamped to [−3, 4] (Kraken's `contractValueTradePrecision` range: BTC 4 → 0.0001,
 *    sub-cent coins −3 → 1 000 units). This is the rule the fake exchange lists instruments by, so a
 *    backtest and a paper run on the same candles trade the same grid.
 *
 * Why it matters: a sub-cent coin (PEPE ~1e-6, SHIB ~1e-5) on the simulator's generic 1e-5 tick rounds
 * every stop to 0 or to a tenth of its price; the order is refused, the position stays without a stop
 * and the naked-position monitor halts the run (session-1 finding).
 */

export interface ContractSpec {
  /** Price increment, as a decimal string (exact for decimal.js). */
  readonly tickSize: string;
  /** Quantity increment and minimum order, as a decimal string. */
  readonly qtyStep: string;
  /** Kraken's `contractValueTradePrecision`: quantities are multiples of 10^−n. */
  readonly contractValueTradePrecision: number;
  readonly maxLeverage: number;
  /** `table` (listed above) or `derived` (from the price level). */
  readonly origin: 'table' | 'derived';
}

interface TableRow {
  readonly tick: string;
  readonly step: string;
  readonly maxLeverage: number;
}

// biome-ignore format: a table reads better in rows
export const KRAKEN_FUTURES_CONTRACT_SPECS: Readonly<Record<string, TableRow>> = {
  BTC:  { tick: '1',        step: '0.0001', maxLeverage: 50 },
  ETH:  { tick: '0.1',      step: '0.001',  maxLeverage: 50 },
  DOGE: { tick: '0.000001', step: '1',      maxLeverage: 50 },
  ADA:  { tick: '0.00001',  step: '1',      maxLeverage: 50 },
  SOL:  { tick: '0.01',     step: '0.01',   maxLeverage: 50 },
  BNB:  { tick: '0.01',     step: '0.01',   maxLeverage: 50 },
  XRP:  { tick: '0.0001',   step: '1',      maxLeverage: 50 },
};

/** Leverage cap of a contract not in the table (Kraken's margin class C). */
const DERIVED_MAX_LEVERAGE = 25;

/** 10^e as an exact decimal string (1e-10 → '0.0000000001', 1e3 → '1000'). */
export function powerOfTenString(e: number): string {
  if (!Number.isInteger(e)) throw new Error(`powerOfTenString: ${e} is not an integer exponent`);
  return e >= 0 ? `1${'0'.repeat(e)}` : `0.${'0'.repeat(-e - 1)}1`;
}

/** Decimals of a decimal string's fraction ('0.0001' → 4, '1000' → 0). */
function decimalsOf(s: string): number {
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** The tick exponent for ~5 significant digits at `price`, at most 10^0. */
export function tickExponent(price: number): number {
  return Math.min(0, Math.floor(Math.log10(price)) - 4);
}

/** Kraken's `contractValueTradePrecision` for a contract trading at `price` (clamped to [−3, 4]). */
export function tradePrecision(price: number): number {
  return Math.max(-3, Math.min(4, Math.floor(Math.log10(price))));
}

/**
 * The contract spec of `symbol` (any form): the table's row, else derived from `referencePrice` (a
 * representative price of the contract, e.g. its first close in the data). Null when the symbol is not in
 * the table and no usable price is given — the caller keeps its own default then.
 */
export function contractSpecFor(symbol: string, referencePrice?: number): ContractSpec | null {
  const row = KRAKEN_FUTURES_CONTRACT_SPECS[canonicalSymbol(symbol)];
  if (row !== undefined) {
    const step = row.step;
    return {
      tickSize: row.tick,
      qtyStep: step,
      contractValueTradePrecision: step.includes('.') ? decimalsOf(step) : 1 - step.length,
      maxLeverage: row.maxLeverage,
      origin: 'table',
    };
  }
  if (referencePrice === undefined || !Number.isFinite(referencePrice) || referencePrice <= 0) return null;
  const precision = tradePrecision(referencePrice);
  return {
    tickSize: powerOfTenString(tickExponent(referencePrice)),
    qtyStep: powerOfTenString(-precision),
    contractValueTradePrecision: precision,
    maxLeverage: DERIVED_MAX_LEVERAGE,
    origin: 'derived',
  };
}

/** One entry of a backtest config's `backtest.instruments` (engine/backtest/config.ts). */
export interface BacktestInstrumentOverride {
  readonly tick_size: number;
  readonly qty_step: number;
  readonly min_qty: number;
  readonly max_leverage: number;
}

/**
 * `backtest.instruments` entries giving each series' symbol its contract spec, priced at the series' first
 * close — what to merge into a backtest config until the simulator's defaults use these specs themselves
 * (see the session-2 report: engine/sim/instruments.ts). Symbols with no spec (not in the table, no
 * positive close) are left out.
 */
export function backtestInstrumentOverrides(
  series: ReadonlyArray<{ readonly symbol: string; readonly length: number; readonly close: Float64Array }>,
): Record<string, BacktestInstrumentOverride> {
  const out: Record<string, BacktestInstrumentOverride> = {};
  for (const s of series) {
    const spec = contractSpecFor(s.symbol, s.length > 0 ? s.close[0] : undefined);
    if (spec === null) continue;
    out[s.symbol] = {
      tick_size: Number(spec.tickSize),
      qty_step: Number(spec.qtyStep),
      min_qty: Number(spec.qtyStep),
      max_leverage: spec.maxLeverage,
    };
  }
  return out;
}
