import { z } from 'zod';
import { ServerTimeSchema } from './common.ts';
import { KrakenNumberSchema } from './numbers.ts';

/**
 * GET /derivatives/api/v3/accounts (ccxt `fetchBalance`). Perpetuals (PF_) trade from the multi-collateral
 * `flex` account; `cash` is the holding wallet. Legacy single-collateral margin accounts (`fi_xbtusd`, …)
 * may appear beside them and are ignored here.
 *
 * flex fields, all in USD: `balanceValue` (collateral at market value), `portfolioValue` (balance value
 * plus unrealised P&L), `collateralValue` (after haircuts), `initialMargin` / `maintenanceMargin` of the
 * open positions, `initialMarginWithOrders` (open orders included), `availableMargin` (margin equity minus
 * initial margin with orders), `marginEquity` (collateral value plus unrealised P&L as margin), `pnl`,
 * `totalUnrealized`, `unrealizedFunding`.
 */
export const FlexCurrencySchema = z.object({
  quantity: KrakenNumberSchema,
  value: KrakenNumberSchema,
  collateral: KrakenNumberSchema,
  available: KrakenNumberSchema,
});

export const FlexAccountSchema = z.object({
  type: z.literal('multiCollateralMarginAccount'),
  currencies: z.record(z.string(), FlexCurrencySchema),
  initialMargin: KrakenNumberSchema,
  initialMarginWithOrders: KrakenNumberSchema,
  maintenanceMargin: KrakenNumberSchema,
  balanceValue: KrakenNumberSchema,
  portfolioValue: KrakenNumberSchema,
  collateralValue: KrakenNumberSchema,
  pnl: KrakenNumberSchema,
  unrealizedFunding: KrakenNumberSchema,
  totalUnrealized: KrakenNumberSchema,
  totalUnrealizedAsMargin: KrakenNumberSchema,
  availableMargin: KrakenNumberSchema,
  marginEquity: KrakenNumberSchema,
});
export type FlexAccount = z.infer<typeof FlexAccountSchema>;

export const CashAccountSchema = z.object({
  type: z.literal('cashAccount'),
  balances: z.record(z.string(), KrakenNumberSchema),
});
export type CashAccount = z.infer<typeof CashAccountSchema>;

export const AccountsResponseSchema = z.object({
  result: z.literal('success'),
  accounts: z
    .object({ flex: FlexAccountSchema.optional(), cash: CashAccountSchema.optional() })
    .catchall(z.unknown()),
  serverTime: ServerTimeSchema,
});
export type AccountsResponse = z.infer<typeof AccountsResponseSchema>;
