import { describe, expect, it } from 'vitest';
import { venue } from '../../test/kit/scenarios.ts';
import { RecordingLogger } from '../log.ts';
import { checkSpread, observeSpread } from './spread-check.ts';

describe('live spread check (seed §15.3)', () => {
  it('rejects a spread above 1 % of mid, passes a narrower one', async () => {
    const v = venue();
    const logger = new RecordingLogger();
    v.broker.hooks.setSpreadBps('BTC', 150);
    expect(checkSpread('BTC', await observeSpread(v.broker, 'BTC', logger), 0.01, logger).ok).toBe(false);
    expect(logger.has('SIGNAL_REJECTED_SPREAD')).toBe(true);
    v.broker.hooks.setSpreadBps('BTC', 50);
    expect(checkSpread('BTC', await observeSpread(v.broker, 'BTC', logger), 0.01, logger)).toMatchObject({
      ok: true,
    });
  });

  it('is fail-open: a ticker error lets the trade through and is logged', async () => {
    const v = venue();
    const logger = new RecordingLogger();
    v.broker.hooks.failNext('ticker', 'network');
    const obs = await observeSpread(v.broker, 'BTC', logger);
    expect(obs.kind).toBe('error');
    expect(checkSpread('BTC', obs, 0.01, logger)).toEqual({ ok: true, spreadPct: null });
    expect(logger.records.map((r) => r.msg)).toEqual([
      'Spread check: could not read the ticker',
      'Spread check failed; allowing trade (fail-open)',
    ]);
  });
});
