import { describe, expect, it } from 'vitest';
import { RecordingLogger } from '../../engine/log.ts';
import { DEFAULT_SAFETY_CONFIG } from '../../engine/safety/config.ts';
import { SafetySupervisor } from '../../engine/safety/supervisor.ts';
import { phantomPositions } from '../kit/scenarios.ts';
import { stopOrder, takeProfitOrder } from '../kit/sim.ts';
import { d } from '../kit/trading.ts';

const S = 1_000;

async function nakedAtStartup() {
  const v = phantomPositions([{ symbol: 'BTC', side: 'long', qty: '2', price: 100 }]);
  await v.broker.submitOrder(takeProfitOrder('BTC', 'sell', '1', '110'));
  const logger = new RecordingLogger();
  const start = v.now();
  const sup = new SafetySupervisor(DEFAULT_SAFETY_CONFIG, logger, { startedAt: start });
  const tick = async (now: number) =>
    sup.tick(
      {
        now,
        equity: d(10_000),
        marginUsed: d(30),
        positions: await v.broker.positions(),
        openOrders: await v.broker.openOrders(),
      },
      v.broker,
    );
  return { v, logger, sup, tick, start };
}

describe('naked-position detection (seed Bug 7 layer 2): 90 s startup grace, 2 consecutive detections', () => {
  it('ignores a naked position during the grace, warns on the first detection, halts on the second', async () => {
    const { logger, tick, start, v } = await nakedAtStartup();
    expect((await tick(start + 30 * S)).state).toBe('NORMAL');
    expect((await tick(start + 89_999)).report.nakedSymbols).toEqual([]);
    expect(logger.has('NAKED_POSITIONS_DETECTED')).toBe(false);

    const first = await tick(start + 90 * S);
    expect(first.state).toBe('NORMAL');
    expect(first.report.nakedSymbols).toEqual(['BTC']);
    expect(logger.has('NAKED_POSITIONS_DETECTED (first occurrence)')).toBe(true);

    const second = await tick(start + 120 * S);
    expect(second).toMatchObject({ state: 'HALTED', activated: true });
    expect(logger.has('NAKED_POSITIONS_DETECTED (persistent)')).toBe(true);
    // the emergency kill switch cancelled the TP; a NAKED halt is never auto-recovered
    expect(await v.broker.openOrders()).toEqual([]);
    expect((await tick(start + 3_600 * S)).state).toBe('HALTED');
  });

  it('a stop placed after the first detection resets the count: no halt', async () => {
    const { v, tick, start } = await nakedAtStartup();
    await tick(start + 95 * S);
    await v.broker.submitOrder(stopOrder('BTC', 'sell', '2', '95'));
    const r = await tick(start + 125 * S);
    expect(r.state).toBe('NORMAL');
    expect(r.report.nakedSymbols).toEqual([]);
    await v.broker.cancelOrder('BTC', (await v.broker.openOrders()).find((o) => o.type === 'stop')?.id ?? '');
    expect((await tick(start + 155 * S)).state).toBe('NORMAL'); // first occurrence again
  });

  it('a stop on the wrong side or without reduce-only does not count as protection', async () => {
    const { v, tick, start } = await nakedAtStartup();
    await v.broker.submitOrder(stopOrder('BTC', 'buy', '2', '105'));
    await v.broker.submitOrder(stopOrder('BTC', 'sell', '2', '95', { reduceOnly: false }));
    expect((await tick(start + 100 * S)).report.nakedSymbols).toEqual(['BTC']);
  });
});
