import { type Broker, BrokerError, type Order } from '../broker.ts';
import type { Logger } from '../log.ts';
import { type HaltReason, type HaltState, NO_HALT } from './types.ts';

/**
 * The kill switch (seed §3b Feature 1, §4): halts trading and cancels every open order EXCEPT reduce-only
 * stop-loss orders, which keep the positions protected while the system is halted. (Cancelling the stops
 * was the seed's first cause of losses after a kill switch: positions left naked.) Entries, take-profits
 * and anything that could open exposure are cancelled. A failing cancel is counted and logged; the loop
 * goes on with the next order.
 *
 * The halt state is plain data ({@link HaltState}); the caller persists it after every change.
 */

export interface KillSwitchCleanup {
  readonly cancelled: number;
  readonly preservedStopLosses: number;
  /** Cancels answered `order_not_found`: the order was already gone. */
  readonly alreadyGone: number;
  readonly failed: number;
}

/** A reduce-only stop: the only kind of order the kill switch keeps. */
export function isPreservedByKillSwitch(o: Order): boolean {
  return o.type === 'stop' && o.reduceOnly;
}

export class KillSwitch {
  private halt: HaltState;

  constructor(
    private readonly logger: Logger,
    state: HaltState = NO_HALT,
  ) {
    this.halt = state;
  }

  get state(): HaltState {
    return this.halt;
  }

  isActive(): boolean {
    return this.halt.active;
  }

  /**
   * Sets the halt (first, so a failing cleanup still leaves the system halted) and cancels every open
   * order except reduce-only stops. Calling it while active keeps the first reason and cleans up again.
   */
  async activate(
    broker: Broker,
    reason: HaltReason,
    now: number,
    detail: string | null = null,
  ): Promise<KillSwitchCleanup> {
    if (!this.halt.active) this.halt = { active: true, reason, activatedAt: now, detail };
    this.logger.error(
      { reason: this.halt.reason, detail, urgent: true },
      'Kill switch active: trading halted',
    );

    let cancelled = 0;
    let preservedStopLosses = 0;
    let alreadyGone = 0;
    let failed = 0;
    let orders: Order[];
    try {
      orders = await broker.openOrders();
    } catch (err) {
      this.logger.error(
        { err: err instanceof Error ? err.message : String(err) },
        'Kill switch: could not list open orders; nothing cancelled (halt stays active)',
      );
      return { cancelled, preservedStopLosses, alreadyGone, failed: 1 };
    }
    for (const o of orders) {
      if (isPreservedByKillSwitch(o)) {
        preservedStopLosses++;
        this.logger.info(
          { symbol: o.symbol, order_id: o.id, trigger: o.triggerPrice?.toString() ?? null },
          'Kill switch: PRESERVING stop loss order',
        );
        continue;
      }
      try {
        await broker.cancelOrder(o.symbol, o.id);
        cancelled++;
      } catch (err) {
        if (err instanceof BrokerError && err.kind === 'order_not_found') {
          alreadyGone++;
          this.logger.info({ symbol: o.symbol, order_id: o.id }, 'Kill switch: order already gone');
        } else {
          failed++;
          this.logger.error(
            { symbol: o.symbol, order_id: o.id, err: err instanceof Error ? err.message : String(err) },
            'Kill switch: cancel failed',
          );
        }
      }
    }
    this.logger.warn(
      { cancelled, preserved_stop_losses: preservedStopLosses, already_gone: alreadyGone, failed },
      `Kill switch: Order cleanup complete, cancelled=${cancelled}, preserved_stop_losses=${preservedStopLosses}`,
    );
    return { cancelled, preservedStopLosses, alreadyGone, failed };
  }

  /** Lifts the halt (auto-recovery or an operator). */
  clear(now: number, by: 'auto' | 'manual'): void {
    if (!this.halt.active) return;
    this.logger.warn(
      { reason: this.halt.reason, activated_at: this.halt.activatedAt, cleared_at: now, by },
      'Kill switch cleared',
    );
    this.halt = NO_HALT;
  }
}
