import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsvCandles } from '../data/io/csv-read.ts';
import { BosChochDetector, bosChoch } from '../strategies/smc/primitives/bos-choch/bos-choch.ts';
import { FvgDetector, fairValueGaps } from '../strategies/smc/primitives/fvg/fvg.ts';
import {
  LiquidityDetector,
  liquidity,
  referenceLiquidityRange,
} from '../strategies/smc/primitives/liquidity/liquidity.ts';
import { OrderBlockDetector, orderBlocks } from '../strategies/smc/primitives/order-blocks/order-blocks.ts';
import {
  PreviousHighLowTracker,
  previousHighLow,
  type TimedBars,
} from '../strategies/smc/primitives/previous-high-low/previous-high-low.ts';
import { RetracementTracker, retracements } from '../strategies/smc/primitives/retracements/retracements.ts';
import { SwingDetector, swingHighsLows } from '../strategies/smc/primitives/swings/swings.ts';

/**
 * SMC primitive throughput over the smartmoneyconcepts EURUSD 15m fixture (24,424 bars), beside the
 * reference package's timings for one call over the same fixture (fixture README: pandas 1.5 / numba 0.56,
 * 2-core machine). Issue 3 target: ≥ 100× the reference.
 *
 * Three figures per primitive, each a whole-series run:
 * - `compute`: the causal machine over every bar plus `finish()` — every event (or dense row) the
 *   primitive publishes, in its typed columns; what the pipeline pays. Like the reference's `ob(ohlc,
 *   swings)` etc., the structure primitives get the swings precomputed; liquidity includes the reference's
 *   whole-series range. The target ratio is taken on this figure.
 * - `+ layout`: the batch call (`swingHighsLows`, `orderBlocks`, …): compute plus rendering the reference's
 *   one-row-per-bar columns (NaN-filled Float64Arrays), what `smc indicators` pays before writing the CSV.
 * - `+ swings`: compute with the swings computed too (a fresh `SwingDetector` per run).
 *
 * Figures are process CPU time per run averaged over all timed runs (robust when other processes share
 * the cores; it includes GC threads); ratios use them. `best wall` is the fastest wall-clock compute run.
 * `--reps N` (≥ 50, default 100).
 */
const here = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(here, '../test/fixtures/smartmoneyconcepts/EURUSD_15M.csv.gz');
const TARGET_RATIO = 100;
const L = 5;

/** Something a run produces, kept so the work cannot be optimised away. */
type Out = { readonly processed: number } | { readonly columns: readonly Float64Array[] };

interface Case {
  readonly name: string;
  /** Reference seconds per call over the fixture; null where the README gives none. */
  readonly refSeconds: number | null;
  /** The machine over every bar, with the swings given (ignored by primitives that need none). */
  readonly compute: (b: TimedBars, swings: SwingDetector) => Out;
  /** The batch call: compute plus the reference layout. */
  readonly layout: (b: TimedBars, swings: SwingDetector) => Out;
  /** Whether the primitive reads swings (then a "+ swings" figure is measured). */
  readonly needsSwings: boolean;
}

/** Runs an incremental machine over every bar of `b` and marks the end of the data. */
function over<M extends { update(t: number): void; finish(): void; readonly processed: number }>(
  b: TimedBars,
  m: M,
): M {
  if (b.length > 0) m.update(b.length - 1);
  m.finish();
  return m;
}

const sw = (b: TimedBars) => new SwingDetector(b, { swingLength: L });
const CASES: readonly Case[] = [
  {
    name: 'swings',
    refSeconds: 0.013,
    compute: (b) => over(b, sw(b)),
    layout: (b) => swingHighsLows(b, { swingLength: L }).table,
    needsSwings: false,
  },
  {
    name: 'fvg',
    refSeconds: 0.56,
    compute: (b) => over(b, new FvgDetector(b, { joinConsecutive: false })),
    layout: (b) => fairValueGaps(b, { joinConsecutive: false }).table,
    needsSwings: false,
  },
  {
    name: 'fvg_joined',
    refSeconds: 0.41,
    compute: (b) => over(b, new FvgDetector(b, { joinConsecutive: true })),
    layout: (b) => fairValueGaps(b, { joinConsecutive: true }).table,
    needsSwings: false,
  },
  {
    name: 'bos_choch',
    refSeconds: null,
    compute: (b, s) => over(b, new BosChochDetector(b, s, { closeBreak: true })),
    layout: (b, s) => bosChoch(b, s).table,
    needsSwings: true,
  },
  {
    name: 'ob',
    refSeconds: 0.31,
    compute: (b, s) => over(b, new OrderBlockDetector(b, s, { closeMitigation: false })),
    layout: (b, s) => orderBlocks(b, s).table,
    needsSwings: true,
  },
  {
    name: 'liquidity',
    refSeconds: 0.06,
    compute: (b, s) => over(b, new LiquidityDetector(b, s, { range: referenceLiquidityRange(b, 0.01) })),
    layout: (b, s) => liquidity(b, s).table,
    needsSwings: true,
  },
  {
    name: 'retracements',
    refSeconds: 0.37,
    compute: (b, s) => over(b, new RetracementTracker(b, s)),
    layout: (b, s) => retracements(b, s).table,
    needsSwings: true,
  },
  {
    name: 'previous_high_low',
    refSeconds: null,
    compute: (b) => over(b, new PreviousHighLowTracker(b, '1d')),
    layout: (b) => previousHighLow(b, '1d').table,
    needsSwings: false,
  },
];

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

let sink = 0;

/** Counts the bars whose high is ≥ the next high and whose low is ≤ the next low: the swings floor. */
function neighbourPass(b: TimedBars): Out {
  const { high, low } = b;
  let c = 0;
  for (let i = 0; i + 1 < b.length; i++) c += +(high[i] >= high[i + 1]) + +(low[i] <= low[i + 1]);
  return { processed: c };
}

function consume(o: Out): number {
  return 'processed' in o ? o.processed : o.columns[0].length;
}

/** CPU seconds per run (mean over `reps` runs after 10 warm-up runs) and the fastest wall-clock run. */
function measure(reps: number, f: () => Out): { cpu: number; best: number } {
  for (let w = 0; w < 10; w++) sink += consume(f());
  let best = Number.POSITIVE_INFINITY;
  const c0 = cpuSeconds();
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    sink += consume(f());
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { cpu: (cpuSeconds() - c0) / reps, best };
}

const ms = (s: number) => `${(s * 1e3).toFixed(3)} ms`;
const ratioText = (ref: number | null, s: number | null) =>
  ref === null || s === null ? '—' : `${(ref / s).toFixed(0)}×`;

export async function run(args: string[]): Promise<void> {
  const repsIdx = args.indexOf('--reps');
  const reps = Math.max(50, repsIdx >= 0 ? Number(args[repsIdx + 1]) || 100 : 100);
  const bars: TimedBars = await readCsvCandles(FIXTURE);
  const n = bars.length;
  const swings = over(bars, sw(bars));
  process.stdout.write(
    `EURUSD 15m fixture: ${n} bars, swing_length ${L}, ${reps} timed runs per figure after 10 warm-up runs; ` +
      'CPU time per run (bars/s from it)\n',
  );
  process.stdout.write(
    `${'primitive'.padEnd(18)}${'reference'.padStart(10)}${'compute'.padStart(11)}${'best wall'.padStart(11)}${'bars/s'.padStart(8)}` +
      `${'ratio'.padStart(7)}${'+ layout'.padStart(11)}${'ratio'.padStart(7)}${'+ swings'.padStart(11)}` +
      `${'ratio'.padStart(7)}\n`,
  );
  let below = 0;
  for (const c of CASES) {
    const { cpu: compute, best } = measure(reps, () => c.compute(bars, swings));
    const layout = measure(reps, () => c.layout(bars, swings)).cpu;
    const withSwings = c.needsSwings ? measure(reps, () => c.compute(bars, over(bars, sw(bars)))).cpu : null;
    if (c.refSeconds !== null && c.refSeconds / compute < TARGET_RATIO) below++;
    process.stdout.write(
      `${c.name.padEnd(18)}${(c.refSeconds === null ? '—' : `${c.refSeconds} s`).padStart(10)}` +
        `${ms(compute).padStart(11)}${ms(best).padStart(11)}${`${(n / compute / 1e6).toFixed(0)}M`.padStart(8)}` +
        `${ratioText(c.refSeconds, compute).padStart(7)}${ms(layout).padStart(11)}` +
        `${ratioText(c.refSeconds, layout).padStart(7)}` +
        `${(withSwings === null ? '' : ms(withSwings)).padStart(11)}` +
        `${(withSwings === null ? '' : ratioText(c.refSeconds, withSwings)).padStart(7)}\n`,
    );
  }
  // What the swings target leaves room for: the least any exact method must do is read every high and low
  // and compare it with a neighbour. This pass does only that (branch-free, as the swings filter's first
  // stage); at 100× the reference the whole primitive has to fit in little more than this.
  const { cpu: floor } = measure(reps, () => neighbourPass(bars));
  process.stdout.write(
    `floor for swings: one pass comparing each high and low with the next bar ${ms(floor)} ` +
      `(${ratioText(0.013, floor)} the swings reference)\n`,
  );
  process.stdout.write(
    below === 0
      ? `every primitive with a reference timing computes ≥ ${TARGET_RATIO}× faster than the reference\n`
      : `${below} primitive(s) compute below the ${TARGET_RATIO}× target\n`,
  );
  const load = loadavg()[0];
  process.stdout.write(
    `load average ${load.toFixed(1)} on ${availableParallelism()} cores` +
      (load > availableParallelism() ? ': the machine was busy, every figure is pessimistic\n' : '\n'),
  );
  if (sink < 0) process.stdout.write('unreachable\n');
}
