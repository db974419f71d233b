import type { Broker } from '../broker.ts';
import type { SafetyConfig } from '../safety/config.ts';
import type { SafetySupervisor, SafetyTickResult } from '../safety/supervisor.ts';
import type { SystemState } from '../safety/types.ts';
import type { SafetyGate } from '../trader.ts';

/**
 * Cheap float view of the account for deciding, on the per-bar path, whether the full safety check must
 * run. A backtest reads it from the simulator; a live runner from its latest account snapshot.
 */
export interface AccountProbe {
  /** Equity at the latest marks. */
  equity(): number;
  /** Initial margin in use at the latest marks. */
  marginUsed(): number;
  /** Number of open exchange positions. */
  openPositions(): number;
}

/** Float tolerance of the pre-check: the exact (Decimal) check runs a little before any threshold. */
const NEAR = 1e-6;

/**
 * Drives the {@link SafetySupervisor} (invariant monitor, kill switch, auto-recovery) from the trader.
 *
 * The exact check needs the account, the positions and the open orders (Decimal, allocating), so it does
 * not run on every bar. It runs whenever the outcome of a per-bar check could differ from the last one:
 * - the tick had trading work (the trader calls `check` after every tick with work);
 * - the system is HALTED (auto-recovery depends on time), or DEGRADED with positions open (its cause moves
 *   with the marks; flat, nothing moves until the next fill);
 * - the last report saw a naked position (a second consecutive detection halts);
 * - the number of open positions changed since the last check (a new position may be naked);
 * - with positions open: equity made a new high since the last check (the monitor's drawdown peak), or
 *   margin utilisation, drawdown or the position count is at or near a DEGRADED/HALT threshold;
 * - DEGRADED with positions open, unless margin utilisation or drawdown is clearly past a DEGRADED
 *   threshold and clearly short of every HALT threshold, with equity clearly below the peak.
 * Outside those cases a per-bar check would report the same level (NORMAL, or DEGRADED with no halt) with
 * the same peak, so skipping it changes nothing — on a venue where orders disappear only with an event
 * (the simulator). Live runs use `every_tick`.
 */
export class SupervisorGate implements SafetyGate {
  private current: SystemState;
  private peak = Number.NEGATIVE_INFINITY;
  private nakedPending = false;
  /** Open positions at the last check. */
  private checkedOpen = 0;
  private readonly utilLimit: number;
  private readonly ddLimit: number;
  private readonly maxPositions: number;
  /** Thresholds of the DEGRADED skip (see {@link staysDegraded}). */
  private readonly utilHalt: number;
  private readonly utilDegraded: number;
  private readonly ddHalt: number;
  private readonly ddDegraded: number;
  /** The latest report (tests and the live CYCLE_SUMMARY read it). */
  last: SafetyTickResult | null = null;

  private readonly everyTick: boolean;

  /**
   * `schedule`: 'when_due' (backtests: skip checks that cannot report anything new, see the class doc)
   * or 'every_tick' (live: orders can vanish at the venue without an event the probe would show, seed
   * Bug 7, so every tick is checked).
   */
  constructor(
    private readonly supervisor: SafetySupervisor,
    private readonly broker: Broker,
    private readonly probe: AccountProbe,
    config: SafetyConfig,
    schedule: 'when_due' | 'every_tick' = 'when_due',
  ) {
    this.everyTick = schedule === 'every_tick';
    this.current = supervisor.systemState();
    // A monitor restored from a snapshot starts from its saved peak: the float pre-checks measure the
    // drawdown from the same peak.
    const restoredPeak = supervisor.monitor.snapshot().peakEquity;
    if (restoredPeak !== null) this.peak = Number(restoredPeak);
    this.utilLimit =
      Math.min(config.degraded_margin_utilization_pct, config.max_margin_utilization_pct) - NEAR;
    this.ddLimit = Math.min(config.degraded_equity_drawdown_pct, config.max_equity_drawdown_pct) - NEAR;
    this.maxPositions = config.max_concurrent_positions;
    this.utilHalt = config.max_margin_utilization_pct - NEAR;
    this.utilDegraded = config.degraded_margin_utilization_pct + NEAR;
    this.ddHalt = config.max_equity_drawdown_pct - NEAR;
    this.ddDegraded = config.degraded_equity_drawdown_pct + NEAR;
  }

  state(): SystemState {
    return this.current;
  }

  needsProtection(): boolean {
    return this.nakedPending;
  }

  due(_now: number): boolean {
    if (this.everyTick || this.current === 'HALTED' || this.nakedPending) return true;
    const open = this.probe.openPositions();
    if (open !== this.checkedOpen) return true;
    // Flat, the account cannot change between checks (no marks, no funding), so the same observation
    // would give the same report: a DEGRADED state left by a drawdown stays as it is.
    if (open === 0) return false;
    if (this.current !== 'NORMAL' && this.current !== 'DEGRADED') return true;
    if (open > this.maxPositions) return true;
    const equity = this.probe.equity();
    if (!(equity > 0)) return true;
    if (this.current === 'DEGRADED') return !this.staysDegraded(equity);
    if (equity > this.peak) return true;
    if (1 - equity / this.peak >= this.ddLimit) return true;
    return this.probe.marginUsed() / equity >= this.utilLimit;
  }

  /**
   * Whether a check now would certainly report DEGRADED again with nothing else changed: equity below
   * the peak (the monitor's peak stays), drawdown and margin utilisation short of their HALT limits and
   * at least one of them past its DEGRADED limit, each by more than the float tolerance. (Open positions
   * within the maximum and unchanged, no naked position pending: checked by the caller.)
   */
  private staysDegraded(equity: number): boolean {
    if (!(equity < this.peak * (1 - NEAR))) return false;
    const drawdown = 1 - equity / this.peak;
    const util = this.probe.marginUsed() / equity;
    if (!(drawdown < this.ddHalt && util < this.utilHalt)) return false;
    return drawdown >= this.ddDegraded || util >= this.utilDegraded;
  }

  async check(now: number): Promise<void> {
    const [account, positions, openOrders] = await Promise.all([
      this.broker.account(),
      this.broker.positions(),
      this.broker.openOrders(),
    ]);
    const result = await this.supervisor.tick(
      { now, equity: account.equity, marginUsed: account.marginUsed, positions, openOrders },
      this.broker,
    );
    this.last = result;
    this.current = result.state;
    this.nakedPending = result.report.nakedSymbols.length > 0;
    this.checkedOpen = positions.length;
    const eq = account.equity.toNumber();
    if (eq > this.peak) this.peak = eq;
  }
}
