import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { formatZodError } from '../../cli/run-action.ts';
import {
  DEFAULT_STRATEGY_CONFIG,
  parseStrategyConfig,
  REGIMES,
  StrategyConfigSchema,
  strategySectionOf,
} from '../../strategies/smc/config.ts';

function zodMessage(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof ZodError) return formatZodError(err);
    throw err;
  }
  throw new Error('expected a validation error');
}

describe('strategy config defaults reproduce the seed (§5, §19)', () => {
  const d = DEFAULT_STRATEGY_CONFIG;
  it('daily bias is the close against EMA 200 on 1D', () => {
    expect(d.bias).toEqual({ timeframe: '1d', ema_period: 200, neutral_band: 0 });
  });
  it('decision structure is 4H without the 1H fallback', () => {
    expect(d.structure.timeframe).toBe('4h');
    expect(d.structure.accept_1h_fallback).toBe(false);
  });
  it('OTE gate on, zone 0.618–0.786, no tolerance', () => {
    expect(d.ote).toEqual({ enabled: true, zone_low: 0.618, zone_high: 0.786, tolerance: 0 });
  });
  it('tight_smc is tradeable and the 4H ATR stop multipliers of tradeable regimes lie in 0.15–0.30', () => {
    expect(d.regimes.allowed).toContain('tight_smc');
    for (const r of d.regimes.allowed) {
      expect(d.stop.atr_multipliers[r]).toBeGreaterThanOrEqual(0.15);
      expect(d.stop.atr_multipliers[r]).toBeLessThanOrEqual(0.3);
    }
    expect(d.stop.atr_multipliers.tight_smc).toBe(0.15);
    expect(d.stop.atr_multipliers.volatile_smc).toBe(0.3);
  });
  it('is the parse of an empty section and cannot be mutated', () => {
    expect(parseStrategyConfig({})).toEqual(d);
    expect(() => {
      (d.ote as { zone_low: number }).zone_low = 0.5;
    }).toThrow(TypeError);
  });
});

describe('strategy config validation', () => {
  it('fills a partial section with defaults', () => {
    const c = parseStrategyConfig({ ote: { tolerance: 0.05 }, structure: { accept_1h_fallback: true } });
    expect(c.ote).toEqual({ enabled: true, zone_low: 0.618, zone_high: 0.786, tolerance: 0.05 });
    expect(c.structure.timeframe).toBe('4h');
    expect(c.score).toEqual(DEFAULT_STRATEGY_CONFIG.score);
  });

  it('refuses unknown keys by name, at any depth', () => {
    expect(zodMessage(() => parseStrategyConfig({ ote: { zone_lo: 0.5 } }))).toBe(
      'ote: Unrecognized key: "zone_lo"',
    );
    expect(zodMessage(() => parseStrategyConfig({ otee: {} }))).toBe('(root): Unrecognized key: "otee"');
    expect(zodMessage(() => strategySectionOf({ strategy: { score: { weights: { volume: 3 } } } }))).toBe(
      'strategy.score.weights: Unrecognized key: "volume"',
    );
  });

  it('names the field and the fix for bad values', () => {
    expect(zodMessage(() => parseStrategyConfig({ ote: { zone_low: 0.8, zone_high: 0.7 } }))).toBe(
      'ote.zone_low: ote.zone_low must be below ote.zone_high',
    );
    expect(zodMessage(() => parseStrategyConfig({ structure: { timeframe: '15m' } }))).toBe(
      "structure.timeframe: structure.timeframe must be '4h' or '1h'",
    );
    expect(zodMessage(() => parseStrategyConfig({ regimes: { allowed: ['tight'] } }))).toContain(
      "regimes.allowed.0: regime 'tight' is unknown: use one of",
    );
    expect(zodMessage(() => parseStrategyConfig({ regimes: { allowed: [] } }))).toBe(
      'regimes.allowed: regimes.allowed needs at least one regime',
    );
    expect(
      zodMessage(() => parseStrategyConfig({ regimes: { min_leg_atr: 5, tight_max_leg_atr: 4 } })),
    ).toContain('need min_leg_atr ≤ tight_max_leg_atr ≤ max_leg_atr');
    expect(zodMessage(() => parseStrategyConfig({ targets: { extensions: [2, 1, 3] } }))).toContain(
      'targets.extensions must be ascending',
    );
  });

  it('reads the strategy section of a whole config and leaves other sections to their owners', () => {
    const c = strategySectionOf({ strategy: { score: { threshold: 60 } }, risk: { whatever: 1 } });
    expect(c.score.threshold).toBe(60);
    expect(strategySectionOf({ risk: {} })).toEqual(DEFAULT_STRATEGY_CONFIG);
  });

  it('every regime has a stop multiplier, so any allowed list is usable', () => {
    const all = StrategyConfigSchema.parse({ regimes: { allowed: [...REGIMES] } });
    for (const r of REGIMES) expect(all.stop.atr_multipliers[r]).toBeGreaterThan(0);
  });
});
