import { generateUniverse } from '../data/synthetic/index.ts';
import { TIMEFRAME_MS } from '../data/timeframes.ts';
import { parseBacktestConfig } from '../engine/backtest/config.ts';
import { RecordingLogger } from '../engine/log.ts';
import { SmcStrategy } from '../strategies/smc/pipeline.ts';
import { startReplay } from '../test/live/runner-kit.ts';

/**
 * Live tick latency (issue "Live mode" target: one tick over 45 symbols against the fake exchange with
 * 50 ms injected latency per request in < 2 s; the seed's production cycle took ~62 s, ~124 s with
 * reconciliation — §14). The runner is started (warm-up candles loaded), then timed:
 * - a bar-boundary tick: all 45 symbols fetch their new bar, strategies step, the trader decides,
 *   reconciliation runs;
 * - a tick between boundaries: candle cache hits (nothing fetched), events polled, reconciliation.
 */
const TARGET_SECONDS = 2;
const LATENCY_MS = 50;

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

export async function run(): Promise<void> {
  const H = TIMEFRAME_MS['1h'];
  const config = parseBacktestConfig({ backtest: { trace: 'none' } });
  const warmup = new SmcStrategy(config.strategy).warmupBars('1h');
  const length = warmup + 48;
  const start = Date.UTC(2024, 0, 1);
  const universe = generateUniverse({ timeframe: '1h', length, seed: 7, start });
  const t0 = start + (length - 2) * H;
  const logger = new RecordingLogger();
  const replay = await startReplay({
    series: universe,
    config,
    start: t0,
    logger,
    runner: { historyFrom: start },
  });
  try {
    let t = now();
    await replay.runner.start();
    process.stdout.write(
      `${universe.length} symbols × ${length} 1h bars; startup (credentials, leverage, warm-up candles, sync): ` +
        `${(now() - t).toFixed(2)} s\n`,
    );
    replay.server.faults.set({ latencyMs: LATENCY_MS });
    replay.clock.t = t0 + H + 2_000; // a new bar closed for every symbol
    t = now();
    let s = await replay.runner.tick();
    const boundary = now() - t;
    replay.clock.t += 60_000; // a minute later: nothing new to fetch
    t = now();
    s = await replay.runner.tick();
    const between = now() - t;
    const requests = replay.server.faults.stats.requests;
    for (const [label, secs] of [
      ['tick at a bar boundary (45 candle fetches)', boundary],
      ['tick between boundaries (cache hits)', between],
    ] as const) {
      process.stdout.write(
        `${label.padEnd(46)} ${secs.toFixed(3).padStart(7)} s  target < ${TARGET_SECONDS} s  ` +
          `(${(secs / TARGET_SECONDS).toFixed(2)}× target)\n`,
      );
    }
    process.stdout.write(
      `  ${LATENCY_MS} ms latency per request; requests served: ${requests.public} public, ${requests.charts} charts, ` +
        `${requests.private} private; last CYCLE_SUMMARY universe=${s.universe} system_state=${s.system_state}\n`,
    );
  } finally {
    await replay.close();
  }
}
