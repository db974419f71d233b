import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateUniverse } from '../../data/synthetic/index.ts';
import { parseBacktestConfig } from '../../engine/backtest/config.ts';
import { runBacktest } from '../../engine/backtest/run.ts';
import { checkWarmup } from '../../engine/research/checks/index.ts';
import { parseVariantsFile, resolveVariants } from '../../engine/research/compare/variants-file.ts';
import { ResearchConfigSchema } from '../../engine/research/config-schema.ts';
import { EmaCrossStrategy } from '../../strategies/ema-cross/ema-cross.ts';
import { emaWarmupBars } from '../../strategies/momentum/index.ts';
import { sampleRange } from '../checks/kit.ts';

/**
 * Seed §5 option 3 as a backtest kind: the `smc_plus_momentum` variant of
 * config/variants/seed-more-trades.yaml loads, and runs SMC and the momentum/breakdown strategy through
 * the same trader and auction on the bundled sample; and the warm-up rule (engine/research/checks/warmup.ts)
 * fails a config whose stated ε gives an EMA too little history, naming it.
 */
const text = readFileSync(new URL('../../config/variants/seed-more-trades.yaml', import.meta.url), 'utf8');

describe('seed §5 option 3: SMC + momentum/breakdown in one auction', () => {
  const resolved = resolveVariants(parseVariantsFile(text), {}, ResearchConfigSchema);
  const variant = resolved.variants.find((v) => v.name === 'smc_plus_momentum');

  it('the variants file loads all five variants, the momentum one with both strategies', () => {
    expect(resolved.skipped).toEqual([]);
    expect(resolved.variants.map((v) => v.name)).toContain('smc_plus_momentum');
    expect(variant?.config.backtest.strategies.map((s) => `${s.kind}:${s.id}`)).toEqual([
      'smc:smc',
      'momentum_breakdown:momentum',
    ]);
  });

  it('runs on the bundled sample: momentum trades, and both strategies decide', async () => {
    expect(variant).toBeDefined();
    if (variant === undefined) return;
    const btc = await sampleRange('BTC', '2020-01-01', '2021-07-01');
    const eth = await sampleRange('ETH', '2020-01-01', '2021-07-01');
    const feed = { baseTimeframe: '1h' as const, candles: { BTC: { '1h': btc }, ETH: { '1h': eth } } };
    const both = await runBacktest(variant.config, feed);
    const byStrategy = (id: string) => both.trades.filter((t) => t.strategyId === id).length;
    expect(byStrategy('momentum')).toBeGreaterThan(0);
    const funnel = Object.fromEntries(both.funnel.strategies.map((f) => [f.strategyId, f]));
    expect(Object.keys(funnel)).toEqual(['smc', 'momentum']);
    expect(funnel.smc.evaluated).toBe(funnel.momentum.evaluated);
    expect(funnel.momentum.signals).toBeGreaterThanOrEqual(byStrategy('momentum'));
    // momentum alone trades too, and adding it changes the run (one engine, two strategies)
    const alone = await runBacktest(
      parseBacktestConfig({ backtest: { strategies: [{ kind: 'momentum_breakdown', id: 'momentum' }] } }),
      feed,
    );
    expect(alone.trades.length).toBeGreaterThan(0);
    expect(alone.trades.every((t) => t.strategyId === 'momentum')).toBe(true);
    const smcOnly = await runBacktest(parseBacktestConfig({}), feed);
    expect(both.resultHash).not.toBe(smcOnly.resultHash);
  }, 60_000);

  it('an unknown kind is refused by name', () => {
    expect(() => parseBacktestConfig({ backtest: { strategies: [{ kind: 'mystery' }] } })).toThrow(
      /kind must be 'smc', 'ema_cross' or 'momentum_breakdown'/,
    );
  });
});

describe('warm-up rule: a stated ε that gives an EMA too little history fails, naming it', () => {
  const [hourly] = generateUniverse({ symbols: 1, timeframe: '1h', length: 24 * 120, seed: 8 });
  const strategies = [
    { id: 'ema', kind: 'ema_cross', strategy: new EmaCrossStrategy({ fast: 5, slow: 20 }) },
  ];

  it('ε = 0.5 leaves EMA 20 short; the default ε = 1e-4 covers it', () => {
    const short = checkWarmup({ strategies, bases: [hourly], tolerance: 1e-6, epsilon: 0.5 });
    expect(short.ok).toBe(false);
    // 20 + ⌈ln 0.5 / ln(19/21)⌉ = 27 bars (+1 for a partial bar) against a measured need of ~100
    expect(short.strategies[0].requiredBars).toBe(emaWarmupBars(20, 0.5) + 1);
    expect(short.failures.some((f) => /^ema: EMA 20 \(1h, slow line\) needs \d+ 1h bars/.test(f))).toBe(true);
    const ok = checkWarmup({ strategies, bases: [hourly], tolerance: 1e-6 });
    expect(ok.failures).toEqual([]);
    expect(ok.ok).toBe(true);
  });
});
