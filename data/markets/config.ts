import { z } from 'zod';
import { UserError } from '../errors.ts';

const HOUR = 3_600_000;

/** The majors that are always Tier A and skip the liquidity filters (seed §2; comments fixed in §15). */
export const PINNED_TIER_A = ['BTC', 'ETH', 'SOL', 'DOGE', 'BNB'] as const;

const TierThresholdSchema = z.object({
  /** Minimum 24 h futures volume in USD. */
  minVolumeUsd: z.number().nonnegative(),
  /** Maximum bid/ask spread in percent of mid (0.1 = 0.1 %). */
  maxSpreadPct: z.number().positive(),
});
export type TierThreshold = z.infer<typeof TierThresholdSchema>;

/**
 * MarketRegistry configuration (seed §2, §15, §16). Every field has a default; YAML may override any.
 *
 * - `pinnedTierA`: always Tier A, volume and spread are not checked (log "Tier A coin bypassing filters
 *   (trusted major)"). They must still be listed and tradeable on the venue.
 * - `tiers.A|B|C.minVolumeUsd`: 24 h futures volume floors, $5M / $500K / $250K in the seed (§19: "do not
 *   change without data").
 * - `tiers.A|B|C.maxSpreadPct`: spread ceilings 0.10 % / 0.25 % / 0.50 %. The seed gives no numbers for
 *   these; they are chosen so that each tier is roughly "one tick on a major" / "a liquid alt" / "still
 *   tradeable with a market order", and sit well inside the 1.0 % pre-entry spread check of §15, which a
 *   Tier C coin would otherwise hit routinely.
 * - `shrinkRejectRatio`: a discovery with fewer than this fraction of the last accepted discovery's symbols
 *   is rejected as a likely API problem (UNIVERSE_SHRINK_REJECTED), §15.2.
 * - `refreshIntervalMs`: discovery cadence, 4 h (§15.1, was 24 h).
 */
export const MarketRegistryConfigSchema = z
  .object({
    pinnedTierA: z.array(z.string().min(1)).default([...PINNED_TIER_A]),
    tiers: z
      .object({
        A: TierThresholdSchema.default({ minVolumeUsd: 5_000_000, maxSpreadPct: 0.1 }),
        B: TierThresholdSchema.default({ minVolumeUsd: 500_000, maxSpreadPct: 0.25 }),
        C: TierThresholdSchema.default({ minVolumeUsd: 250_000, maxSpreadPct: 0.5 }),
      })
      .default({
        A: { minVolumeUsd: 5_000_000, maxSpreadPct: 0.1 },
        B: { minVolumeUsd: 500_000, maxSpreadPct: 0.25 },
        C: { minVolumeUsd: 250_000, maxSpreadPct: 0.5 },
      }),
    shrinkRejectRatio: z.number().gt(0).max(1).default(0.5),
    refreshIntervalMs: z
      .number()
      .int()
      .positive()
      .default(4 * HOUR),
  })
  .superRefine((c, ctx) => {
    // a stricter tier must never be easier to reach than a looser one, or classification is ambiguous
    const { A, B, C } = c.tiers;
    if (!(A.minVolumeUsd >= B.minVolumeUsd && B.minVolumeUsd >= C.minVolumeUsd)) {
      ctx.addIssue({
        code: 'custom',
        path: ['tiers'],
        message: 'minVolumeUsd must not increase from tier A to B to C (A ≥ B ≥ C)',
      });
    }
    if (!(A.maxSpreadPct <= B.maxSpreadPct && B.maxSpreadPct <= C.maxSpreadPct)) {
      ctx.addIssue({
        code: 'custom',
        path: ['tiers'],
        message: 'maxSpreadPct must not decrease from tier A to B to C (A ≤ B ≤ C)',
      });
    }
  });
export type MarketRegistryConfig = z.infer<typeof MarketRegistryConfigSchema>;
export type MarketRegistryConfigInput = z.input<typeof MarketRegistryConfigSchema>;

/** Parses registry config, naming the field and the fix on failure. */
export function parseMarketRegistryConfig(input: unknown = {}): MarketRegistryConfig {
  const r = MarketRegistryConfigSchema.safeParse(input ?? {});
  if (!r.success) {
    const msg = r.error.issues.map((i) => `market_registry.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new UserError(msg);
  }
  return r.data;
}
