import type { Decimal } from 'decimal.js';
import type { Order, Position, Symbol as SymbolId } from '../broker.ts';
import type { Logger } from '../log.ts';
import { isProtectiveStop } from '../positions/protective-orders.ts';
import { dec, dmax } from '../risk/quantize.ts';
import { toNumberApprox } from '../sim/decimal.ts';
import type { SafetyConfig } from './config.ts';
import type { HaltReason } from './types.ts';

/**
 * Post-trade safety invariants (seed §4): after every tick, the account and the exchange positions are
 * checked against the `safety:` thresholds.
 *
 * - margin utilisation ≥ 0.85 → DEGRADED, ≥ 0.92 → HALT (MARGIN_CRITICAL);
 * - drawdown from the equity peak ≥ 10 % → DEGRADED, ≥ 15 % → HALT (DRAWDOWN_CRITICAL);
 * - more than 10 open positions → HALT (MAX_POSITIONS);
 * - a position above 25 % of equity in notional → warning only (pre-trade gated in the RiskManager);
 * - a position without a live reduce-only stop ("naked"): ignored during the startup grace (90 s); after
 *   it, the first detection is a warning, the second consecutive one halts (NAKED_POSITIONS) — seed Bug 7
 *   layer 2.
 *
 * The monitor only reports; the SafetySupervisor acts on the report (kill switch, recovery).
 */

export interface SafetyObservation {
  readonly now: number;
  readonly equity: Decimal;
  readonly marginUsed: Decimal;
  readonly positions: readonly Position[];
  readonly openOrders: readonly Order[];
}

export type InvariantLevel = 'NORMAL' | 'DEGRADED' | 'HALT';

export interface Violation {
  readonly invariant:
    | 'margin_utilization'
    | 'equity_drawdown'
    | 'concurrent_positions'
    | 'single_position_notional'
    | 'naked_positions';
  readonly severity: 'warning' | 'degraded' | 'halt';
  readonly value: number;
  readonly limit: number;
  readonly detail: string;
}

export interface InvariantReport {
  readonly level: InvariantLevel;
  readonly haltReason: HaltReason | null;
  readonly violations: readonly Violation[];
  readonly marginUtilization: number;
  readonly drawdown: number;
  /** Open positions without a live protective stop (after the grace period; empty before it). */
  readonly nakedSymbols: readonly SymbolId[];
}

/** Persistable memory of the monitor. */
export interface MonitorState {
  readonly peakEquity: string | null;
  readonly nakedConsecutive: number;
}

/** Margin used / equity; infinite when equity is not positive. */
export function marginUtilization(marginUsed: Decimal, equity: Decimal): number {
  if (equity.lte(0)) return marginUsed.gt(0) ? Number.POSITIVE_INFINITY : 0;
  return marginUsed.div(equity).toNumber();
}

/** Relative distance to a limit inside which a ratio is computed exactly (floats are off by a few ulps). */
const NEAR_LIMIT = 1e-9;

/**
 * `x × y / d` (`d` > 0; `y` = null for `x / d`) as a number for comparing with `limits`. The float
 * quotient of the operands converted to doubles (within a few ulps, without the string round trip of a
 * 40-digit equity: `toNumberApprox`) is within a few ulps (~1e-15 relative) of the exact one, so
 * it is used — unless it lies within {@link NEAR_LIMIT} of a limit: only there could the two fall on
 * different sides, and the exact decimal.js quotient decides. Every comparison with those limits thus
 * decides as the exact ratio does, without a 40-digit division per check (the costly part of a check, which
 * runs after every tick that touched the broker). The value itself may differ from the exact ratio's
 * nearest double in the last bits; it is a report figure, not money.
 */
function ratio(x: Decimal, y: Decimal | null, d: Decimal, limits: readonly number[]): number {
  const r = (y === null ? toNumberApprox(x) : toNumberApprox(x) * toNumberApprox(y)) / toNumberApprox(d);
  for (const l of limits) {
    if (!(Math.abs(r - l) > NEAR_LIMIT * Math.max(1, Math.abs(l)))) {
      return (y === null ? x : x.mul(y)).div(d).toNumber();
    }
  }
  return r;
}

/** Exchange positions with quantity and no live reduce-only stop on the closing side. */
export function nakedPositions(positions: readonly Position[], openOrders: readonly Order[]): Position[] {
  return positions.filter(
    (p) => !p.qty.isZero() && !openOrders.some((o) => o.symbol === p.symbol && isProtectiveStop(o, p.side)),
  );
}

// Checked in this order; the first halt found names the halt. MARGIN_CRITICAL comes last so that a halt
// with a non-recoverable cause is never auto-recovered.
const HALT_PRIORITY: readonly HaltReason[] = [
  'NAKED_POSITIONS',
  'DRAWDOWN_CRITICAL',
  'MAX_POSITIONS',
  'MARGIN_CRITICAL',
];

export class InvariantMonitor {
  private peakEquity: Decimal | null;
  private nakedConsecutive: number;
  private lastLevel: InvariantLevel = 'NORMAL';

  constructor(
    private readonly cfg: SafetyConfig,
    private readonly logger: Logger,
    /** Process start (UTC ms): the naked-position grace runs from here, also after a restart. */
    private readonly startedAt: number,
    state?: MonitorState,
  ) {
    this.peakEquity = state?.peakEquity == null ? null : dec(state.peakEquity);
    this.nakedConsecutive = state?.nakedConsecutive ?? 0;
  }

  check(obs: SafetyObservation): InvariantReport {
    const cfg = this.cfg;
    const violations: Violation[] = [];
    const halts = new Set<HaltReason>();
    let degraded = false;

    // The limits the utilisation is compared with: here, and by auto-recovery (SafetySupervisor).
    const util = obs.equity.lte(0)
      ? marginUtilization(obs.marginUsed, obs.equity)
      : ratio(obs.marginUsed, null, obs.equity, [
          cfg.max_margin_utilization_pct,
          cfg.degraded_margin_utilization_pct,
          cfg.auto_recovery.max_margin_utilization_pct,
        ]);
    if (util >= cfg.max_margin_utilization_pct) {
      halts.add('MARGIN_CRITICAL');
      violations.push({
        invariant: 'margin_utilization',
        severity: 'halt',
        value: util,
        limit: cfg.max_margin_utilization_pct,
        detail: `margin utilisation ${(util * 100).toFixed(1)}% ≥ ${(cfg.max_margin_utilization_pct * 100).toFixed(1)}%`,
      });
    } else if (util >= cfg.degraded_margin_utilization_pct) {
      degraded = true;
      violations.push({
        invariant: 'margin_utilization',
        severity: 'degraded',
        value: util,
        limit: cfg.degraded_margin_utilization_pct,
        detail: `margin utilisation ${(util * 100).toFixed(1)}% ≥ ${(cfg.degraded_margin_utilization_pct * 100).toFixed(1)}%`,
      });
    }

    this.peakEquity = this.peakEquity === null ? dec(obs.equity) : dmax(this.peakEquity, obs.equity);
    const drawdown = this.peakEquity.lte(0)
      ? 0
      : ratio(this.peakEquity.minus(obs.equity), null, this.peakEquity, [
          cfg.max_equity_drawdown_pct,
          cfg.degraded_equity_drawdown_pct,
        ]);
    if (drawdown >= cfg.max_equity_drawdown_pct) {
      halts.add('DRAWDOWN_CRITICAL');
      violations.push({
        invariant: 'equity_drawdown',
        severity: 'halt',
        value: drawdown,
        limit: cfg.max_equity_drawdown_pct,
        detail: `drawdown ${(drawdown * 100).toFixed(2)}% from peak ${this.peakEquity.toFixed(2)}`,
      });
    } else if (drawdown >= cfg.degraded_equity_drawdown_pct) {
      degraded = true;
      violations.push({
        invariant: 'equity_drawdown',
        severity: 'degraded',
        value: drawdown,
        limit: cfg.degraded_equity_drawdown_pct,
        detail: `drawdown ${(drawdown * 100).toFixed(2)}% from peak ${this.peakEquity.toFixed(2)}`,
      });
    }

    const open = obs.positions.filter((p) => !p.qty.isZero());
    if (open.length > cfg.max_concurrent_positions) {
      halts.add('MAX_POSITIONS');
      violations.push({
        invariant: 'concurrent_positions',
        severity: 'halt',
        value: open.length,
        limit: cfg.max_concurrent_positions,
        detail: `${open.length} open positions > ${cfg.max_concurrent_positions}`,
      });
    }

    if (obs.equity.gt(0)) {
      for (const p of open) {
        const share = ratio(p.qty, p.currentMarkPrice, obs.equity, [cfg.max_single_position_pct_equity]);
        if (share > cfg.max_single_position_pct_equity) {
          violations.push({
            invariant: 'single_position_notional',
            severity: 'warning',
            value: share,
            limit: cfg.max_single_position_pct_equity,
            detail: `${p.symbol} notional ${(share * 100).toFixed(1)}% of equity`,
          });
          this.logger.warn(
            { symbol: p.symbol, pct_equity: share, limit: cfg.max_single_position_pct_equity },
            'Position above the single position limit (post-trade warning)',
          );
        }
      }
    }

    let nakedSymbols: SymbolId[] = [];
    const inGrace = obs.now - this.startedAt < cfg.naked_position_grace_seconds * 1000;
    if (!inGrace) {
      const naked = nakedPositions(open, obs.openOrders);
      nakedSymbols = naked.map((p) => p.symbol);
      if (naked.length === 0) {
        this.nakedConsecutive = 0;
      } else {
        this.nakedConsecutive++;
        const obj = { symbols: nakedSymbols, consecutive: this.nakedConsecutive };
        if (this.nakedConsecutive >= cfg.naked_position_consecutive_detections) {
          this.logger.error({ ...obj, urgent: true }, 'NAKED_POSITIONS_DETECTED (persistent)');
          halts.add('NAKED_POSITIONS');
          violations.push({
            invariant: 'naked_positions',
            severity: 'halt',
            value: naked.length,
            limit: 0,
            detail: `unprotected: ${nakedSymbols.join(', ')}`,
          });
        } else {
          this.logger.warn(obj, 'NAKED_POSITIONS_DETECTED (first occurrence)');
          violations.push({
            invariant: 'naked_positions',
            severity: 'warning',
            value: naked.length,
            limit: 0,
            detail: `unprotected: ${nakedSymbols.join(', ')}`,
          });
        }
      }
    }

    const haltReason = HALT_PRIORITY.find((r) => halts.has(r)) ?? null;
    const level: InvariantLevel = haltReason ? 'HALT' : degraded ? 'DEGRADED' : 'NORMAL';
    if (level !== this.lastLevel) {
      const detail = violations.filter((v) => v.severity !== 'warning').map((v) => v.detail);
      if (level === 'DEGRADED') this.logger.warn({ violations: detail }, 'DEGRADED: no new entries');
      else if (level === 'NORMAL') this.logger.info({}, 'System state NORMAL');
      this.lastLevel = level;
    }
    return { level, haltReason, violations, marginUtilization: util, drawdown, nakedSymbols };
  }

  snapshot(): MonitorState {
    return { peakEquity: this.peakEquity?.toString() ?? null, nakedConsecutive: this.nakedConsecutive };
  }
}
