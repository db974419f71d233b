import type { Account, Position } from '../../engine/broker.ts';
import type { Logger } from '../../engine/log.ts';
import type { SystemState } from '../../engine/safety/types.ts';

/**
 * What the live runner reports after each tick (post-reconciliation, pre-sleep — seed §3b Feature 5).
 * The first six fields are the CYCLE_SUMMARY line; the rest feed metrics, `/status` and the status file.
 */
export interface CycleReport {
  /** Loop iteration count, 1-based. */
  readonly cycle: number;
  readonly durationMs: number;
  /** Active managed positions (the registry's active count). */
  readonly positions: number;
  readonly universe: number;
  readonly systemState: SystemState;
  readonly cooldownsActive: number;
  /** End of the cycle, UTC ms from the runner's Clock. */
  readonly at: number;
  readonly haltReason?: string | null;
  /** The account, when the runner read it this cycle (kept from earlier cycles otherwise). */
  readonly account?: Account;
  /** Exchange positions with marks, when read this cycle. */
  readonly exchangePositions?: readonly Position[];
  /** Time of the last successful reconciliation with the exchange (UTC ms), when the runner knows it. */
  readonly lastReconciliationAt?: number | null;
}

/** The runner's own CYCLE_SUMMARY fields (live/runner `CycleSummary`), snake_case as logged. */
export interface CycleSummaryFields {
  readonly cycle: number;
  readonly duration_ms: number;
  readonly positions: number;
  readonly universe: number;
  readonly system_state: SystemState;
  readonly cooldowns_active: number;
}

/** A CycleReport from the runner's CYCLE_SUMMARY fields and the tick's end time. */
export function cycleReportFrom(
  s: CycleSummaryFields,
  at: number,
  extra: Partial<
    Pick<CycleReport, 'haltReason' | 'account' | 'exchangePositions' | 'lastReconciliationAt'>
  > = {},
): CycleReport {
  return {
    cycle: s.cycle,
    durationMs: s.duration_ms,
    positions: s.positions,
    universe: s.universe,
    systemState: s.system_state,
    cooldownsActive: s.cooldowns_active,
    at,
    ...extra,
  };
}

/** `CYCLE_SUMMARY cycle=5 duration_ms=32000 positions=1 universe=49 system_state=NORMAL cooldowns_active=0` */
export function formatCycleSummary(r: CycleReport): string {
  return (
    `CYCLE_SUMMARY cycle=${r.cycle} duration_ms=${Math.round(r.durationMs)} positions=${r.positions} ` +
    `universe=${r.universe} system_state=${r.systemState} cooldowns_active=${r.cooldownsActive}`
  );
}

/**
 * The one per-tick health line. The message keeps the seed's `key=value` form (grep and eyes), the
 * fields carry the same values for JSON tools (`jq 'select(.msg|startswith("CYCLE_SUMMARY"))'`).
 */
export function logCycleSummary(logger: Logger, r: CycleReport): void {
  logger.info(
    {
      event: 'CYCLE_SUMMARY',
      cycle: r.cycle,
      duration_ms: Math.round(r.durationMs),
      positions: r.positions,
      universe: r.universe,
      system_state: r.systemState,
      cooldowns_active: r.cooldownsActive,
    },
    formatCycleSummary(r),
  );
}
