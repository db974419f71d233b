/**
 * The system's trading state (seed §4 "State Transitions"): NORMAL trades; DEGRADED manages open positions
 * but opens nothing new; HALTED has fired the kill switch and does not trade until it is cleared (by
 * auto-recovery for margin-critical halts, otherwise by an operator).
 */
export type SystemState = 'NORMAL' | 'DEGRADED' | 'HALTED';

/** Why the system halted. Only MARGIN_CRITICAL may clear itself (seed §3b Feature 6). */
export type HaltReason =
  | 'MARGIN_CRITICAL'
  | 'DRAWDOWN_CRITICAL'
  | 'MAX_POSITIONS'
  | 'NAKED_POSITIONS'
  | 'MANUAL';

/**
 * The halt (kill switch) state as plain data: the caller persists it and hands it back after a restart,
 * so a halted system stays halted across restarts (seed §7 "Persisted State Files Can Block Startup").
 */
export interface HaltState {
  readonly active: boolean;
  readonly reason: HaltReason | null;
  /** UTC ms. */
  readonly activatedAt: number | null;
  readonly detail: string | null;
}

export const NO_HALT: HaltState = Object.freeze({
  active: false,
  reason: null,
  activatedAt: null,
  detail: null,
});
