import type { Order, Position } from '../broker.ts';
import type { ExposureGuard } from '../risk/exposure-guard.ts';
import type { PositionAction } from './actions.ts';
import { importPhantoms, type ReconcileContext, type ReconcileResult, reconcile } from './reconcile.ts';
import type { PositionRegistry } from './registry.ts';

/**
 * One synchronisation with the exchange, in the seed's safe startup order (§7, issue "startup order"):
 * reconcile the registry, then import phantoms, then (the caller) trade. Also refreshes the exposure
 * guard (Bug 6 layer 2) from the same exchange snapshot. Stores every changed or imported position in
 * the registry and returns the actions to execute (protective stops, TPs, cancels; never a flatten).
 */
export function syncWithExchange(args: {
  readonly registry: PositionRegistry;
  readonly exchangePositions: readonly Position[];
  readonly openOrders: readonly Order[];
  readonly ctx: ReconcileContext;
  readonly exposureGuard?: ExposureGuard;
  /** Import phantoms (default true). */
  readonly importPhantoms?: boolean;
}): { result: ReconcileResult; actions: PositionAction[] } {
  const { registry, ctx } = args;
  args.exposureGuard?.update(args.exchangePositions);
  const result = reconcile(registry.getAllActive(), args.exchangePositions, ctx);
  for (const p of result.updated) registry.put(p);
  const actions: PositionAction[] = [...result.actions];
  if (args.importPhantoms !== false && result.phantoms.length > 0) {
    const imported = importPhantoms(result.phantoms, args.openOrders, ctx);
    for (const p of imported.positions) registry.put(p);
    actions.push(...imported.actions);
  }
  return { result, actions };
}
