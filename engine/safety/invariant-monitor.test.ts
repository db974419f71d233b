import { describe, expect, it } from 'vitest';
import { d, exchangePosition } from '../../test/kit/trading.ts';
import { RecordingLogger } from '../log.ts';
import { DEFAULT_SAFETY_CONFIG } from './config.ts';
import { InvariantMonitor, type SafetyObservation } from './invariant-monitor.ts';

const obs = (over: Partial<SafetyObservation> = {}): SafetyObservation => ({
  now: 0,
  equity: d(10_000),
  marginUsed: d(0),
  positions: [],
  openOrders: [],
  ...over,
});

describe('InvariantMonitor thresholds (seed §4)', () => {
  it.each([
    [0.8499, 'NORMAL', null],
    [0.85, 'DEGRADED', null],
    [0.9199, 'DEGRADED', null],
    [0.92, 'HALT', 'MARGIN_CRITICAL'],
  ] as const)('margin utilisation %s → %s', (util, level, reason) => {
    const m = new InvariantMonitor(DEFAULT_SAFETY_CONFIG, new RecordingLogger(), 0);
    const r = m.check(obs({ marginUsed: d(10_000 * util) }));
    expect([r.level, r.haltReason]).toEqual([level, reason]);
  });

  it('drawdown from the equity peak: 10 % DEGRADED, 15 % HALT', () => {
    const m = new InvariantMonitor(DEFAULT_SAFETY_CONFIG, new RecordingLogger(), 0);
    expect(m.check(obs({ equity: d(12_000) })).level).toBe('NORMAL');
    expect(m.check(obs({ equity: d(10_801) })).level).toBe('NORMAL');
    expect(m.check(obs({ equity: d(10_800) })).level).toBe('DEGRADED');
    const r = m.check(obs({ equity: d(10_200) }));
    expect([r.level, r.haltReason, r.drawdown]).toEqual(['HALT', 'DRAWDOWN_CRITICAL', 0.15]);
    // the peak survives a restart
    const again = new InvariantMonitor(DEFAULT_SAFETY_CONFIG, new RecordingLogger(), 0, m.snapshot());
    expect(again.check(obs({ equity: d(10_800) })).level).toBe('DEGRADED');
  });

  it('halts above 10 open positions, not at 10', () => {
    const m = new InvariantMonitor(
      { ...DEFAULT_SAFETY_CONFIG, naked_position_grace_seconds: 1e9 },
      new RecordingLogger(),
      0,
    );
    const ten = Array.from({ length: 10 }, (_, i) => exchangePosition(`S${i}`, 'long', 1, 10));
    expect(m.check(obs({ positions: ten })).level).toBe('NORMAL');
    const r = m.check(obs({ positions: [...ten, exchangePosition('S10', 'long', 1, 10)] }));
    expect(r.haltReason).toBe('MAX_POSITIONS');
  });

  it('a position above 25 % of equity is a warning only', () => {
    const logger = new RecordingLogger();
    const m = new InvariantMonitor(
      { ...DEFAULT_SAFETY_CONFIG, naked_position_grace_seconds: 1e9 },
      logger,
      0,
    );
    const r = m.check(obs({ positions: [exchangePosition('BTC', 'long', 30, 100)] }));
    expect(r.level).toBe('NORMAL');
    expect(r.violations).toMatchObject([{ invariant: 'single_position_notional', severity: 'warning' }]);
  });

  it('names a non-recoverable reason first when several halts hold at once', () => {
    const m = new InvariantMonitor(DEFAULT_SAFETY_CONFIG, new RecordingLogger(), 0);
    m.check(obs({ equity: d(20_000) }));
    const r = m.check(obs({ equity: d(10_000), marginUsed: d(9_500) }));
    expect(r.haltReason).toBe('DRAWDOWN_CRITICAL');
  });

  it('logs DEGRADED on the transition, not on every check', () => {
    const logger = new RecordingLogger();
    const m = new InvariantMonitor(DEFAULT_SAFETY_CONFIG, logger, 0);
    m.check(obs({ marginUsed: d(8_600) }));
    m.check(obs({ marginUsed: d(8_700) }));
    m.check(obs({ marginUsed: d(100) }));
    expect(logger.records.filter((r) => r.msg.startsWith('DEGRADED'))).toHaveLength(1);
    expect(logger.has('System state NORMAL')).toBe(true);
  });
});
