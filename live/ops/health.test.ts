import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../engine/clock.ts';
import { HealthMonitor } from './health.ts';

const T0 = Date.UTC(2026, 1, 8, 12);

describe('HealthMonitor', () => {
  it('starting → ok while ticks come → stale after 3 intervals without one → ok again', () => {
    const clock = new SimulatedClock(T0);
    const h = new HealthMonitor({ clock, expectedIntervalMs: 60_000 });
    expect(h.check()).toMatchObject({ httpStatus: 200, status: 'starting' });
    clock.advanceTo(T0 + 30_000);
    h.recordCycle(1, clock.now(), 'NORMAL');
    clock.advanceTo(T0 + 30_000 + 180_000);
    expect(h.check()).toMatchObject({ httpStatus: 200, status: 'ok', cycle: 1 });
    clock.advanceTo(T0 + 30_000 + 180_001);
    const stale = h.check();
    expect(stale).toMatchObject({ httpStatus: 503, status: 'stale', staleAfterS: 180 });
    expect(stale.reason).toBe('stale: last tick 180 s ago (limit 180 s)');
    h.recordCycle(2, clock.now(), 'DEGRADED');
    expect(h.check()).toMatchObject({ httpStatus: 200, status: 'ok', systemState: 'DEGRADED' });
  });

  it('a startup that never completes a tick turns stale', () => {
    const clock = new SimulatedClock(T0);
    const h = new HealthMonitor({ clock, expectedIntervalMs: 10_000, staleFactor: 2 });
    clock.advanceTo(T0 + 20_001);
    expect(h.check()).toMatchObject({ httpStatus: 503, status: 'stale' });
    expect(h.check().reason).toMatch(/^stale: no tick completed 20 s after start/);
  });

  it('HALTED is unhealthy even while ticking, with the halt reason', () => {
    const clock = new SimulatedClock(T0);
    const h = new HealthMonitor({ clock, expectedIntervalMs: 60_000 });
    h.recordCycle(7, T0, 'HALTED', 'MARGIN_CRITICAL');
    expect(h.check()).toMatchObject({
      httpStatus: 503,
      status: 'halted',
      reason: 'halted: kill switch active (MARGIN_CRITICAL)',
    });
  });
});
