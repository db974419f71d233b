import { z } from 'zod';
import { KRAKEN_FUTURES_FEES } from './fees.ts';

/**
 * Configuration of the simulated venue (engine/sim). Every field, its default and why:
 *
 * - `initialBalance` (10 000): starting wallet balance in USD.
 * - `leverage` (7): account leverage; initial margin of a position = |qty| × mark / leverage (seed §3
 *   "margin caps … vs 7x leverage"). Per-symbol changes go through `SimBroker.setLeverage`.
 * - `fees.maker` / `fees.taker` (0.0002 / 0.0005): Kraken Futures entry-tier rates, fractions of notional.
 * - `slippageBps` (2): taker fills move this many basis points against the trader, then to the tick.
 * - `maintenanceMarginRate` (0.01): maintenance margin = |qty| × mark × rate; Kraken's first tier for
 *   class-A perpetuals. `maintenanceMarginRates` overrides it per symbol.
 * - `liquidationFeeRate` (0): extra fee on a liquidation fill, on top of the taker fee.
 * - `funding.intervalMs` (1 h): Kraken perpetuals settle funding hourly. `funding.rate` (0): rate per
 *   interval, positive = longs pay shorts; 0 disables funding (no work per bar). `funding.rates`
 *   overrides it per symbol.
 * - `maxVolumeFraction` (null = unlimited): the most one bar (or tick with a volume) can fill, summed over
 *   the symbol's orders, as a fraction of its volume — set it to provoke partial fills.
 * - `reduceOnlyOversize` ('clip'): a reduce-only market/limit order larger than the position. 'clip' is
 *   Kraken's documented behaviour ("the position will be closed and the residual cancelled"); 'reject'
 *   refuses it at submission (`reduce_only_violation`), as Kraken's older documentation described.
 * - `marketFill` ('next_event'): market orders fill at the next price event after submission (the next
 *   bar's open); 'immediate' fills them at submission at the last price (live-like tests, seed Bug 6).
 * - `spreadBps` (0): bid/ask of `ticker()` around the last price (the sim fills at last ± slippage).
 */
const rate = (field: string) =>
  z
    .number({ error: `${field} must be a number (a fraction, e.g. 0.0005 for 0.05%)` })
    .min(0, `${field} must be >= 0`)
    .max(0.1, `${field} must be a fraction <= 0.1 (0.0005 means 0.05%)`);

export const SimConfigSchema = z
  .object({
    initialBalance: z
      .number({ error: 'initialBalance must be a number of USD' })
      .positive('initialBalance must be > 0 USD')
      .default(10_000),
    leverage: z
      .number({ error: 'leverage must be a number' })
      .min(1, 'leverage must be >= 1')
      .max(100, 'leverage must be <= 100')
      .default(7),
    fees: z
      .object({
        maker: rate('fees.maker').default(KRAKEN_FUTURES_FEES.maker),
        taker: rate('fees.taker').default(KRAKEN_FUTURES_FEES.taker),
      })
      .prefault({}),
    slippageBps: z
      .number({ error: 'slippageBps must be a number of basis points' })
      .min(0, 'slippageBps must be >= 0')
      .max(1000, 'slippageBps must be <= 1000 (10%)')
      .default(2),
    maintenanceMarginRate: rate('maintenanceMarginRate').default(0.01),
    maintenanceMarginRates: z.record(z.string(), rate('maintenanceMarginRates.<symbol>')).default({}),
    liquidationFeeRate: rate('liquidationFeeRate').default(0),
    funding: z
      .object({
        intervalMs: z
          .number({ error: 'funding.intervalMs must be a number of milliseconds' })
          .int('funding.intervalMs must be a whole number of milliseconds')
          .min(60_000, 'funding.intervalMs must be >= 60000 (one minute)')
          .default(3_600_000),
        rate: z
          .number({ error: 'funding.rate must be a number (per interval, e.g. 0.0001)' })
          .min(-0.1, 'funding.rate must be >= -0.1')
          .max(0.1, 'funding.rate must be <= 0.1')
          .default(0),
        rates: z.record(z.string(), z.number().min(-0.1).max(0.1)).default({}),
      })
      .prefault({}),
    maxVolumeFraction: z
      .number({ error: 'maxVolumeFraction must be a number in (0, 1] or null' })
      .gt(0, 'maxVolumeFraction must be > 0 (or null for unlimited liquidity)')
      .max(1, 'maxVolumeFraction must be <= 1')
      .nullable()
      .default(null),
    reduceOnlyOversize: z
      .enum(['clip', 'reject'], { error: "reduceOnlyOversize must be 'clip' or 'reject'" })
      .default('clip'),
    marketFill: z
      .enum(['next_event', 'immediate'], { error: "marketFill must be 'next_event' or 'immediate'" })
      .default('next_event'),
    spreadBps: z.number().min(0, 'spreadBps must be >= 0').default(0),
  })
  .superRefine((c, ctx) => {
    // A maintenance rate at or above 1/leverage would liquidate every position opened at full leverage.
    const check = (mmr: number, path: (string | number)[]) => {
      if (mmr >= 1 / c.leverage) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `${path.join('.')} (${mmr}) must be < 1/leverage (${(1 / c.leverage).toFixed(4)}): lower it or the leverage`,
        });
      }
    };
    check(c.maintenanceMarginRate, ['maintenanceMarginRate']);
    for (const [sym, mmr] of Object.entries(c.maintenanceMarginRates))
      check(mmr, ['maintenanceMarginRates', sym]);
  });

export type SimConfigInput = z.input<typeof SimConfigSchema>;
export type SimConfig = z.output<typeof SimConfigSchema>;

/** Validated config with defaults filled in. Throws the zod error (its issues name the field). */
export function simConfig(input: SimConfigInput = {}): SimConfig {
  return SimConfigSchema.parse(input);
}
