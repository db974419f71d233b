import type { Broker, Symbol as SymbolId } from '../broker.ts';
import type { Logger } from '../log.ts';
import type { SpreadObservation } from './types.ts';

/**
 * The live pre-entry spread check (seed §15.3): a signal is skipped when (ask − bid) / mid exceeds
 * `maxSpreadPct` (1 %). The check is fail-open — an error while getting or reading the quote lets the
 * trade through — and that error is logged, never dropped.
 */
export type SpreadVerdict =
  | { readonly ok: true; readonly spreadPct: number | null }
  | { readonly ok: false; readonly spreadPct: number };

export function checkSpread(
  symbol: SymbolId,
  obs: SpreadObservation | undefined,
  maxSpreadPct: number,
  logger: Logger,
): SpreadVerdict {
  if (obs === undefined) return { ok: true, spreadPct: null };
  if (obs.kind === 'error') {
    logger.warn(
      { symbol, err: obs.error instanceof Error ? obs.error.message : String(obs.error) },
      'Spread check failed; allowing trade (fail-open)',
    );
    return { ok: true, spreadPct: null };
  }
  const { bid, ask } = obs;
  const mid = bid.plus(ask).div(2);
  if (!bid.isFinite() || !ask.isFinite() || mid.lte(0) || ask.lt(bid)) {
    logger.warn(
      { symbol, bid: bid.toString(), ask: ask.toString() },
      'Spread check got an unusable quote; allowing trade (fail-open)',
    );
    return { ok: true, spreadPct: null };
  }
  const spreadPct = ask.minus(bid).div(mid).toNumber();
  if (spreadPct > maxSpreadPct) {
    logger.info({ symbol, spread_pct: spreadPct, max_spread_pct: maxSpreadPct }, 'SIGNAL_REJECTED_SPREAD');
    return { ok: false, spreadPct };
  }
  return { ok: true, spreadPct };
}

/**
 * Reads a quote for the spread check. A broker error is logged here and returned as an `error`
 * observation, which {@link checkSpread} lets through (fail-open).
 */
export async function observeSpread(
  broker: Broker,
  symbol: SymbolId,
  logger: Logger,
): Promise<SpreadObservation> {
  try {
    const t = await broker.ticker(symbol);
    return { kind: 'quote', bid: t.bid, ask: t.ask };
  } catch (error) {
    logger.warn(
      { symbol, err: error instanceof Error ? error.message : String(error) },
      'Spread check: could not read the ticker',
    );
    return { kind: 'error', error };
  }
}
