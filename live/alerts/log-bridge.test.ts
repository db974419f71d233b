import { describe, expect, it } from 'vitest';
import { RecordingLogger } from '../../engine/log.ts';
import { alertingLogger } from './log-bridge.ts';
import type { AlertInput, SendOutcome } from './types.ts';

function capture() {
  const sent: AlertInput[] = [];
  return {
    sent,
    sender: {
      send: (a: AlertInput): SendOutcome => {
        sent.push(a);
        return 'queued';
      },
    },
  };
}

describe('engine log lines → alerts', () => {
  it('the engine events of seed §7 raise their alerts with the logged facts; other lines pass through only', () => {
    const inner = new RecordingLogger();
    const { sent, sender } = capture();
    const log = alertingLogger(inner, sender);
    // exactly as engine/safety, engine/risk and data/markets log them
    log.error({ reason: 'MARGIN_CRITICAL', detail: 'margin 93%', urgent: true }, 'SYSTEM_HALTED');
    log.error(
      { reason: 'MARGIN_CRITICAL', detail: 'margin 93%', urgent: true },
      'Kill switch active: trading halted',
    );
    log.warn(
      {
        reason: 'MARGIN_CRITICAL',
        halted_for_s: 600,
        margin_utilization: 0.7,
        recoveries_24h: 1,
        urgent: true,
      },
      'AUTO_RECOVERY: Clearing kill switch',
    );
    log.warn(
      { urgent: false, daily_pnl: '-360', loss_pct: 0.036, limit_pct: 0.05 },
      'DAILY_LOSS_WARNING: daily loss approaching the limit',
    );
    log.error(
      { urgent: true, daily_pnl: '-520', loss_pct: 0.052, limit_pct: 0.05 },
      'DAILY_LOSS_WARNING: daily loss limit reached, new entries blocked',
    );
    log.warn(
      { new_size: 10, last_size: 45, ratio: 0.5 },
      'UNIVERSE_SHRINK_REJECTED: discovery returned 10 symbols',
    );
    log.warn({ symbols: ['BTC'], consecutive: 1 }, 'NAKED_POSITIONS_DETECTED (first occurrence)');
    log.error({ symbols: ['BTC'], consecutive: 2, urgent: true }, 'NAKED_POSITIONS_DETECTED (persistent)');
    log.info({ cycle: 1 }, 'CYCLE_SUMMARY cycle=1');
    log.debug({ reason: 'x' }, 'SYSTEM_HALTED debug lines never alert');

    expect(sent.map((a) => [a.type, a.urgent])).toEqual([
      ['SYSTEM_HALTED', true],
      ['KILL_SWITCH', true],
      ['AUTO_RECOVERY', true],
      ['DAILY_LOSS_WARNING', false],
      ['DAILY_LOSS_WARNING', true],
      ['UNIVERSE_SHRINK_REJECTED', false],
      ['NAKED_POSITIONS_DETECTED', false],
      ['NAKED_POSITIONS_DETECTED', true],
    ]);
    expect(sent[0].fields).toMatchObject({ reason: 'MARGIN_CRITICAL', detail: 'margin 93%' });
    expect(sent[2].lines).toContain('Margin used: 70.0%');
    expect(sent[5].lines[0]).toBe('Discovered 10 symbols vs 45 before; kept the previous universe.');
    expect(sent[7].title).toContain('BTC');
    // every line still reaches the real log, unchanged
    expect(inner.records).toHaveLength(10);
  });

  it('a failure to raise an alert is logged, never thrown into the engine', () => {
    const inner = new RecordingLogger();
    const log = alertingLogger(inner, {
      send: () => {
        throw new Error('boom');
      },
    });
    expect(() => log.error({ reason: 'MANUAL' }, 'SYSTEM_HALTED')).not.toThrow();
    const rec = inner.records.find((r) => r.msg === 'Alert bridge failed');
    expect(rec?.obj).toMatchObject({ err: 'boom', event: 'SYSTEM_HALTED' });
  });
});
