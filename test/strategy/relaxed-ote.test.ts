import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../data/candles/series.ts';
import { parseStrategyConfig } from '../../strategies/smc/config.ts';
import { FeatureCache } from '../../strategies/smc/context/feature-cache.ts';
import { runPipeline } from '../../strategies/smc/pipeline.ts';
import { allTimeframes, loadSample1h } from './kit.ts';

/**
 * Relaxing the OTE gate (seed §5 option 1) can only add signals: with a larger tolerance every signal of
 * the stricter variant is still a signal, at the same time, with the same entry, stop and targets.
 */
describe('relaxed OTE is monotone on the bundled real sample', () => {
  let eth: CandleSeries;
  beforeAll(async () => {
    eth = await loadSample1h('ETH');
  });

  it('signals(tolerance a) ⊆ signals(tolerance b) for a ≤ b', () => {
    const candles = allTimeframes(eth);
    const cache = new FeatureCache();
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.15, noNaN: true }),
        fc.double({ min: 0, max: 0.15, noNaN: true }),
        fc.boolean(),
        (x, y, fallback) => {
          const [a, b] = x <= y ? [x, y] : [y, x];
          const cfg = (tolerance: number) =>
            parseStrategyConfig({ ote: { tolerance }, structure: { accept_1h_fallback: fallback } });
          const strict = runPipeline(candles, cfg(a), { cache }).decisions.signals;
          const relaxed = new Map(
            runPipeline(candles, cfg(b), { cache }).decisions.signals.map((s) => [s.ts, s]),
          );
          expect(relaxed.size).toBeGreaterThanOrEqual(strict.length);
          for (const s of strict) {
            const r = relaxed.get(s.ts);
            expect(r).toBeDefined();
            expect([r?.action, r?.entry, r?.stop, r?.tp1, r?.score]).toEqual([
              s.action,
              s.entry,
              s.stop,
              s.tp1,
              s.score,
            ]);
          }
        },
      ),
      { numRuns: 15, seed: 3 },
    );
    expect(cache.hits).toBeGreaterThan(0);
  });
});
