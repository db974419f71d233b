import { z } from 'zod';
import { ServerTimeSchema } from './common.ts';

/**
 * GET /derivatives/api/v3/instruments (ccxt `fetchMarkets`, `fetchLeverageTiers`). ccxt reads `symbol`,
 * `type` (`flexible_futures` for PF_ perpetuals, `futures_inverse`, `futures_vanilla`, `spot index`),
 * `lastTradingTime` (present only on dated futures: its absence makes a swap), `tickSize` (price
 * precision), `contractValueTradePrecision` (amount precision 10^-n), `contractSize`, `tradeable`,
 * `openingDate`, `marginLevels` and `feeScheduleUid`.
 */
export const MarginLevelSchema = z.object({
  /** Flexible (PF_) instruments tier by notional; inverse ones by `contracts`. */
  numNonContractUnits: z.number().nonnegative().optional(),
  contracts: z.number().nonnegative().optional(),
  initialMargin: z.number().positive(),
  maintenanceMargin: z.number().positive(),
});

export const InstrumentTypeSchema = z.enum([
  'flexible_futures',
  'futures_inverse',
  'futures_vanilla',
  'spot index',
  'turbo_futures',
]);

export const InstrumentSchema = z.object({
  symbol: z.string().regex(/^[A-Za-z]{2}_[A-Za-z0-9]+(_\d{6})?$/),
  type: InstrumentTypeSchema,
  tradeable: z.boolean(),
  underlying: z.string().optional(),
  lastTradingTime: ServerTimeSchema.optional(),
  tickSize: z.number().positive().optional(),
  contractSize: z.number().positive().optional(),
  impactMidSize: z.number().positive().optional(),
  maxPositionSize: z.number().positive().optional(),
  openingDate: ServerTimeSchema.optional(),
  marginLevels: z.array(MarginLevelSchema).optional(),
  retailMarginLevels: z.array(MarginLevelSchema).optional(),
  fundingRateCoefficient: z.number().optional(),
  maxRelativeFundingRate: z.number().optional(),
  isin: z.string().optional(),
  contractValueTradePrecision: z.number().int().optional(),
  postOnly: z.boolean().optional(),
  feeScheduleUid: z.string().optional(),
  mtf: z.boolean().optional(),
  base: z.string().optional(),
  quote: z.string().optional(),
  pair: z.string().optional(),
  category: z.string().optional(),
  tags: z.array(z.string()).optional(),
  tradfi: z.boolean().optional(),
});
export type Instrument = z.infer<typeof InstrumentSchema>;

export const InstrumentsResponseSchema = z.object({
  result: z.literal('success'),
  instruments: z.array(InstrumentSchema),
  serverTime: ServerTimeSchema,
});
export type InstrumentsResponse = z.infer<typeof InstrumentsResponseSchema>;
