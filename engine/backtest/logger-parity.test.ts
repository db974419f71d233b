import { describe, expect, it } from 'vitest';
import { loadSample1h } from '../../test/strategy/kit.ts';
import { RecordingLogger } from '../log.ts';
import type { BacktestFeed } from './feed.ts';
import { runBacktest } from './run.ts';
import type { BacktestResult } from './types.ts';

/** Signal outcomes of a run's strategies, as `outcome: count`. */
function outcomes(r: BacktestResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of r.funnel.strategies) for (const o of s.outcomes) out[o.outcome] = o.count;
  return out;
}

// With a silent logger the engine takes shortcuts that only skip work for the log: DEGRADED refusals
// without the auction (Trader.refuseDegraded), an auction without bids that computes nothing, no daily-loss
// reset text. The same run with a logger that keeps everything takes the full path; both must agree.
describe('SMC run on the bundled sample, silent logger vs recording logger', () => {
  it('gives the same result, with many signals refused while DEGRADED', async () => {
    const series = await Promise.all(['BTC', 'ETH', 'SOL', 'BNB', 'DOGE'].map((s) => loadSample1h(s)));
    const feed: BacktestFeed = {
      baseTimeframe: '1h',
      candles: Object.fromEntries(series.map((s) => [s.symbol, { '1h': s }])),
    };
    const silent = await runBacktest({}, feed);
    const logger = new RecordingLogger();
    const logged = await runBacktest({}, feed, { logger });

    expect(outcomes(silent)['sizing:SYSTEM_DEGRADED']).toBeGreaterThan(100);
    expect(outcomes(logged)).toEqual(outcomes(silent));
    expect(logged.resultHash).toBe(silent.resultHash);
    expect(logged.finalEquity).toBe(silent.finalEquity);
    // The full path ran for the recording logger: its refusals and the day starts are in the log.
    const degraded = logger.records.filter(
      (r) =>
        r.msg === 'Trade rejected by risk manager' &&
        (r.obj as { reason: string }).reason === 'SYSTEM_DEGRADED',
    );
    expect(degraded.length).toBe(outcomes(silent)['sizing:SYSTEM_DEGRADED']);
    expect(logger.has('Daily loss tracking initialized')).toBe(true);
    expect(logger.has('Auction complete')).toBe(true);
  });
});
