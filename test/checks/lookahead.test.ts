import { beforeAll, describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../data/candles/series.ts';
import { TIMEFRAME_MS } from '../../data/timeframes.ts';
import { parseBacktestConfig } from '../../engine/backtest/config.ts';
import {
  checkLookahead,
  type NamedStrategy,
  sampleBars,
  strategiesOfConfig,
  strategyOfSpec,
} from '../../engine/research/checks/index.ts';
import { SeededRng } from '../../engine/rng.ts';
import { LeakyStrategy } from '../../strategies/leaky/leaky.ts';
import { SmcStrategy } from '../../strategies/smc/pipeline.ts';
import type { StrategyInput } from '../../strategies/strategy.ts';
import { sampleRange } from './kit.ts';

/**
 * `smc check lookahead` as a library (issue 7 item 6 acceptance): it flags deliberately leaky
 * strategies — naming the gate and indicator the difference is in — and passes the default config and
 * the momentum strategy on the bundled real sample. Small samples and 14 months of data keep it fast.
 */
const DAY = TIMEFRAME_MS['1d'];

/** SMC fed daily bars labelled a day early: each day is "closed" at its own open (a resampling leak). */
class EarlyDailySmc extends SmcStrategy {
  override prepare(input: StrategyInput) {
    const d = input.candles['1d'];
    if (d === undefined) throw new Error('no 1d candles');
    return super.prepare({
      ...input,
      candles: { ...input.candles, '1d': { ...d, ts: d.ts.map((t) => t - DAY) } },
    });
  }
}

const named = (id: string, strategy: NamedStrategy['strategy']): NamedStrategy => ({
  id,
  kind: 'test',
  strategy,
});

describe('smc check lookahead on the bundled sample (2021-01 → 2022-03, 1h)', () => {
  const bases: CandleSeries[] = [];
  beforeAll(async () => {
    for (const s of ['BTC', 'ETH']) bases.push(await sampleRange(s, '2021-01-01', '2022-03-01'));
  });

  it('passes the default config and the momentum strategy', () => {
    const strategies = [
      ...strategiesOfConfig(parseBacktestConfig({})),
      {
        id: 'momentum',
        kind: 'momentum_breakdown',
        strategy: strategyOfSpec({ kind: 'momentum_breakdown', id: 'momentum' }, parseBacktestConfig({})),
      },
    ];
    expect(strategies.map((s) => s.id)).toEqual(['smc', 'momentum']);
    const r = checkLookahead({ strategies, bases, samples: 4, seed: 7 });
    expect(r.differences).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.scopes.map((s) => `${s.strategyId}:${s.symbol}:${s.sampled}`)).toEqual([
      'smc:BTC:4',
      'smc:ETH:4',
      'momentum:BTC:4',
      'momentum:ETH:4',
    ]);
    // half of the sampled bars are signal bars: the whole gate chain was exercised
    expect(r.scopes.every((s) => s.signals === 2)).toBe(true);
  });

  it('flags the leaky strategies at every sampled signal, and passes their honest twin', () => {
    const r = checkLookahead({
      strategies: [
        named('next-close', new LeakyStrategy({ leak: 'next_close' })),
        named('open-day', new LeakyStrategy({ leak: 'open_daily_bar' })),
        named('honest', new LeakyStrategy({ leak: 'none' })),
      ],
      bases,
      samples: 6,
    });
    expect(r.ok).toBe(false);
    const by = (id: string) => r.scopes.filter((s) => s.strategyId === id);
    expect(by('honest').every((s) => s.differences === 0)).toBe(true);
    for (const id of ['next-close', 'open-day']) {
      // at a signal the leaked value decided it; without the future it is gone
      for (const s of by(id)) expect(s.differences).toBeGreaterThanOrEqual(s.signals);
    }
    const d = r.differences.find((x) => x.strategyId === 'next-close');
    if (d === undefined) throw new Error('no difference of next-close');
    expect(d.fields.map((f) => f.field)).toContain('trace.peek');
    expect(d.truncated.action).toBe('NO_SIGNAL');
    const base = bases.find((b) => b.symbol === d.symbol);
    expect(d.ts).toBe((base?.ts[d.bar] ?? Number.NaN) + TIMEFRAME_MS['1h']);
  });

  it('names the gate and indicator of a leak inside the SMC pipeline', () => {
    const r = checkLookahead({
      strategies: [named('smc-early-1d', new EarlyDailySmc())],
      bases: bases.slice(0, 1),
      samples: 3,
    });
    expect(r.ok).toBe(false);
    expect(r.differences.length).toBe(3);
    for (const d of r.differences) {
      expect(d.gates).toContain('bias');
      expect(d.fields.map((f) => f.field)).toContain('trace.bias_close');
      expect(d.indicators.some((i) => i.includes('(1d)'))).toBe(true);
    }
  });

  it('samples the same bars for the same seed', () => {
    const strategies = [named('honest', new LeakyStrategy({ leak: 'none' }))];
    const a = checkLookahead({ strategies, bases, samples: 5, seed: 11 });
    const b = checkLookahead({ strategies, bases, samples: 5, seed: 11 });
    expect(a).toEqual(b);
  });
});

describe('sampleBars', () => {
  it('takes half from the signal bars, the rest uniformly, distinct and ascending, inside the window', () => {
    const signals = [12, 40, 41, 77, 90];
    for (let seed = 0; seed < 50; seed++) {
      const bars = sampleBars(10, 100, signals, 6, new SeededRng(seed));
      expect(bars).toHaveLength(6);
      expect(new Set(bars).size).toBe(6);
      expect([...bars].sort((x, y) => x - y)).toEqual(bars);
      expect(bars.every((i) => i >= 10 && i < 100)).toBe(true);
      expect(bars.filter((i) => signals.includes(i)).length).toBeGreaterThanOrEqual(3);
    }
    expect(sampleBars(0, 4, [], 10, new SeededRng(1))).toEqual([0, 1, 2, 3]);
    expect(sampleBars(5, 5, [], 3, new SeededRng(1))).toEqual([]);
  });
});
