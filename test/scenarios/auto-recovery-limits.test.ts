import { describe, expect, it } from 'vitest';
import { RecordingLogger } from '../../engine/log.ts';
import { DEFAULT_SAFETY_CONFIG } from '../../engine/safety/config.ts';
import { SafetySupervisor } from '../../engine/safety/supervisor.ts';
import { phantomPositions } from '../kit/scenarios.ts';
import { stopOrder, takeProfitOrder } from '../kit/sim.ts';
import { d } from '../kit/trading.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

async function halted() {
  const v = phantomPositions([{ symbol: 'BTC', side: 'long', qty: '2', price: 100 }]);
  await v.broker.submitOrder(stopOrder('BTC', 'sell', '2', '95'));
  await v.broker.submitOrder(takeProfitOrder('BTC', 'sell', '1', '110'));
  const logger = new RecordingLogger();
  const t0 = v.now();
  const sup = new SafetySupervisor(DEFAULT_SAFETY_CONFIG, logger, { startedAt: t0 - HOUR });
  const tick = async (now: number, utilization: number) =>
    sup.tick(
      {
        now,
        equity: d(10_000),
        marginUsed: d(10_000 * utilization),
        positions: await v.broker.positions(),
        openOrders: await v.broker.openOrders(),
      },
      v.broker,
    );
  return { v, logger, sup, tick, t0 };
}

describe('auto-recovery (seed §3b Feature 6): MARGIN_CRITICAL only, after 5 min, below 85 %, at most 2 per 24 h', () => {
  it('halts at 92 % margin, then clears itself after 5 minutes once utilisation is below 85 %', async () => {
    const { v, logger, sup, tick, t0 } = await halted();
    const r0 = await tick(t0, 0.93);
    expect(r0).toMatchObject({ state: 'HALTED', activated: true });
    expect(sup.killSwitch.state.reason).toBe('MARGIN_CRITICAL');
    // the kill switch kept the stop and cancelled the TP
    expect((await v.broker.openOrders()).map((o) => o.type)).toEqual(['stop']);

    expect((await tick(t0 + 4 * MIN + 59_999, 0.5)).state).toBe('HALTED'); // too soon
    expect((await tick(t0 + 5 * MIN, 0.86)).state).toBe('HALTED'); // margin not below 85 %
    expect((await tick(t0 + 5 * MIN, 0.85)).state).toBe('HALTED'); // 85 % is not below 85 %
    const r = await tick(t0 + 5 * MIN, 0.84);
    expect(r).toMatchObject({ state: 'NORMAL', recovered: true });
    expect(logger.has('AUTO_RECOVERY: Clearing kill switch')).toBe(true);
  });

  it('recovers at most twice in 24 h; the third halt needs an operator', async () => {
    const { logger, sup, tick, t0 } = await halted();
    for (const k of [0, 1]) {
      const start = t0 + k * HOUR;
      await tick(start, 0.95);
      expect((await tick(start + 5 * MIN, 0.5)).recovered).toBe(true);
    }
    const third = t0 + 2 * HOUR;
    await tick(third, 0.95);
    const r = await tick(third + 10 * MIN, 0.3);
    expect(r).toMatchObject({ state: 'HALTED', recovered: false });
    expect(logger.has('Auto-recovery: daily limit reached')).toBe(true);
    // logged once per halt, not on every tick
    await tick(third + 11 * MIN, 0.3);
    expect(logger.records.filter((x) => x.msg.startsWith('Auto-recovery: daily limit reached'))).toHaveLength(
      1,
    );
    // 24 h after the first recovery one slot frees up again
    expect((await tick(t0 + 5 * MIN + 24 * HOUR, 0.3)).recovered).toBe(true);
    expect(sup.snapshot(t0 + 5 * MIN + 24 * HOUR).autoRecoveries).toHaveLength(2);
  });

  it('never recovers a halt for another reason (drawdown)', async () => {
    const { sup, v, t0 } = await halted();
    const obs = async (now: number, equity: number) => ({
      now,
      equity: d(equity),
      marginUsed: d(100),
      positions: await v.broker.positions(),
      openOrders: await v.broker.openOrders(),
    });
    await sup.tick(await obs(t0, 10_000), v.broker);
    expect((await sup.tick(await obs(t0 + MIN, 8_400), v.broker)).state).toBe('HALTED');
    expect(sup.killSwitch.state.reason).toBe('DRAWDOWN_CRITICAL');
    expect((await sup.tick(await obs(t0 + HOUR, 9_900), v.broker)).state).toBe('HALTED');
  });

  it('the halt and the recovery count survive a restart', async () => {
    const { sup, tick, t0, v } = await halted();
    await tick(t0, 0.95);
    await tick(t0 + 5 * MIN, 0.5);
    await tick(t0 + HOUR, 0.95);
    const saved = JSON.parse(JSON.stringify(sup.snapshot(t0 + HOUR)));
    const restarted = new SafetySupervisor(DEFAULT_SAFETY_CONFIG, new RecordingLogger(), {
      startedAt: t0 + HOUR,
      state: saved,
    });
    expect(restarted.systemState()).toBe('HALTED');
    expect(restarted.autoRecovery.recentCount(t0 + HOUR)).toBe(1);
    void v;
  });
});
