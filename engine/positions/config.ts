import { z } from 'zod';

/**
 * The `positions:` section: how an open position is managed (seed §3 "Runner Logic & Capital Utilisation
 * Fixes", Bug 5, §7 "TP/SL Lifecycle"). The seed records the mechanisms, not these numbers; values marked
 * "our choice" are documented defaults to be tuned with data.
 *
 * - `tp1_close_pct` (0.5, our choice), `tp2_close_pct` (0.3, our choice): share of the initial entry size
 *   (`entry_size_initial`) closed at TP1 and TP2; TP3 closes the rest. The quantities are snapshotted on
 *   the first entry fill (`tp1_qty_target`, `tp2_qty_target`), quantized ROUND_DOWN, and a TP uses
 *   min(target, remaining) so partial fills never drift the sizing.
 * - `break_even_after_tp1` (true): after TP1 the stop moves to the average entry price.
 * - `trailing_activation_atr_min` (0.005, our choice): ATR as a fraction of price at or above which the
 *   trailing stop may activate (seed "Trailing guard"); below it the stop stays where it is.
 * - `trailing_atr_multiple` (1.5, our choice): trailing distance in ATRs behind the best price.
 * - `tp_min_distance_pct` (0.001, our choice): a TP level already passed, or closer than this fraction
 *   to the current price, is skipped on its own; the other levels are still placed (seed Bug 5).
 * - `import_stop_distance_pct` (0.03, our choice): stop distance from the mark price for a PHANTOM
 *   position imported without a stop on the exchange (seed Bug 3/8: imported as OPEN and protected).
 * - `orphan_confirmations` (2, our choice): consecutive reconciliations in which the exchange shows no
 *   position before a registry position is closed as ORPHAN — a stale exchange snapshot must not end a
 *   position the registry just opened (seed Bug 6 lesson: never decide on in-flight positions).
 * - `stop_trigger` ('mark'): price signal the stop orders trigger on.
 */
export const PositionsConfigSchema = z
  .strictObject({
    tp1_close_pct: z.number().gt(0).lt(1).default(0.5),
    tp2_close_pct: z.number().gt(0).lt(1).default(0.3),
    break_even_after_tp1: z.boolean().default(true),
    trailing_activation_atr_min: z.number().min(0).default(0.005),
    trailing_atr_multiple: z.number().gt(0).default(1.5),
    tp_min_distance_pct: z.number().min(0).max(0.5).default(0.001),
    import_stop_distance_pct: z.number().gt(0).lt(1).default(0.03),
    orphan_confirmations: z.number().int().min(1).default(2),
    stop_trigger: z.enum(['mark', 'last']).default('mark'),
  })
  .refine((c) => c.tp1_close_pct + c.tp2_close_pct <= 1, {
    message: 'tp1_close_pct + tp2_close_pct must be ≤ 1 (TP3 closes the rest): lower one of them',
    path: ['tp2_close_pct'],
  });

export type PositionsConfig = z.output<typeof PositionsConfigSchema>;

export const DEFAULT_POSITIONS_CONFIG: PositionsConfig = Object.freeze(PositionsConfigSchema.parse({}));

export function parsePositionsConfig(input: unknown): PositionsConfig {
  return PositionsConfigSchema.parse(input ?? {});
}
