import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsvCandles } from '../data/io/csv-read.ts';
import { bosChoch } from '../strategies/smc/primitives/bos-choch/bos-choch.ts';
import { fairValueGaps } from '../strategies/smc/primitives/fvg/fvg.ts';
import { liquidity } from '../strategies/smc/primitives/liquidity/liquidity.ts';
import { orderBlocks } from '../strategies/smc/primitives/order-blocks/order-blocks.ts';
import {
  previousHighLow,
  type TimedBars,
} from '../strategies/smc/primitives/previous-high-low/previous-high-low.ts';
import { retracements } from '../strategies/smc/primitives/retracements/retracements.ts';
import { SwingDetector, swingHighsLows } from '../strategies/smc/primitives/swings/swings.ts';
import type { ReferenceTable } from '../strategies/smc/primitives/types.ts';

/**
 * SMC primitive throughput over the smartmoneyconcepts EURUSD 15m fixture (24,424 bars), beside the
 * reference package's timings for one call over the same fixture (fixture README: pandas 1.5 / numba 0.56,
 * 2-core machine). A run is the whole batch call: the causal machine over every bar plus the rendering of
 * the reference layout. Like the reference's `ob(ohlc, swings)` etc., the structure primitives get the
 * swings precomputed; the "+ swings" column adds computing them. Issue 3 target: ≥ 100× the reference.
 *
 * Figures: `cpu` = process CPU time per run averaged over all timed runs (robust when other processes share
 * the cores); `best` = the fastest wall-clock run. The ratio uses cpu. `--reps N` (≥ 50, default 100).
 */
const here = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(here, '../test/fixtures/smartmoneyconcepts/EURUSD_15M.csv.gz');
const TARGET_RATIO = 100;
const L = 5;

interface Case {
  readonly name: string;
  /** Reference seconds per call over the fixture; null where the README gives none. */
  readonly refSeconds: number | null;
  /** With the swings given (null = the primitive needs none). */
  readonly given: (b: TimedBars, swings: SwingDetector) => ReferenceTable;
  /** Computing its swings too (null = needs none). */
  readonly withSwings: ((b: TimedBars) => ReferenceTable) | null;
}

const sw = (b: TimedBars) => new SwingDetector(b, { swingLength: L });
const CASES: readonly Case[] = [
  {
    name: 'swings',
    refSeconds: 0.013,
    given: (b) => swingHighsLows(b, { swingLength: L }).table,
    withSwings: null,
  },
  {
    name: 'fvg',
    refSeconds: 0.56,
    given: (b) => fairValueGaps(b, { joinConsecutive: false }).table,
    withSwings: null,
  },
  {
    name: 'fvg_joined',
    refSeconds: 0.41,
    given: (b) => fairValueGaps(b, { joinConsecutive: true }).table,
    withSwings: null,
  },
  {
    name: 'bos_choch',
    refSeconds: null,
    given: (b, s) => bosChoch(b, s).table,
    withSwings: (b) => bosChoch(b, sw(b)).table,
  },
  {
    name: 'ob',
    refSeconds: 0.31,
    given: (b, s) => orderBlocks(b, s).table,
    withSwings: (b) => orderBlocks(b, sw(b)).table,
  },
  {
    name: 'liquidity',
    refSeconds: 0.06,
    given: (b, s) => liquidity(b, s).table,
    withSwings: (b) => liquidity(b, sw(b)).table,
  },
  {
    name: 'retracements',
    refSeconds: 0.37,
    given: (b, s) => retracements(b, s).table,
    withSwings: (b) => retracements(b, sw(b)).table,
  },
  {
    name: 'previous_high_low',
    refSeconds: null,
    given: (b) => previousHighLow(b, '1d').table,
    withSwings: null,
  },
];

function wallSeconds(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

let sink = 0;

/** CPU seconds per run (mean over `reps`) and the best wall-clock run. */
function measure(reps: number, f: () => ReferenceTable): { cpu: number; best: number } {
  for (let w = 0; w < 10; w++) sink += f().columns.length;
  let best = Number.POSITIVE_INFINITY;
  const c0 = cpuSeconds();
  for (let r = 0; r < reps; r++) {
    const t0 = wallSeconds();
    sink += f().columns[0].length;
    best = Math.min(best, wallSeconds() - t0);
  }
  return { cpu: (cpuSeconds() - c0) / reps, best };
}

const ms = (s: number) => `${(s * 1e3).toFixed(3)} ms`;

export async function run(args: string[]): Promise<void> {
  const repsIdx = args.indexOf('--reps');
  const reps = Math.max(50, repsIdx >= 0 ? Number(args[repsIdx + 1]) || 100 : 100);
  const bars: TimedBars = await readCsvCandles(FIXTURE);
  const n = bars.length;
  const swings = sw(bars);
  swings.update(n - 1);
  swings.finish();
  process.stdout.write(
    `EURUSD 15m fixture: ${n} bars, swing_length ${L}, ${reps} timed runs per line after 10 warm-up runs\n`,
  );
  process.stdout.write(
    `${'primitive'.padEnd(18)}${'cpu/run'.padStart(12)}${'bars/s'.padStart(10)}${'best wall'.padStart(12)}` +
      `${'reference'.padStart(11)}${'ratio'.padStart(8)}   ${'+ swings cpu'.padStart(12)}${'ratio'.padStart(7)}\n`,
  );
  let below = 0;
  for (const c of CASES) {
    const g = measure(reps, () => c.given(bars, swings));
    const w =
      c.withSwings === null
        ? null
        : measure(reps, () => (c.withSwings as (b: TimedBars) => ReferenceTable)(bars));
    const ratio = c.refSeconds === null ? null : c.refSeconds / g.cpu;
    const ratioW = c.refSeconds === null || w === null ? null : c.refSeconds / w.cpu;
    if (ratio !== null && ratio < TARGET_RATIO) below++;
    process.stdout.write(
      `${c.name.padEnd(18)}${ms(g.cpu).padStart(12)}${`${(n / g.cpu / 1e6).toFixed(1)}M`.padStart(10)}` +
        `${ms(g.best).padStart(12)}${(c.refSeconds === null ? '—' : `${c.refSeconds} s`).padStart(11)}` +
        `${(ratio === null ? '—' : `${ratio.toFixed(0)}×`).padStart(8)}   ` +
        `${(w === null ? '' : ms(w.cpu)).padStart(12)}${(ratioW === null ? '' : `${ratioW.toFixed(0)}×`).padStart(7)}\n`,
    );
  }
  process.stdout.write(
    below === 0
      ? `every primitive with a reference timing is ≥ ${TARGET_RATIO}× faster than the reference\n`
      : `${below} primitive(s) below the ${TARGET_RATIO}× target\n`,
  );
  const load = loadavg()[0];
  process.stdout.write(
    `load average ${load.toFixed(1)} on ${availableParallelism()} cores` +
      (load > availableParallelism() ? ': the machine was busy, every figure is pessimistic\n' : '\n'),
  );
  if (sink < 0) process.stdout.write('unreachable\n');
}
