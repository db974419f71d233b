import { describe, expect, it } from 'vitest';
import { AlertRateLimiter } from './rate-limiter.ts';

const MIN = 60_000;

describe('AlertRateLimiter (seed: 1 alert per type per 5 minutes, urgent bypasses)', () => {
  it('admits one non-urgent alert per type per 5 minutes', () => {
    const r = new AlertRateLimiter();
    const a = { type: 'DAILY_LOSS_WARNING', urgent: false } as const;
    expect(r.admit(a, 0)).toBe(true);
    expect(r.admit(a, 4 * MIN + 59_999)).toBe(false);
    expect(r.admit(a, 5 * MIN)).toBe(true);
    expect(r.admit(a, 6 * MIN)).toBe(false);
  });

  it('different types do not limit each other', () => {
    const r = new AlertRateLimiter();
    expect(r.admit({ type: 'DAILY_SUMMARY', urgent: false }, 0)).toBe(true);
    expect(r.admit({ type: 'UNIVERSE_SHRINK_REJECTED', urgent: false }, 1)).toBe(true);
  });

  it('urgent alerts always pass and do not open a window for later non-urgent ones', () => {
    const r = new AlertRateLimiter();
    const u = { type: 'NAKED_POSITIONS_DETECTED', urgent: true } as const;
    expect(r.admit(u, 0)).toBe(true);
    expect(r.admit(u, 1)).toBe(true);
    expect(r.admit({ type: 'NAKED_POSITIONS_DETECTED', urgent: false }, 2)).toBe(true);
  });

  it('position alerts are limited per symbol (rateKey), not across symbols', () => {
    const r = new AlertRateLimiter();
    expect(r.admit({ type: 'POSITION_CLOSED', urgent: false, rateKey: 'BTC' }, 0)).toBe(true);
    expect(r.admit({ type: 'POSITION_CLOSED', urgent: false, rateKey: 'ETH' }, 1)).toBe(true);
    expect(r.admit({ type: 'POSITION_CLOSED', urgent: false, rateKey: 'BTC' }, 2)).toBe(false);
  });
});
