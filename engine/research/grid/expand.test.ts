import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UserError } from '../../../data/errors.ts';
import { StrategyConfigSchema } from '../../../strategies/smc/config.ts';
import { contentHash as hashValue } from '../../backtest/hash.ts';
import { expandGrid, rangeValues, selectCombinations } from './expand.ts';
import { parseGridFile } from './grid-file.ts';

// A stand-in for the full config schema with the real `strategy:` section; expandGrid takes the schema as a
// parameter, so the tests do not depend on the other sections.
const Schema = z
  .object({ strategy: StrategyConfigSchema.prefault({}), name: z.string().optional() })
  .strict();

function grid(yaml: string) {
  return parseGridFile(yaml, 'test.yaml');
}

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

describe('grid ranges', () => {
  it('rounds floating steps to the decimals of from/step and includes the end', () => {
    expect(rangeValues({ from: 0.5, to: 0.7, step: 0.05 })).toEqual([0.5, 0.55, 0.6, 0.65, 0.7]);
    expect(rangeValues({ from: 0, to: 1, step: 0.1 })).toEqual([
      0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1,
    ]);
    expect(rangeValues({ from: 10, to: 25, step: 5 })).toEqual([10, 15, 20, 25]);
    expect(rangeValues({ from: 1, to: 2, step: 0.3 })).toEqual([1, 1.3, 1.6, 1.9]);
  });

  it('every value lies in [from, to] and consecutive values differ by the step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 40 }),
        (fromK, stepK, n) => {
          const from = fromK / 100;
          const step = stepK / 1000;
          const to = from + n * step;
          const v = rangeValues({ from, to, step });
          expect(v.length).toBe(n + 1);
          for (let i = 1; i < v.length; i++) expect(v[i] - v[i - 1]).toBeCloseTo(step, 9);
        },
      ),
    );
  });
});

describe('grid expansion', () => {
  it('expands in file order with the last parameter varying fastest, validated and hashed', () => {
    const g = expandGrid(
      grid(`
objective: sharpe
params:
  strategy.structure.timeframe: ['4h', '1h']
  strategy.ote.tolerance: { from: 0, to: 0.1, step: 0.05 }
`),
      {},
      Schema,
    );
    expect(g.gridSize).toBe(6);
    expect(
      g.configs.map((c) => [
        c.index,
        c.params['strategy.structure.timeframe'],
        c.params['strategy.ote.tolerance'],
      ]),
    ).toEqual([
      [0, '4h', 0],
      [1, '4h', 0.05],
      [2, '4h', 0.1],
      [3, '1h', 0],
      [4, '1h', 0.05],
      [5, '1h', 0.1],
    ]);
    const c4 = g.configs[4].config;
    expect(c4.strategy.structure.timeframe).toBe('1h');
    expect(c4.strategy.ote.tolerance).toBe(0.05);
    expect(c4.strategy.ote.zone_low).toBe(0.618);
    expect(g.configs[4].configHash).toBe(hashValue(c4));
    expect(new Set(g.configs.map((c) => c.configHash)).size).toBe(6);
    // The default-valued config is the base config: same hash whatever the base file spelled out.
    expect(g.configs[0].configHash).toBe(hashValue(Schema.parse({})));
  });

  it('reports every unknown path by name, with what exists there, before any config is built', () => {
    const err = userError(() =>
      expandGrid(
        grid(`
objective: sharpe
params:
  strategy.ote.zone_lo: [0.5]
  strategy.structur.timeframe: ['1h']
  strategy.ote.tolerance: [0.01]
`),
        {},
        Schema,
      ),
    );
    expect(err.details).toHaveLength(2);
    expect(err.details[0]).toMatch(
      /params\.strategy\.ote\.zone_lo: not a config path \(strategy\.ote has: enabled, zone_low, zone_high, tolerance\)/,
    );
    expect(err.details[1]).toMatch(/params\.strategy\.structur\.timeframe/);
  });

  it('accepts an optional key the schema knows even when the base config leaves it out', () => {
    const g = expandGrid(grid(`objective: sharpe\nparams:\n  name: [a, b]\n`), {}, Schema);
    expect(g.configs.map((c) => c.config.name)).toEqual(['a', 'b']);
  });

  it('reports values the config schema refuses, naming the field and a config that has it', () => {
    const err = userError(() =>
      expandGrid(
        grid(`
objective: sharpe
params:
  strategy.ote.zone_low: [0.5, 1.2]
  strategy.structure.timeframe: ['4h', '2h']
`),
        {},
        Schema,
      ),
    );
    expect(err.message).toMatch(/refuses 3 of 4 grid configs/);
    const text = err.details.join('\n');
    expect(text).toMatch(/strategy\.ote\.zone_low: ote\.zone_low must be ≤ 1/);
    expect(text).toMatch(/strategy\.structure\.timeframe: structure\.timeframe must be '4h' or '1h'/);
    expect(text).toMatch(/strategy\.ote\.zone_low=1\.2/);
  });

  it('with invalid: skip, drops cross-field refusals and lists them', () => {
    const g = expandGrid(
      grid(`
objective: sharpe
invalid: skip
params:
  strategy.ote.zone_low: [0.6, 0.7]
  strategy.ote.zone_high: [0.65, 0.8]
`),
      {},
      Schema,
    );
    expect(g.configs.map((c) => c.index)).toEqual([0, 1, 3]);
    expect(g.skipped).toHaveLength(1);
    expect(g.skipped[0]).toMatch(/config #2 .*zone_low must be below/);
  });

  it('random search draws distinct grid positions with the seed, ascending', () => {
    const a = selectCombinations(1000, { random: 50, seed: 7 });
    expect(a).toEqual(selectCombinations(1000, { random: 50, seed: 7 }));
    expect(a).not.toEqual(selectCombinations(1000, { random: 50, seed: 8 }));
    expect(new Set(a).size).toBe(50);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(a.every((k) => k >= 0 && k < 1000)).toBe(true);
    expect(selectCombinations(10, { random: 50, seed: 1 })).toHaveLength(10);
  });

  it('random configs are the same configs the full grid has at those positions', () => {
    const text = `objective: sharpe\nparams:\n  strategy.ote.tolerance: { from: 0, to: 0.2, step: 0.01 }\n  strategy.score.threshold: [40, 50, 60]\n`;
    const full = expandGrid(grid(text), {}, Schema);
    const rnd = expandGrid(grid(`${text}search: { random: 9, seed: 3 }\n`), {}, Schema);
    expect(rnd.configs).toHaveLength(9);
    for (const c of rnd.configs) expect(c.configHash).toBe(full.configs[c.index].configHash);
  });
});

describe('grid file validation', () => {
  it('names the field and the fix', () => {
    expect(() => grid('objective: 3\nparams: { a: [1] }')).toThrow(
      /objective: objective must be a metric name/,
    );
    expect(() => grid('objective: sharpe\nparams: {}')).toThrow(/params needs at least one parameter/);
    expect(() => grid('objective: sharpe\nparams:\n  a: { from: 1, to: 0, step: 1 }')).toThrow(
      /to must be ≥ from/,
    );
    expect(() => grid('objective: sharpe\nsearch: random\nparams: { a: [1] }')).toThrow(/search must be/);
    expect(() => grid('objective: sharpe\nparams: { a: [1] }\nextra: 1')).toThrow(/extra/);
    expect(() => grid('objective: sharpe\nparams:\n  a: [1, 1]')).not.toThrow();
    expect(() =>
      expandGrid(grid('objective: sharpe\nparams:\n  strategy.ote.tolerance: [0, 0]'), {}, Schema),
    ).toThrow(/appears twice/);
  });
  it('reads constraints, search and objective direction', () => {
    const g = grid(
      'objective: -max_drawdown\nconstraints: { min_trades: 30 }\nsearch: { random: 5, seed: 2 }\nparams: { a: [1] }',
    );
    expect(g.constraints.min_trades).toBe(30);
    expect(g.search).toEqual({ random: 5, seed: 2 });
    expect(g.objective).toBe('-max_drawdown');
  });
});
