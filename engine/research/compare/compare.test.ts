import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UserError } from '../../../data/errors.ts';
import { StrategyConfigSchema } from '../../../strategies/smc/config.ts';
import { SeededRng } from '../../rng.ts';
import type { ConfigOutcome } from '../outcome.ts';
import { compareOutcomes } from './compare.ts';
import { parseVariantsFile, resolveVariants } from './variants-file.ts';

const Schema = z.object({ strategy: StrategyConfigSchema.prefault({}) }).strict();
const D = 86_400_000;

function outcome(daily: number[], firstDay = 0, trades = 10): ConfigOutcome {
  return { metrics: { trades, sharpe: null }, trades, resultHash: 'x', firstDay, daily, finalEquity: 1 };
}

describe('variants file', () => {
  it('resolves each variant over the base config, the first being the baseline unless named', () => {
    const f = parseVariantsFile(`
variants:
  default: {}
  relaxed_ote: { strategy.ote.tolerance: 0.05 }
  structure_1h:
    strategy.structure.accept_1h_fallback: true
`);
    const r = resolveVariants(f, {}, Schema);
    expect(r.baseline).toBe('default');
    expect(r.variants.map((v) => v.name)).toEqual(['default', 'relaxed_ote', 'structure_1h']);
    expect(r.variants[1].config.strategy.ote.tolerance).toBe(0.05);
    expect(r.variants[2].config.strategy.structure.accept_1h_fallback).toBe(true);
    expect(new Set(r.variants.map((v) => v.configHash)).size).toBe(3);
  });

  it('names the variant and the path of every unknown path or refused value', () => {
    const f = parseVariantsFile(`
baseline: b
variants:
  a: { strategy.ote.tolerence: 0.05 }
  b: {}
`);
    let err: unknown;
    try {
      resolveVariants(f, {}, Schema);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).details[0]).toMatch(
      /^variants\.a\.strategy\.ote\.tolerence: not a config path/,
    );
    const g = parseVariantsFile('variants:\n  a: {}\n  b: { strategy.ote.tolerance: 3 }\n');
    expect(() => resolveVariants(g, {}, Schema)).toThrow(
      /variants\.b: strategy\.ote\.tolerance: ote\.tolerance must be ≤ 0\.5/,
    );
    expect(() => parseVariantsFile('baseline: z\nvariants:\n  a: {}\n  b: {}\n')).toThrow(
      /baseline must be one of the variants/,
    );
    expect(() => parseVariantsFile('variants:\n  a: {}\n')).toThrow(/at least one other variant/);
  });
});

describe('variant comparison', () => {
  const rng = new SeededRng(3);
  const base = Array.from({ length: 300 }, () => 0.01 * rng.normal());
  const better = base.map((r) => r + 0.002 + 0.001 * rng.normal());
  const same = [...base];

  it('the difference to the baseline has a bootstrap interval that excludes 0 for a real edge', () => {
    const c = compareOutcomes(
      [
        { name: 'base', outcome: outcome(base) },
        { name: 'better', outcome: outcome(better) },
        { name: 'same', outcome: outcome(same) },
      ],
      'base',
      { seed: 1, resamples: 500 },
    );
    expect(c.days).toBe(300);
    expect(c.trials).toBe(3);
    const d = c.differences.find((x) => x.name === 'better')?.statistics.mean_daily_return;
    expect(d?.estimate).toBeCloseTo(
      better.reduce((a, b) => a + b, 0) / 300 - base.reduce((a, b) => a + b, 0) / 300,
      12,
    );
    expect(d?.low).toBeGreaterThan(0);
    const s = c.differences.find((x) => x.name === 'same')?.statistics.sharpe;
    expect([s?.estimate, s?.low, s?.high]).toEqual([0, 0, 0]);
    expect(c.differences.map((x) => x.name)).toEqual(['better', 'same']);
    // DSR deflates by the trials: never above PSR.
    for (const r of c.rows) expect(r.dsr ?? 0).toBeLessThanOrEqual(r.psr ?? 0);
  });

  it('is deterministic for a seed and aligns variants on their common days', () => {
    const run = () =>
      compareOutcomes(
        [
          { name: 'base', outcome: outcome(base, 0) },
          { name: 'later', outcome: outcome(better.slice(5), 5 * D) },
        ],
        'base',
        { seed: 9, resamples: 200, trials: 40 },
      );
    const a = run();
    expect(a).toEqual(run());
    expect(a.days).toBe(295);
    expect(a.firstDay).toBe(5 * D);
    expect(a.trials).toBe(40);
  });
});
