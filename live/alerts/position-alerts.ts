import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import { isActive, type ManagedPosition } from '../../engine/positions/types.ts';
import { newPositionAlert, positionClosedAlert } from './build.ts';
import type { AlertSender } from './log-bridge.ts';

/**
 * NEW_POSITION and POSITION_CLOSED from position changes and closed trades (the Trader's hooks, or the
 * store writes they cause — live/ops/observe.ts).
 *
 * A position is announced once per id, at the first change that shows it open (its first entry fill, or
 * its import from the exchange: PHANTOM_IMPORT). Positions restored at startup are passed to
 * {@link markKnown} so a restart does not announce them again.
 */
export class PositionAlerts {
  private readonly announced = new Set<string>();

  constructor(private readonly alerts: AlertSender) {}

  /** Positions that exist already (restored from the store): never announced as new. */
  markKnown(ps: readonly ManagedPosition[]): void {
    for (const p of ps) if (isActive(p)) this.announced.add(p.id);
  }

  onPositionChanged(p: ManagedPosition): void {
    if (!isActive(p)) {
      this.announced.delete(p.id);
      return;
    }
    if (p.state === 'PENDING' || p.avgEntryPrice === null || this.announced.has(p.id)) return;
    this.announced.add(p.id);
    this.alerts.send(
      newPositionAlert({
        symbol: p.symbol,
        side: p.side,
        qty: p.filledQty,
        entryPrice: p.avgEntryPrice,
        stopPrice: p.stopPrice,
        takeProfits: p.takeProfits,
        origin: p.origin,
      }),
    );
  }

  onTradeClosed(t: TradeRecord): void {
    this.alerts.send(positionClosedAlert(t));
  }
}
