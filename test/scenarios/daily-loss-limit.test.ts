import { describe, expect, it } from 'vitest';
import { RecordingLogger } from '../../engine/log.ts';
import { RiskManager } from '../../engine/risk/risk-manager.ts';
import { candidate, d, riskConfig, riskContext } from '../kit/trading.ts';

const DAY = 86_400_000;
const MIDNIGHT = Date.UTC(2024, 2, 2); // 2024-03-02T00:00Z
const EVENING = MIDNIGHT - 4 * 3_600_000; // 20:00 the day before

function setup() {
  const logger = new RecordingLogger();
  const rm = new RiskManager(riskConfig({ signal_cooldown_hours: 0 }), logger);
  rm.onTick(EVENING - 8 * 3_600_000, d(10_000)); // first tick of the day: starting equity 10 000
  return { rm, logger };
}

describe('daily loss limit (seed §13): enforced at 5 %, warned at 70 %, reset at 00:00 UTC', () => {
  it('records trade results, warns once at 70 % of the limit, blocks new entries at the limit', () => {
    const { rm, logger } = setup();
    expect(logger.has('Daily loss tracking initialized')).toBe(true);

    rm.recordTradeResult(d(-300), EVENING, d(9_700)); // 3 %: below the 3.5 % warning
    expect(logger.has('DAILY_LOSS_WARNING')).toBe(false);
    expect(rm.evaluate(candidate(), riskContext({ now: EVENING })).approved).toBe(true);

    rm.recordTradeResult(d(-100), EVENING, d(9_600)); // 4 %: warning, still trading
    const warnings = logger.records.filter((r) => r.msg.startsWith('DAILY_LOSS_WARNING'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].obj).toMatchObject({ urgent: false });
    expect(rm.evaluate(candidate(), riskContext({ now: EVENING })).approved).toBe(true);

    rm.recordTradeResult(d(-100), EVENING, d(9_500)); // 5 %: limit reached
    const all = logger.records.filter((r) => r.msg.startsWith('DAILY_LOSS_WARNING'));
    expect(all).toHaveLength(2);
    expect(all[1]).toMatchObject({ level: 'error', obj: { urgent: true } });
    expect(rm.evaluate(candidate(), riskContext({ now: EVENING, equity: d(9_500) }))).toMatchObject({
      approved: false,
      reason: 'DAILY_LOSS_LIMIT',
    });
    // a winning trade later the same day lifts the block only when the loss falls below the limit again
    rm.recordTradeResult(d(50), EVENING, d(9_550));
    expect(rm.evaluate(candidate(), riskContext({ now: EVENING })).approved).toBe(true);
  });

  it('stays blocked until 23:59:59.999 and resets at 00:00 UTC with the equity of that moment', () => {
    const { rm, logger } = setup();
    rm.recordTradeResult(d(-600), EVENING, d(9_400));
    expect(rm.evaluate(candidate(), riskContext({ now: MIDNIGHT - 1, equity: d(9_400) })).approved).toBe(
      false,
    );

    const r = rm.evaluate(candidate(), riskContext({ now: MIDNIGHT, equity: d(9_400) }));
    expect(r.approved).toBe(true);
    expect(logger.records.filter((x) => x.msg === 'Daily loss tracking initialized')).toHaveLength(2);
    expect(rm.dailyLoss.snapshot()).toEqual({
      dayStart: MIDNIGHT,
      startEquity: '9400',
      realizedPnl: '0',
      warningLevel: 0,
    });
    // the new day's limit is 5 % of 9 400
    rm.recordTradeResult(d(-470), MIDNIGHT + 1_000, d(8_930));
    expect(rm.evaluate(candidate(), riskContext({ now: MIDNIGHT + 2_000 })).approved).toBe(false);
    expect(rm.evaluate(candidate(), riskContext({ now: MIDNIGHT + DAY })).approved).toBe(true);
  });

  it('a profitable day never blocks (the seed compared |daily_pnl|)', () => {
    const { rm } = setup();
    rm.recordTradeResult(d(2_000), EVENING, d(12_000));
    expect(rm.evaluate(candidate(), riskContext({ now: EVENING })).approved).toBe(true);
  });

  it('the tracker state survives a restart', () => {
    const { rm } = setup();
    rm.recordTradeResult(d(-600), EVENING, d(9_400));
    const restored = new RiskManager(
      riskConfig(),
      new RecordingLogger(),
      JSON.parse(JSON.stringify(rm.snapshot())),
    );
    expect(restored.evaluate(candidate(), riskContext({ now: EVENING }))).toMatchObject({
      reason: 'DAILY_LOSS_LIMIT',
    });
  });
});
