import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config/load.ts';
import { UserError } from '../../data/errors.ts';
import { RecordingLogger } from '../../engine/log.ts';
import { planEntries } from '../../engine/portfolio/entry-planner.ts';
import { DEFAULT_SAFETY_CONFIG } from '../../engine/safety/config.ts';
import { InvariantMonitor } from '../../engine/safety/invariant-monitor.ts';
import { auction, candidate, d, exchangePosition, riskContext, riskManager } from '../kit/trading.ts';

describe('seed Bug 2: auction notional override opened positions of 70–120 % of equity', () => {
  it('caps an auction override of 120 % of equity to the 25 % single-position limit before the trade', () => {
    const logger = new RecordingLogger();
    const rm = riskManager({}, logger);
    const r = rm.evaluate(candidate(), riskContext(), { notionalOverride: d(12_000) });
    expect(r.approved).toBe(true);
    if (!r.approved) return;
    expect(r.notional.toNumber()).toBeLessThanOrEqual(2_500);
    expect(r.notional.toNumber()).toBeGreaterThan(2_499);
    expect(r.caps[0]).toMatchObject({ cap: 'single_notional' });
    expect(logger.has('Capping position notional by single position limit')).toBe(true);
  });

  it('caps the risk-based path too (tight stop → huge size)', () => {
    const r = riskManager().evaluate(candidate({ stop: d(99.9) }), riskContext());
    expect(r.approved && r.notional.toNumber()).toBeLessThanOrEqual(2_500);
  });

  it('the auction → risk chain never opens a position the post-trade monitor would flag', () => {
    const rm = riskManager();
    // stops 0.05 % away: risk sizing asks for 20× equity, the auction grants a large margin
    const cands = ['BTC', 'ETH', 'SOL'].map((s, i) =>
      candidate({ symbol: s, stop: d(99.95), score: 80 - i }),
    );
    const plan = planEntries(cands, riskContext(), { risk: rm, auction: auction() });
    expect(plan.accepted).toHaveLength(3);
    const monitorLog = new RecordingLogger();
    const monitor = new InvariantMonitor(DEFAULT_SAFETY_CONFIG, monitorLog, 0);
    const positions = plan.accepted.map((a) => exchangePosition(a.symbol, a.side, a.qty, 100));
    const report = monitor.check({
      now: 0,
      equity: d(10_000),
      marginUsed: positions.reduce((s, p) => s.plus(p.margin), d(0)),
      positions,
      openOrders: [],
    });
    expect(report.violations.filter((v) => v.invariant === 'single_position_notional')).toEqual([]);
    for (const a of plan.accepted) expect(a.notional.lte(2_500)).toBe(true);
  });

  it('rejects dust after the cap: below the $10 minimum viable notional', () => {
    const r = riskManager().evaluate(candidate(), riskContext({ equity: d(30) }), {
      notionalOverride: d(1_000),
    });
    expect(r).toMatchObject({ approved: false, reason: 'BELOW_MIN_NOTIONAL' });
  });

  it('refuses a config whose pre-trade cap is looser than the post-trade limit', () => {
    let msg = '';
    try {
      resolveConfig({ risk: { max_single_position_pct_equity: 0.5 } });
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      msg = err.message;
    }
    expect(msg).toContain("rule 'single-position-cap-within-post-trade-limit'");
  });
});
