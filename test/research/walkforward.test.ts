import { afterAll, describe, expect, it } from 'vitest';
import { type CandleSeries, seriesFromColumns } from '../../data/candles/series.ts';
import { expandGrid } from '../../engine/research/grid/expand.ts';
import { parseGridFile } from '../../engine/research/grid/grid-file.ts';
import type { ConfigOutcome, ConfigTask } from '../../engine/research/outcome.ts';
import { ResearchPool } from '../../engine/research/pool/pool.ts';
import { runSweep } from '../../engine/research/sweep.ts';
import { runWalkForward, walkForwardWindows, windowSpans } from '../../engine/research/walkforward.ts';
import { type PickConfig, PickConfigSchema } from './fixtures/pick-job.ts';

const H = 3_600_000;
const D = 24 * H;
const START = Date.UTC(2023, 0, 1);
const JOB = new URL('./fixtures/pick-job.ts', import.meta.url).href;

/**
 * Two series whose winner depends on the span. A gains 30% over the first 60 days and then loses 5% in
 * every 30-day block; B is flat for 60 days and then gains 4% per block. Every test span (after day 60)
 * favours B. The anchored train spans favour A while 1.3·0.95^k > 1.04^k, i.e. in windows 0–2, and B
 * from window 3 on. A walk-forward that leaked test data into its choice would pick B everywhere.
 */
function blockSeries(symbol: string, growth: (day: number) => number, days: number): CandleSeries {
  const n = days * 24;
  const cols = {
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let p = 100;
  for (let i = 0; i < n; i++) {
    const day = Math.floor(i / 24);
    const perBar = growth(day) ** (1 / 24);
    cols.ts[i] = START + i * H;
    cols.open[i] = p;
    p *= perBar;
    cols.close[i] = p;
    cols.high[i] = Math.max(cols.open[i], p);
    cols.low[i] = Math.min(cols.open[i], p);
    cols.volume[i] = 1;
  }
  return seriesFromColumns({ source: 'synthetic', symbol, timeframe: '1h' }, cols);
}
const DAYS = 240;
const a = blockSeries('A', (d) => (d < 60 ? 1.3 ** (1 / 60) : 0.95 ** (1 / 30)), DAYS);
const b = blockSeries('B', (d) => (d < 60 ? 1 : 1.04 ** (1 / 30)), DAYS);
const expanded = expandGrid(
  parseGridFile('objective: totalReturn\nparams:\n  strategy.pick: [0, 1]\n'),
  {},
  PickConfigSchema,
);

const pools: ResearchPool<unknown, ConfigTask<PickConfig>, ConfigOutcome>[] = [];
function pool(workers: number) {
  const p = new ResearchPool<Record<string, never>, ConfigTask<PickConfig>, ConfigOutcome>({
    jobModule: JOB,
    candles: [a, b],
    context: {},
    workers,
  });
  pools.push(p);
  return p;
}
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('walk-forward windows', () => {
  it('rolling windows slide by the step; anchored ones grow from the start; only whole test spans', () => {
    const rolling = walkForwardWindows(0, 100, { train: 40, test: 20, warmup: 0 });
    expect(rolling.map((w) => [w.trainFrom, w.trainTo, w.testFrom, w.testTo])).toEqual([
      [0, 40, 40, 60],
      [20, 60, 60, 80],
      [40, 80, 80, 100],
    ]);
    const anchored = walkForwardWindows(0, 95, { train: 40, test: 20, step: 20, anchored: true, warmup: 0 });
    expect(anchored.map((w) => [w.trainFrom, w.trainTo, w.testTo])).toEqual([
      [0, 40, 60],
      [0, 60, 80],
    ]);
  });
  it('test spans read warm-up history before them but trade only from their start', () => {
    const [w] = walkForwardWindows(0, 100, { train: 40, test: 20, warmup: 5 });
    expect(windowSpans(w, 0, 5)).toEqual({
      train: { from: 0, to: 40, tradeFrom: 5 },
      test: { from: 35, to: 60, tradeFrom: 40 },
    });
  });
});

describe('walk-forward leakage', () => {
  const spec = { train: 60 * D, test: 30 * D, anchored: true, warmup: 2 * D };
  const windows = walkForwardWindows(START, START + DAYS * D, spec);

  it('chooses what the train span favours, never what the test span would', async () => {
    const wf = await runWalkForward({
      configs: expanded.configs,
      windows,
      dataFrom: START,
      warmup: spec.warmup,
      dataHash: 'blocks',
      objective: { metric: 'totalReturn', minimise: false },
      minTrades: 0,
      pool: pool(2),
    });
    expect(wf.complete).toBe(true);
    expect(wf.windows).toHaveLength(6);
    expect(wf.windows.map((w) => w.chosen?.params['strategy.pick'])).toEqual([0, 0, 0, 1, 1, 1]);
    // Out of sample the chosen series did exactly what its test block did: A −5%, B +4% (no warm-up bar traded).
    for (const w of wf.windows) {
      const want = w.chosen?.params['strategy.pick'] === 0 ? -0.05 : 0.04;
      expect(w.outOfSample).toBeCloseTo(want, 10);
    }
    expect(wf.windows[0].inSample).toBeGreaterThan(0.25);
    expect(wf.stability[0]).toMatchObject({ path: 'strategy.pick', distinct: 2, modeShare: 0.5, range: 1 });
    // OOS growth: three windows of A (0.95) then three of B (1.04).
    expect(wf.stitched.equity.at(-1)).toBeCloseTo(0.95 ** 3 * 1.04 ** 3, 10);
    expect(wf.stitched.days).toHaveLength(6 * 30);
    expect(wf.efficiency).not.toBeNull();
  });

  it('the stitched OOS equity equals the concatenated per-window OOS runs, run on their own', async () => {
    const wf = await runWalkForward({
      configs: expanded.configs,
      windows,
      dataFrom: START,
      warmup: spec.warmup,
      dataHash: 'blocks',
      objective: { metric: 'totalReturn', minimise: false },
      minTrades: 0,
      pool: pool(1),
    });
    const fresh = pool(0);
    const chainedTs: number[] = [];
    const chained: number[] = [];
    let level = 1;
    for (const w of wf.windows) {
      const chosen = expanded.configs.find((c) => c.index === w.chosen?.index);
      if (chosen === undefined) throw new Error('every window chooses here');
      const run = await runSweep({
        configs: [chosen],
        dataHash: `solo-${w.window.index}`,
        pool: fresh,
        span: windowSpans(w.window, START, spec.warmup).test,
        detail: true,
      });
      const curve = run.outcomes[0]?.equity;
      if (curve === undefined) throw new Error('detail runs return their curve');
      // Each solo run starts from 1; scale it to continue from where the previous window ended.
      curve.ts.forEach((t, j) => {
        if (chainedTs.length > 0 && t <= chainedTs[chainedTs.length - 1]) return;
        chainedTs.push(t);
        chained.push(level * curve.equity[j]);
      });
      level *= curve.equity[curve.equity.length - 1];
    }
    expect(wf.stitched.ts).toEqual(chainedTs);
    for (let i = 0; i < chained.length; i++) expect(wf.stitched.equity[i]).toBeCloseTo(chained[i], 12);
  });
});
