/** Keys of the live store's `state` table the runner writes (besides the halt, which the store keys itself). */
export const STATE_KEYS = {
  /** SafetySupervisor snapshot: halt copy, invariant monitor, auto-recovery history. */
  safety: 'safety',
  /** RiskManager snapshot: cooldowns, daily-loss tracker. */
  risk: 'risk',
  /** The accepted universe: the shrink baseline across restarts (./universe.ts). */
  universe: 'universe',
} as const;
