import { afterEach, describe, expect, it } from 'vitest';
import { allocateSeries } from '../../../data/candles/series.ts';
import { randomWalk } from '../../../test/research/fixtures/candles.ts';
import type { ChecksumResult, ChecksumTask } from '../../../test/research/fixtures/checksum-job.ts';
import { ResearchPool, TaskError } from './pool.ts';
import { seriesFromHandle, shareSeries } from './shared-candles.ts';

const JOB = new URL('../../../test/research/fixtures/checksum-job.ts', import.meta.url).href;
const candles = [randomWalk('AAA', 2000, 1), randomWalk('BBB', 1500, 2)];
const tasks: ChecksumTask[] = Array.from({ length: 12 }, (_, i) => ({
  mult: i + 1,
  delayMs: ((i * 7) % 5) * 15,
}));

const pools: Array<ResearchPool<unknown, unknown, unknown>> = [];
function open(workers: number) {
  const pool = new ResearchPool<{ offset: number }, ChecksumTask, ChecksumResult>({
    jobModule: JOB,
    candles,
    context: { offset: 0.5 },
    workers,
  });
  pools.push(pool as ResearchPool<unknown, unknown, unknown>);
  return pool;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('shared candles', () => {
  it('a series allocated in shared memory is handed over as is, others are copied once', () => {
    const shared = allocateSeries({ source: 's', symbol: 'X', timeframe: '1h' }, 10, true);
    shared.close[3] = 42;
    const h = shareSeries(shared);
    expect(h.buffer).toBe(shared.ts.buffer);
    const view = seriesFromHandle(h);
    shared.close[4] = 43;
    expect([view.close[3], view.close[4]]).toEqual([42, 43]);

    const plain = candles[0];
    const h2 = shareSeries(plain);
    expect(h2.buffer).toBeInstanceOf(SharedArrayBuffer);
    const copy = seriesFromHandle(h2);
    expect(Array.from(copy.close.subarray(0, 5))).toEqual(Array.from(plain.close.subarray(0, 5)));
    expect(copy.ts[plain.length - 1]).toBe(plain.ts[plain.length - 1]);
  });
});

describe('research pool', () => {
  it('gives the same results in task order with 0, 1 and 2 workers although tasks finish out of order', async () => {
    const finishOrder: number[] = [];
    const r2 = await open(2).run(tasks, { onResult: (i) => finishOrder.push(i) });
    const r1 = await open(1).run(tasks);
    const r0 = await open(0).run(tasks);
    expect(finishOrder).not.toEqual([...finishOrder].sort((a, b) => a - b));
    expect(r2.results).toEqual(r1.results);
    expect(r1.results).toEqual(r0.results);
    expect(r2.completed).toBe(12);
    expect(r2.aborted).toBe(false);
    expect(r2.results.every((r) => r?.shared === true)).toBe(true);
    // Task 2 multiplies by 3: the sum is that of the closes times 3, plus the offset and the ts term.
    let want = 0.5;
    for (const s of candles) for (let i = 0; i < s.length; i++) want += s.close[i] * 3 + s.ts[i] * 1e-12;
    expect(r2.results[2]?.sum).toBe(want);
  });

  it('workers read the caller’s shared memory, not a copy', async () => {
    const shared = allocateSeries({ source: 's', symbol: 'X', timeframe: '1h' }, 4, true);
    const pool = new ResearchPool<{ offset: number }, ChecksumTask, ChecksumResult>({
      jobModule: JOB,
      candles: [shared],
      context: { offset: 0 },
      workers: 2,
    });
    pools.push(pool as ResearchPool<unknown, unknown, unknown>);
    await pool.run([{ mult: 1 }, { mult: 1 }]);
    shared.close[2] = 1234.5;
    const r = await pool.run([
      { mult: 1, probe: 2 },
      { mult: 1, probe: 2 },
    ]);
    expect(r.results.map((x) => x?.probed)).toEqual([1234.5, 1234.5]);
    expect(pool.workerHeapBytes().length).toBeGreaterThan(0);
  });

  it('an abort starts no new task, lets the ones in flight finish and reports them', async () => {
    const ctl = new AbortController();
    const slow = Array.from({ length: 20 }, (_, i) => ({ mult: i, delayMs: 20 }));
    const seen: number[] = [];
    const r = await open(2).run(slow, {
      signal: ctl.signal,
      maxInFlight: 2,
      onResult: (i) => {
        seen.push(i);
        if (seen.length === 3) ctl.abort();
      },
    });
    expect(r.aborted).toBe(true);
    // At most the two tasks in flight at the abort finish after it.
    expect(r.completed).toBeGreaterThanOrEqual(3);
    expect(r.completed).toBeLessThanOrEqual(5);
    expect(r.results.filter((x) => x !== undefined)).toHaveLength(r.completed);
    expect(seen).toHaveLength(r.completed);
  });

  it('reports progress with done/total, rate and ETA, counting resumed configs as done', async () => {
    const seen: Array<[number, number, number]> = [];
    let t = 0;
    await open(0).run(
      tasks.slice(0, 4),
      { resumed: 6, onProgress: (p) => seen.push([p.done, p.total, p.resumed]) },
      () => (t += 500),
    );
    expect(seen).toEqual([
      [6, 10, 6],
      [7, 10, 6],
      [8, 10, 6],
      [9, 10, 6],
      [10, 10, 6],
    ]);
  });

  it('a failing task rejects the run with its index', async () => {
    const bad = tasks.slice(0, 4).map((t, i) => ({ ...t, fail: i === 2 }));
    await expect(open(2).run(bad)).rejects.toSatisfy((e) => e instanceof TaskError && e.index === 2);
  });
});
