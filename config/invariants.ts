import type { RiskConfig } from '../engine/risk/config.ts';
import type { SafetyConfig } from '../engine/safety/config.ts';

/**
 * Cross-field invariants of a config, checked at load: a config that breaks one is refused with the
 * rule's id, the values and the fix. Two families, both from seed bugs:
 *
 * - Bug 1 (seed §3, §4 "Threshold Relationship"): the safety thresholds must sit around the auction's
 *   operating point, `degraded_margin ≤ auction_max_margin_util < max_margin_utilization < 1`. With the
 *   HALT below the auction budget, the kill switch fired every time the auction filled its budget and
 *   cancelled the orders it had just placed.
 * - Bug 2 (seed §3 lesson): every post-trade limit has a pre-trade gate at or inside it, or the system
 *   opens positions it immediately considers violations. {@link POST_TRADE_GATES} lists each post-trade
 *   limit of the `safety:` section with the gate that keeps trades inside it; a test checks that no
 *   limit of the section is missing from the table.
 */

/** The parts of a config the invariants read. */
export interface InvariantInput {
  readonly risk: RiskConfig;
  readonly safety: SafetyConfig;
  /** The simulated venue, when configured: its leverage decides the margin the venue really holds. */
  readonly sim?: { readonly leverage: number };
}

export interface ConfigRule {
  /** Stable id, printed in the refusal. */
  readonly id: string;
  /** The seed bug or section the rule comes from. */
  readonly origin: string;
  /** The rule as a formula over config paths. */
  readonly rule: string;
  /** Config path the refusal points at. */
  readonly path: readonly string[];
  readonly holds: (c: InvariantInput) => boolean;
  /** What to change. */
  readonly fix: string;
  /** The values involved, for the message. */
  readonly values: (c: InvariantInput) => Record<string, number>;
}

/** A post-trade limit of the `safety:` section and the pre-trade gate that keeps trades inside it. */
export interface PostTradeGate {
  readonly postTrade: keyof SafetyConfig;
  /** The rule (by id) that ties the gate to the limit. */
  readonly ruleIds: readonly string[];
  readonly gate: string;
}

export const CONFIG_RULES: readonly ConfigRule[] = [
  {
    id: 'margin-degraded-at-or-below-auction-budget',
    origin: 'seed Bug 1',
    rule: 'safety.degraded_margin_utilization_pct ≤ risk.auction_max_margin_util',
    path: ['safety', 'degraded_margin_utilization_pct'],
    holds: (c) => c.safety.degraded_margin_utilization_pct <= c.risk.auction_max_margin_util,
    fix: 'lower safety.degraded_margin_utilization_pct to the auction budget or below (default 0.85 ≤ 0.90)',
    values: (c) => ({
      'safety.degraded_margin_utilization_pct': c.safety.degraded_margin_utilization_pct,
      'risk.auction_max_margin_util': c.risk.auction_max_margin_util,
    }),
  },
  {
    id: 'margin-halt-above-auction-budget',
    origin: 'seed Bug 1; Bug 2 (the auction budget is the pre-trade gate of the margin HALT)',
    rule: 'risk.auction_max_margin_util < safety.max_margin_utilization_pct',
    path: ['safety', 'max_margin_utilization_pct'],
    holds: (c) => c.risk.auction_max_margin_util < c.safety.max_margin_utilization_pct,
    fix: 'raise safety.max_margin_utilization_pct above risk.auction_max_margin_util (default 0.92 > 0.90), or lower the auction budget — otherwise the kill switch fires whenever the auction fills its budget',
    values: (c) => ({
      'risk.auction_max_margin_util': c.risk.auction_max_margin_util,
      'safety.max_margin_utilization_pct': c.safety.max_margin_utilization_pct,
    }),
  },
  {
    id: 'margin-halt-below-one',
    origin: 'seed §4 Threshold Relationship',
    rule: 'safety.max_margin_utilization_pct < 1',
    path: ['safety', 'max_margin_utilization_pct'],
    holds: (c) => c.safety.max_margin_utilization_pct < 1,
    fix: 'set safety.max_margin_utilization_pct below 1 (default 0.92): at 100 % the exchange liquidates before the monitor halts',
    values: (c) => ({ 'safety.max_margin_utilization_pct': c.safety.max_margin_utilization_pct }),
  },
  {
    id: 'single-position-cap-within-post-trade-limit',
    origin: 'seed Bug 2',
    rule: 'risk.max_single_position_pct_equity ≤ safety.max_single_position_pct_equity',
    path: ['risk', 'max_single_position_pct_equity'],
    holds: (c) => c.risk.max_single_position_pct_equity <= c.safety.max_single_position_pct_equity,
    fix: 'lower risk.max_single_position_pct_equity to safety.max_single_position_pct_equity or below (default both 0.25)',
    values: (c) => ({
      'risk.max_single_position_pct_equity': c.risk.max_single_position_pct_equity,
      'safety.max_single_position_pct_equity': c.safety.max_single_position_pct_equity,
    }),
  },
  {
    id: 'position-count-gate-within-halt-limit',
    origin: 'seed Bug 2',
    rule: 'risk.max_concurrent_positions ≤ safety.max_concurrent_positions',
    path: ['risk', 'max_concurrent_positions'],
    holds: (c) => c.risk.max_concurrent_positions <= c.safety.max_concurrent_positions,
    fix: 'lower risk.max_concurrent_positions to safety.max_concurrent_positions or below (default both 10)',
    values: (c) => ({
      'risk.max_concurrent_positions': c.risk.max_concurrent_positions,
      'safety.max_concurrent_positions': c.safety.max_concurrent_positions,
    }),
  },
  {
    id: 'drawdown-degraded-below-halt',
    origin: 'seed §4; Bug 2 (DEGRADED stops new entries before the drawdown HALT)',
    rule: 'safety.degraded_equity_drawdown_pct < safety.max_equity_drawdown_pct',
    path: ['safety', 'degraded_equity_drawdown_pct'],
    holds: (c) => c.safety.degraded_equity_drawdown_pct < c.safety.max_equity_drawdown_pct,
    fix: 'set safety.degraded_equity_drawdown_pct below safety.max_equity_drawdown_pct (default 0.10 < 0.15)',
    values: (c) => ({
      'safety.degraded_equity_drawdown_pct': c.safety.degraded_equity_drawdown_pct,
      'safety.max_equity_drawdown_pct': c.safety.max_equity_drawdown_pct,
    }),
  },
  {
    id: 'daily-loss-below-drawdown-halt',
    origin: 'seed §13; Bug 2 (the daily loss gate stops entries before one day can reach the drawdown HALT)',
    rule: 'risk.daily_loss_limit_pct < safety.max_equity_drawdown_pct',
    path: ['risk', 'daily_loss_limit_pct'],
    holds: (c) => c.risk.daily_loss_limit_pct < c.safety.max_equity_drawdown_pct,
    fix: 'lower risk.daily_loss_limit_pct below safety.max_equity_drawdown_pct (default 0.05 < 0.15)',
    values: (c) => ({
      'risk.daily_loss_limit_pct': c.risk.daily_loss_limit_pct,
      'safety.max_equity_drawdown_pct': c.safety.max_equity_drawdown_pct,
    }),
  },
  {
    id: 'auto-recovery-below-margin-halt',
    origin: 'seed §3b Feature 6',
    rule: 'safety.auto_recovery.max_margin_utilization_pct < safety.max_margin_utilization_pct',
    path: ['safety', 'auto_recovery', 'max_margin_utilization_pct'],
    holds: (c) => c.safety.auto_recovery.max_margin_utilization_pct < c.safety.max_margin_utilization_pct,
    fix: 'lower safety.auto_recovery.max_margin_utilization_pct below the HALT threshold (default 0.85 < 0.92), or a recovery halts again at once',
    values: (c) => ({
      'safety.auto_recovery.max_margin_utilization_pct': c.safety.auto_recovery.max_margin_utilization_pct,
      'safety.max_margin_utilization_pct': c.safety.max_margin_utilization_pct,
    }),
  },
  {
    id: 'single-caps-within-aggregate-caps',
    origin: 'seed §3 Margin caps, §3b Feature 3',
    rule: 'risk.max_single_position_pct_equity ≤ risk.max_aggregate_notional_pct_equity and risk.max_single_position_margin_pct_equity ≤ risk.max_aggregate_margin_pct_equity',
    path: ['risk', 'max_single_position_pct_equity'],
    holds: (c) =>
      c.risk.max_single_position_pct_equity <= c.risk.max_aggregate_notional_pct_equity &&
      c.risk.max_single_position_margin_pct_equity <= c.risk.max_aggregate_margin_pct_equity,
    fix: 'keep each single-position cap at or below its aggregate cap',
    values: (c) => ({
      'risk.max_single_position_pct_equity': c.risk.max_single_position_pct_equity,
      'risk.max_aggregate_notional_pct_equity': c.risk.max_aggregate_notional_pct_equity,
      'risk.max_single_position_margin_pct_equity': c.risk.max_single_position_margin_pct_equity,
      'risk.max_aggregate_margin_pct_equity': c.risk.max_aggregate_margin_pct_equity,
    }),
  },
  {
    id: 'risk-leverage-within-venue-leverage',
    origin: 'seed Bug 1 lesson (operational and safety thresholds must agree)',
    rule: 'risk.leverage ≤ sim.leverage',
    path: ['risk', 'leverage'],
    holds: (c) => c.sim === undefined || c.risk.leverage <= c.sim.leverage,
    fix: 'set risk.leverage to sim.leverage or below: with a lower venue leverage the venue holds more margin than the risk manager counts, and the margin budget is overrun',
    values: (c) => ({ 'risk.leverage': c.risk.leverage, 'sim.leverage': c.sim?.leverage ?? Number.NaN }),
  },
];

/** Each post-trade limit of the `safety:` section and its pre-trade gate (Bug 2's rule, made checkable). */
export const POST_TRADE_GATES: readonly PostTradeGate[] = [
  {
    postTrade: 'max_margin_utilization_pct',
    gate: 'risk.auction_max_margin_util (margin budget of new entries, caps.ts)',
    ruleIds: ['margin-halt-above-auction-budget', 'margin-halt-below-one'],
  },
  {
    postTrade: 'degraded_margin_utilization_pct',
    gate: 'DEGRADED itself refuses new entries (RiskManager system-state gate)',
    ruleIds: ['margin-degraded-at-or-below-auction-budget'],
  },
  {
    postTrade: 'max_single_position_pct_equity',
    gate: 'risk.max_single_position_pct_equity (caps.ts, every sizing path)',
    ruleIds: ['single-position-cap-within-post-trade-limit'],
  },
  {
    postTrade: 'max_concurrent_positions',
    gate: 'risk.max_concurrent_positions (RiskManager) and the auction’s maxNewPositions',
    ruleIds: ['position-count-gate-within-halt-limit'],
  },
  {
    postTrade: 'max_equity_drawdown_pct',
    gate: 'DEGRADED at safety.degraded_equity_drawdown_pct and the daily loss limit',
    ruleIds: ['drawdown-degraded-below-halt', 'daily-loss-below-drawdown-halt'],
  },
  {
    postTrade: 'degraded_equity_drawdown_pct',
    gate: 'DEGRADED itself refuses new entries (RiskManager system-state gate)',
    ruleIds: ['drawdown-degraded-below-halt'],
  },
];

export interface RuleViolation {
  readonly rule: ConfigRule;
  readonly message: string;
}

function fmt(values: Record<string, number>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** The rules `c` breaks, each with a one-line message naming the rule, the values and the fix. */
export function checkConfigInvariants(c: InvariantInput): RuleViolation[] {
  return CONFIG_RULES.filter((r) => !r.holds(c)).map((rule) => ({
    rule,
    message: `breaks rule '${rule.id}' (${rule.origin}): needs ${rule.rule}, got ${fmt(rule.values(c))}; fix: ${rule.fix}`,
  }));
}
