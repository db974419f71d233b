import type { Broker } from '../broker.ts';
import type { Logger } from '../log.ts';
import { AutoRecovery } from './auto-recovery.ts';
import type { SafetyConfig } from './config.ts';
import {
  InvariantMonitor,
  type InvariantReport,
  type MonitorState,
  type SafetyObservation,
} from './invariant-monitor.ts';
import { KillSwitch, type KillSwitchCleanup } from './kill-switch.ts';
import { type HaltState, NO_HALT, type SystemState } from './types.ts';

/** Everything the safety layer must carry across a restart; plain data for the caller to persist. */
export interface SafetySnapshot {
  readonly halt: HaltState;
  readonly monitor: MonitorState;
  /** Auto-recovery times of the last 24 h, UTC ms. */
  readonly autoRecoveries: readonly number[];
}

export interface SafetyTickResult {
  readonly state: SystemState;
  readonly report: InvariantReport;
  /** The kill switch fired this tick. */
  readonly activated: boolean;
  /** An auto-recovery cleared the halt this tick. */
  readonly recovered: boolean;
  readonly cleanup?: KillSwitchCleanup;
}

/**
 * The safety layer of one tick (seed §4 "State Transitions"):
 *
 *     NORMAL → DEGRADED → HALTED
 *       |                    |
 *       +--- kill switch ----+
 *       +--- auto-recovery --+ (MARGIN_CRITICAL only, ≤ 2 per 24 h)
 *
 * Runs the invariant monitor; while halted, tries auto-recovery; when the monitor reports a halt, fires
 * the kill switch. The system state is HALTED while the kill switch is active, else the monitor's level.
 */
export class SafetySupervisor {
  readonly monitor: InvariantMonitor;
  readonly killSwitch: KillSwitch;
  readonly autoRecovery: AutoRecovery;
  private level: SystemState;

  constructor(
    readonly config: SafetyConfig,
    private readonly logger: Logger,
    opts: { readonly startedAt: number; readonly state?: SafetySnapshot },
  ) {
    this.monitor = new InvariantMonitor(config, logger, opts.startedAt, opts.state?.monitor);
    this.killSwitch = new KillSwitch(logger, opts.state?.halt ?? NO_HALT);
    this.autoRecovery = new AutoRecovery(config.auto_recovery, logger, opts.state?.autoRecoveries ?? []);
    this.level = this.killSwitch.isActive() ? 'HALTED' : 'NORMAL';
  }

  systemState(): SystemState {
    return this.killSwitch.isActive() ? 'HALTED' : this.level;
  }

  async tick(obs: SafetyObservation, broker: Broker): Promise<SafetyTickResult> {
    const report = this.monitor.check(obs);
    let recovered = false;
    if (this.killSwitch.isActive()) {
      const verdict = this.autoRecovery.evaluate(this.killSwitch.state, report.marginUtilization, obs.now);
      if (verdict.recover) {
        const halt = this.killSwitch.state;
        this.autoRecovery.record(obs.now);
        this.killSwitch.clear(obs.now, 'auto');
        recovered = true;
        this.logger.warn(
          {
            reason: halt.reason,
            halted_for_s: halt.activatedAt === null ? null : (obs.now - halt.activatedAt) / 1000,
            margin_utilization: report.marginUtilization,
            recoveries_24h: this.autoRecovery.recentCount(obs.now),
            urgent: true,
          },
          'AUTO_RECOVERY: Clearing kill switch',
        );
      }
    }
    let activated = false;
    let cleanup: KillSwitchCleanup | undefined;
    if (!this.killSwitch.isActive() && report.level === 'HALT' && report.haltReason !== null) {
      const detail = report.violations
        .filter((v) => v.severity === 'halt')
        .map((v) => v.detail)
        .join('; ');
      this.logger.error({ reason: report.haltReason, detail, urgent: true }, 'SYSTEM_HALTED');
      cleanup = await this.killSwitch.activate(broker, report.haltReason, obs.now, detail);
      activated = true;
    }
    this.level = report.level === 'HALT' ? 'HALTED' : report.level;
    return { state: this.systemState(), report, activated, recovered, ...(cleanup ? { cleanup } : {}) };
  }

  /** An operator halt (MANUAL: never auto-recovered). */
  async haltManually(broker: Broker, now: number, detail: string): Promise<KillSwitchCleanup> {
    return this.killSwitch.activate(broker, 'MANUAL', now, detail);
  }

  /** An operator lifts the halt. */
  clearManually(now: number): void {
    this.killSwitch.clear(now, 'manual');
  }

  snapshot(now: number): SafetySnapshot {
    return {
      halt: this.killSwitch.state,
      monitor: this.monitor.snapshot(),
      autoRecoveries: this.autoRecovery.history(now),
    };
  }
}
