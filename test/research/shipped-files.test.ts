import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../../data/errors.ts';
import { parseVariantsFile, resolveVariants } from '../../engine/research/compare/variants-file.ts';
import { ResearchConfigSchema } from '../../engine/research/config-schema.ts';
import { expandGrid } from '../../engine/research/grid/expand.ts';
import { parseGridFile } from '../../engine/research/grid/grid-file.ts';

/** The grid and variants files shipped in config/ must expand against the real, full config schema. */
const read = (rel: string) => readFileSync(new URL(`../../${rel}`, import.meta.url), 'utf8');

describe('config/grids/ote-4h.yaml', () => {
  it('expands to 64 valid configs over the OTE zone/tolerance and the decision structure', () => {
    const g = expandGrid(parseGridFile(read('config/grids/ote-4h.yaml')), {}, ResearchConfigSchema);
    expect(g.configs).toHaveLength(64);
    expect(g.axes.map((a) => a.path)).toEqual([
      'strategy.ote.zone_low',
      'strategy.ote.zone_high',
      'strategy.ote.tolerance',
      'strategy.structure.timeframe',
      'strategy.structure.accept_1h_fallback',
    ]);
    const last = g.configs[63].config;
    expect([last.strategy.ote.zone_low, last.strategy.ote.zone_high, last.strategy.ote.tolerance]).toEqual([
      0.618, 0.886, 0.1,
    ]);
    expect([last.strategy.structure.timeframe, last.strategy.structure.accept_1h_fallback]).toEqual([
      '1h',
      true,
    ]);
  });
});

describe('config/variants/seed-more-trades.yaml', () => {
  const text = read('config/variants/seed-more-trades.yaml');

  it('holds the default gates and the four options of seed §5', () => {
    const f = parseVariantsFile(text);
    expect(Object.keys(f.variants)).toEqual([
      'default_gates',
      'relaxed_ote',
      'structure_1h',
      'smc_plus_momentum',
      'wider_regimes',
    ]);
    expect(f.baseline).toBe('default_gates');
  });

  it('the SMC-only options resolve against the full config schema, each changing what it names', () => {
    const raw = parseYaml(text) as { variants: Record<string, unknown> };
    delete raw.variants.smc_plus_momentum;
    const r = resolveVariants(parseVariantsFile(JSON.stringify(raw)), {}, ResearchConfigSchema);
    const by = Object.fromEntries(r.variants.map((v) => [v.name, v.config]));
    expect(by.relaxed_ote.strategy.ote.tolerance).toBe(0.05);
    expect(by.structure_1h.strategy.structure.accept_1h_fallback).toBe(true);
    expect(by.wider_regimes.strategy.regimes.allowed).toEqual(['tight_smc', 'wide_smc', 'volatile_smc']);
    expect(by.default_gates).toEqual(ResearchConfigSchema.parse({}));
  });

  it('the momentum option runs alongside SMC (strategy kind momentum_breakdown): nothing is skipped', () => {
    const r = resolveVariants(parseVariantsFile(text), {}, ResearchConfigSchema);
    const momentum = r.variants.find((v) => v.name === 'smc_plus_momentum');
    expect(momentum?.config.backtest.strategies.map((s) => s.kind)).toEqual(['smc', 'momentum_breakdown']);
    expect(r.skipped).toEqual([]);
    expect(r.variants).toHaveLength(5);
  });

  it('with invalid: error a refused variant stops everything, naming it', () => {
    const f = parseVariantsFile(text.replace('invalid: skip', 'invalid: error'));
    const bad = { ...f, variants: { ...f.variants, broken: { 'strategy.ote.tolerance': 3 } } };
    expect(() => resolveVariants(bad, {}, ResearchConfigSchema)).toThrow(UserError);
    expect(() => resolveVariants({ ...bad, invalid: 'skip' }, {}, ResearchConfigSchema)).not.toThrow();
    const skipped = resolveVariants({ ...bad, invalid: 'skip' }, {}, ResearchConfigSchema).skipped;
    expect(skipped.some((l) => /^variants\.broken: strategy\.ote\.tolerance/.test(l))).toBe(true);
  });
});
