import type { Decimal } from 'decimal.js';
import type { Symbol as SymbolId } from '../broker.ts';
import type { Logger } from '../log.ts';

/**
 * Defence in depth against duplicate entries (seed §3 Bug 6, layer 2): the symbols in which the exchange
 * showed live exposure at the last reconciliation. Even if the registry lost track of a position, no new
 * entry is allowed where the exchange holds one. Updated by every reconciliation; checked together with
 * the positions of the current tick.
 */
export class ExposureGuard {
  private known = new Set<SymbolId>();

  /** Replaces the known set with the symbols of non-zero exchange positions. */
  update(positions: readonly { readonly symbol: SymbolId; readonly qty: Decimal }[]): void {
    this.known = new Set(positions.filter((p) => !p.qty.isZero()).map((p) => p.symbol));
  }

  knownSymbols(): ReadonlySet<SymbolId> {
    return this.known;
  }

  /**
   * True (and logged) when `symbol` has exchange exposure, from the last reconciliation or from
   * `current` (positions read this tick).
   */
  blocks(
    symbol: SymbolId,
    logger: Logger,
    current: readonly { readonly symbol: SymbolId; readonly qty: Decimal }[] = [],
  ): boolean {
    const live = current.find((p) => p.symbol === symbol && !p.qty.isZero());
    if (!this.known.has(symbol) && live === undefined) return false;
    logger.warn(
      {
        symbol,
        exchange_qty: live?.qty.toString() ?? null,
        source: live ? 'positions' : 'last_reconciliation',
      },
      `Exchange has live exposure for ${symbol} but the registry has no active position. Blocking new entry`,
    );
    return true;
  }
}
