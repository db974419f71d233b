import type { Logger } from '../log.ts';
import type { AutoRecoveryConfig } from './config.ts';
import type { HaltState } from './types.ts';

const DAY_MS = 86_400_000;

export type RecoveryVerdict =
  | { readonly recover: true }
  | {
      readonly recover: false;
      readonly why:
        | 'disabled'
        | 'not_halted'
        | 'reason_not_margin'
        | 'too_soon'
        | 'margin_too_high'
        | 'daily_limit';
    };

/**
 * Auto halt recovery (seed §3b Feature 6, §4): a halt clears itself only when ALL hold —
 * 1. its reason is MARGIN_CRITICAL (the common false positive; every other reason needs an operator),
 * 2. at least `min_halt_seconds` (5 min) have passed since it was activated,
 * 3. margin utilisation is now below `max_margin_utilization_pct` (85 %, well under the 92 % trigger),
 * 4. fewer than `max_per_24h` (2) auto-recoveries happened in the last 24 hours.
 * A system that keeps halting needs a human: past the daily limit it stays halted and says so once per halt
 * (`Auto-recovery: daily limit reached`).
 */
export class AutoRecovery {
  private readonly recoveries: number[];
  private limitLoggedFor: number | null = null;

  constructor(
    private readonly cfg: AutoRecoveryConfig,
    private readonly logger: Logger,
    /** Times (UTC ms) of past auto-recoveries, from the persisted state. */
    history: readonly number[] = [],
  ) {
    this.recoveries = [...history].sort((a, b) => a - b);
  }

  recentCount(now: number): number {
    return this.recoveries.filter((t) => now - t < DAY_MS && t <= now).length;
  }

  evaluate(halt: HaltState, marginUtilization: number, now: number): RecoveryVerdict {
    if (!this.cfg.enabled) return { recover: false, why: 'disabled' };
    if (!halt.active || halt.activatedAt === null) return { recover: false, why: 'not_halted' };
    if (halt.reason !== 'MARGIN_CRITICAL') return { recover: false, why: 'reason_not_margin' };
    if (now - halt.activatedAt < this.cfg.min_halt_seconds * 1000) return { recover: false, why: 'too_soon' };
    if (!(marginUtilization < this.cfg.max_margin_utilization_pct))
      return { recover: false, why: 'margin_too_high' };
    if (this.recentCount(now) >= this.cfg.max_per_24h) {
      if (this.limitLoggedFor !== halt.activatedAt) {
        this.limitLoggedFor = halt.activatedAt;
        this.logger.error(
          { recoveries_24h: this.recentCount(now), max_per_24h: this.cfg.max_per_24h, urgent: true },
          'Auto-recovery: daily limit reached; manual intervention needed',
        );
      }
      return { recover: false, why: 'daily_limit' };
    }
    return { recover: true };
  }

  /** Records a recovery that was carried out. */
  record(now: number): void {
    this.recoveries.push(now);
  }

  /** Recoveries of the last 24 h (older ones are dropped), for persistence. */
  history(now: number): number[] {
    return this.recoveries.filter((t) => now - t < DAY_MS);
  }
}
