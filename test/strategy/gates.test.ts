import { describe, expect, it } from 'vitest';
import { DEFAULT_STRATEGY_CONFIG } from '../../strategies/smc/config.ts';
import { biasDirection } from '../../strategies/smc/gates/bias.ts';
import { inOteZone, retracement } from '../../strategies/smc/gates/ote.ts';
import { classifyRegime, REGIME_INDEX } from '../../strategies/smc/gates/regime.ts';
import { oteQuality } from '../../strategies/smc/gates/score.ts';
import {
  STATUS_AGAINST_BIAS,
  STATUS_INVALIDATED,
  STATUS_NONE,
  STATUS_OK,
  STATUS_STALE,
  structureStatus,
} from '../../strategies/smc/gates/structure.ts';
import { rewardRisk, stopPrice, targetPrice } from '../../strategies/smc/gates/targets.ts';

describe('bias gate', () => {
  it('is the side of the close against the EMA, neutral inside the band or without an EMA', () => {
    expect(biasDirection(101, 100, 0)).toBe(1);
    expect(biasDirection(99, 100, 0)).toBe(-1);
    expect(biasDirection(100, 100, 0)).toBe(0);
    expect(biasDirection(100.5, 100, 0.01)).toBe(0);
    expect(biasDirection(101.5, 100, 0.01)).toBe(1);
    expect(biasDirection(101, Number.NaN, 0)).toBe(0);
  });
});

describe('structure gate', () => {
  it('needs a break in the bias direction, young enough and not invalidated — in that order', () => {
    expect(structureStatus(0, 1, 0, 30, 0)).toBe(STATUS_NONE);
    expect(structureStatus(-1, 1, 0, 30, 0)).toBe(STATUS_AGAINST_BIAS);
    expect(structureStatus(1, 1, 31, 30, 1)).toBe(STATUS_STALE);
    expect(structureStatus(1, 1, 30, 30, 1)).toBe(STATUS_INVALIDATED);
    expect(structureStatus(-1, -1, 30, 30, 0)).toBe(STATUS_OK);
  });
});

describe('regime gate', () => {
  const t = DEFAULT_STRATEGY_CONFIG.regimes;
  it('classifies by leg size in ATRs, then volatility percentile', () => {
    expect(classifyRegime(1.4, 0.5, t)).toBe(REGIME_INDEX.compressed);
    expect(classifyRegime(Number.NaN, 0.5, t)).toBe(REGIME_INDEX.compressed);
    expect(classifyRegime(12.5, 0.5, t)).toBe(REGIME_INDEX.extended);
    expect(classifyRegime(3, 0.81, t)).toBe(REGIME_INDEX.volatile_smc);
    expect(classifyRegime(1.5, 0.8, t)).toBe(REGIME_INDEX.tight_smc);
    expect(classifyRegime(4, 0.2, t)).toBe(REGIME_INDEX.tight_smc);
    expect(classifyRegime(4.01, 0.2, t)).toBe(REGIME_INDEX.wide_smc);
    expect(classifyRegime(12, 0.2, t)).toBe(REGIME_INDEX.wide_smc);
  });
});

describe('OTE gate', () => {
  it('measures the retracement from the extreme back to the origin, for both directions', () => {
    // long: leg 100 → 200; 138.2 is 0.618 back from 200
    expect(retracement(100, 200, 138.2)).toBeCloseTo(0.618, 12);
    expect(retracement(100, 200, 200)).toBe(0);
    expect(retracement(100, 200, 90)).toBeCloseTo(1.1, 12);
    // short: leg 200 → 100; 161.8 is 0.618 back from 100
    expect(retracement(200, 100, 161.8)).toBeCloseTo(0.618, 12);
    expect(retracement(200, 100, 95)).toBeCloseTo(-0.05, 12);
    expect(Number.isNaN(retracement(100, 100, 100))).toBe(true);
  });
  it('accepts the zone inclusive and widens it by the tolerance on both sides', () => {
    expect(inOteZone(0.618, 0.618, 0.786, 0)).toBe(true);
    expect(inOteZone(0.786, 0.618, 0.786, 0)).toBe(true);
    expect(inOteZone(0.6, 0.618, 0.786, 0)).toBe(false);
    expect(inOteZone(0.6, 0.618, 0.786, 0.02)).toBe(true);
    expect(inOteZone(0.8, 0.618, 0.786, 0.02)).toBe(true);
    expect(inOteZone(Number.NaN, 0.618, 0.786, 0.5)).toBe(false);
  });
});

describe('stop and targets', () => {
  it('puts the stop an ATR multiple beyond the leg origin and TPs on leg extensions (hand values)', () => {
    // long leg 100 → 200, ATR 20, tight multiplier 0.15: stop 97; TPs 200, 227.2, 261.8
    expect(stopPrice(1, 100, 20, 0.15)).toBe(97);
    expect(targetPrice(100, 200, 1)).toBe(200);
    expect(targetPrice(100, 200, 1.272)).toBeCloseTo(227.2, 9);
    expect(targetPrice(100, 200, 1.618)).toBeCloseTo(261.8, 9);
    // short leg 200 → 100: stop 203, TP2 72.8
    expect(stopPrice(-1, 200, 20, 0.15)).toBe(203);
    expect(targetPrice(200, 100, 1.272)).toBeCloseTo(72.8, 9);
  });
  it('rewardRisk is reward to TP1 over risk, NaN when either side is wrong', () => {
    expect(rewardRisk(1, 130, 97, 200)).toBeCloseTo(70 / 33, 12);
    expect(rewardRisk(-1, 170, 203, 100)).toBeCloseTo(70 / 33, 12);
    expect(Number.isNaN(rewardRisk(1, 95, 97, 200))).toBe(true);
    expect(Number.isNaN(rewardRisk(1, 210, 97, 200))).toBe(true);
  });
});

describe('score: OTE quality', () => {
  it('is 1 at the zone middle, 0.5 at its edges, 0 one half-zone outside, never below the floor', () => {
    expect(oteQuality(0.702, 0.618, 0.786)).toBeCloseTo(1, 12);
    expect(oteQuality(0.618, 0.618, 0.786)).toBeCloseTo(0.5, 12);
    expect(oteQuality(0.786, 0.618, 0.786)).toBeCloseTo(0.5, 12);
    expect(oteQuality(0.87, 0.618, 0.786)).toBeCloseTo(0, 12);
    expect(oteQuality(0.2, 0.618, 0.786)).toBe(0);
    expect(oteQuality(0.2, 0.618, 0.786, 0.5)).toBe(0.5);
  });
});
