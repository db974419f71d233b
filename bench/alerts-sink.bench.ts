import { loadavg } from 'node:os';
import { parseBacktestConfig } from '../engine/backtest/config.ts';
import { SmcStrategy } from '../strategies/smc/pipeline.ts';
import {
  metricSum,
  type PaperOpsRun,
  runPaperWithOps,
  type SinkMode,
  startAlertSinkFake,
} from '../test/live/paper-ops-kit.ts';
import { sampleSeries } from '../test/live/runner-kit.ts';

/**
 * Alert sink down vs up (issue "Operations", acceptance: "with the alert sink down (timeouts, 5xx) during
 * a paper run, cycle durations stay within 10% of a run with the sink up, no trading action is lost, and
 * drops are counted in /metrics").
 *
 * The same paper run twice or more — the live runner against the fake Kraken Futures replaying the
 * bundled sample's 1h bars, the ops layer assembled as `smc live --paper` does, alerts configured from the
 * environment (ALERT_WEBHOOK_URL, ALERT_QUEUE_CAPACITY) — once with a local webhook answering 200, once
 * with one that hangs every other request until the 10 s client timeout and answers 503 to the rest.
 * Runs alternate in ABBA order after a warm-up run, so drift in machine load hits both modes alike. Cycles
 * of a replay are short (milliseconds: no wall-clock waits, no latency), so the comparison is sensitive:
 * read it with the load figures printed beside it, and the CPU-time ratio, which other work disturbs less.
 *
 * `npm run bench -- --only alerts [--reps N] [--days D]`
 */
const H = 3_600_000;
const BOUND = 1.1;
const SYMBOLS = ['BTC', 'ETH', 'SOL', 'DOGE', 'BNB'];
const TRADE_FROM = Date.UTC(2023, 0, 12);
/** Small, so a month of alerts overflows it like hours of a real outage would. */
const CAPACITY = 10;

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

const fmt = (x: number) => x.toFixed(2).padStart(7);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

export async function run(args: string[]): Promise<void> {
  const reps = arg(args, '--reps', 2);
  const days = arg(args, '--days', 31);
  const config = parseBacktestConfig({ backtest: { trace: 'none' } });
  const warmup = new SmcStrategy(config.strategy).warmupBars('1h') * H;
  const until = TRADE_FROM + days * 24 * H;
  const series = await sampleSeries(SYMBOLS, TRADE_FROM - warmup, until + H);
  const up = await startAlertSinkFake('up');
  const down = await startAlertSinkFake('down');
  const once = (mode: SinkMode) =>
    runPaperWithOps({
      series,
      config,
      from: TRADE_FROM,
      until,
      historyFrom: TRADE_FROM - warmup,
      alertEnv: {
        ALERT_WEBHOOK_URL: mode === 'up' ? up.url : down.url,
        ALERT_QUEUE_CAPACITY: String(CAPACITY),
      },
    });
  process.stdout.write(
    `paper replay: ${SYMBOLS.join(', ')} 1h (bundled sample), ${days} days from ${new Date(TRADE_FROM).toISOString().slice(0, 10)}; ` +
      `queue capacity ${CAPACITY}; sink timeout 10 s; ${reps} run(s) per mode after a warm-up; load before: ${load()}\n`,
  );
  try {
    await once('up'); // warm-up: JIT, caches
    const runs: Record<SinkMode, PaperOpsRun[]> = { up: [], down: [] };
    // ABBA order (up, down, down, up, …): a linear drift in machine load cancels out of the comparison
    for (let r = 0; r < reps; r++) {
      const order = r % 2 === 0 ? (['up', 'down'] as const) : (['down', 'up'] as const);
      for (const mode of order) runs[mode].push(await once(mode));
    }
    const stats: Record<SinkMode, { mean: number; p50: number; p95: number; cpu: number }> = {
      up: { mean: 0, p50: 0, p95: 0, cpu: 0 },
      down: { mean: 0, p50: 0, p95: 0, cpu: 0 },
    };
    for (const mode of ['up', 'down'] as const) {
      const wall = runs[mode].flatMap((r) => r.wallMs);
      const cpu = runs[mode].flatMap((r) => r.cpuMs);
      stats[mode] = { mean: mean(wall), p50: quantile(wall, 0.5), p95: quantile(wall, 0.95), cpu: mean(cpu) };
      process.stdout.write(
        `sink ${mode.padEnd(4)}: ${String(wall.length).padStart(5)} cycles  wall mean ${fmt(stats[mode].mean)} ms  ` +
          `p50 ${fmt(stats[mode].p50)} ms  p95 ${fmt(stats[mode].p95)} ms  max ${fmt(Math.max(...wall))} ms  ` +
          `cpu mean ${fmt(stats[mode].cpu)} ms\n`,
      );
    }
    const ratio = stats.down.mean / stats.up.mean;
    process.stdout.write(
      `down/up: mean ${ratio.toFixed(3)}  p50 ${(stats.down.p50 / stats.up.p50).toFixed(3)}  ` +
        `p95 ${(stats.down.p95 / stats.up.p95).toFixed(3)}  ` +
        `cpu ${(stats.down.cpu / stats.up.cpu).toFixed(3)}  (bound ${BOUND.toFixed(2)} on the mean: ` +
        `${ratio <= BOUND ? 'within' : 'OVER'})\n`,
    );
    const ref = runs.up[0];
    const same = [...runs.up, ...runs.down].every(
      (r) =>
        JSON.stringify(r.actions) === JSON.stringify(ref.actions) &&
        JSON.stringify(r.trades) === JSON.stringify(ref.trades),
    );
    process.stdout.write(
      `trading actions: ${ref.actions.length} order actions, ${ref.trades.length} closed trades per run; ` +
        `identical in every run (up and down): ${same ? 'yes' : 'NO'}\n`,
    );
    for (const mode of ['up', 'down'] as const) {
      const r = runs[mode][0];
      const m = r.metrics.atEnd;
      const c = r.metrics.afterClose;
      const raised = r.logger.records.filter((x) => x.msg.startsWith('ALERT ')).length;
      process.stdout.write(
        `/metrics sink ${mode.padEnd(4)}: alerts raised ${raised}, sent ${metricSum(m, 'smc_alerts_sent_total{')}, ` +
          `dropped ${metricSum(m, 'smc_alerts_dropped_total{')} (queue_full), queue ${metricSum(m, 'smc_alert_queue_length')}; ` +
          `after shutdown: dropped ${metricSum(c, 'smc_alerts_dropped_total{')}, failed ${metricSum(c, 'smc_alerts_failed_total{')}; ` +
          `cycles ${metricSum(m, 'smc_cycles_total')}\n`,
      );
    }
    process.stdout.write(`load after: ${load()}\n`);
  } finally {
    await up.close();
    await down.close();
  }
}
