import { z } from 'zod';
import { ServerTimeSchema } from './common.ts';
import { KrakenNumberSchema } from './numbers.ts';

/**
 * GET/PUT /derivatives/api/v3/leveragepreferences (ccxt `fetchLeverages`, `setLeverage`). A preference puts
 * the contract in isolated margin at `maxLeverage`; without one it is cross-margined by the margin
 * schedule. PUT takes `symbol` and `maxLeverage` and answers only `result`.
 */
export const LeveragePreferenceSchema = z.object({
  symbol: z.string().min(1),
  maxLeverage: KrakenNumberSchema,
});

export const LeveragePreferencesResponseSchema = z.object({
  result: z.literal('success'),
  leveragePreferences: z.array(LeveragePreferenceSchema),
  serverTime: ServerTimeSchema,
});
export type LeveragePreferencesResponse = z.infer<typeof LeveragePreferencesResponseSchema>;

export const SetLeverageParamsSchema = z.object({
  symbol: z.string().min(1),
  maxLeverage: z.string().regex(/^\d+(\.\d+)?$/, 'must be a positive number'),
});

export const SetLeverageResponseSchema = z.object({
  result: z.literal('success'),
  serverTime: ServerTimeSchema,
});
export type SetLeverageResponse = z.infer<typeof SetLeverageResponseSchema>;
