import { beforeAll, describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../data/candles/series.ts';
import { type BacktestConfig, parseBacktestConfig } from '../../engine/backtest/config.ts';
import { SmcStrategy } from '../../strategies/smc/pipeline.ts';
import { type PaperOpsRun, runPaperWithOps } from './paper-ops-kit.ts';
import { sampleSeries } from './runner-kit.ts';

/**
 * Session-2 finding (the alert-sink bench's month of paper trading halted on NAKED_POSITIONS): a paper
 * replay ticked once per bar, so an entry the venue filled at the boundary got its stop a bar later on
 * the replay's clock — far past the 90 s grace of the naked-position monitor. live/runner/loop.ts
 * `runReplay` now ticks again a poll period after each boundary, as the wall-clock loop does.
 */

const H = 3_600_000;
const TRADE_FROM = Date.UTC(2023, 0, 12, 12);
const END = Date.UTC(2023, 0, 13, 12); // the first entry (12 Jan 23:00) and its stop-out

let config: BacktestConfig;
let series: CandleSeries[];
let historyFrom: number;

const run = (pollMs?: number): Promise<PaperOpsRun> =>
  runPaperWithOps({
    series,
    config,
    from: TRADE_FROM,
    until: END,
    historyFrom,
    instruments: [{ symbol: 'SOL', tickSize: 0.01, contractValueTradePrecision: 2 }],
    alertEnv: {},
    ...(pollMs === undefined ? {} : { pollMs }),
  });

/** For each entry: ms from its intent to its position's first stop intent. */
function protectionDelays(r: PaperOpsRun): number[] {
  const out: number[] = [];
  for (const e of r.intents.filter((i) => i.actionType === 'PLACE_ENTRY')) {
    const position = (e.clientId ?? '').replace(/_entry$/, '');
    const stop = r.intents.find(
      (i) => i.actionType === 'PLACE_STOP' && (i.clientId ?? '').startsWith(position),
    );
    out.push(stop === undefined ? Number.POSITIVE_INFINITY : stop.ts - e.ts);
  }
  return out;
}

describe('session-2 finding: a paper replay protects each entry within a poll period, not a bar later', () => {
  beforeAll(async () => {
    config = parseBacktestConfig({ backtest: { trace: 'none' } });
    const warmup = new SmcStrategy(config.strategy).warmupBars('1h') * H;
    historyFrom = TRADE_FROM - warmup;
    series = await sampleSeries(['SOL'], historyFrom, END);
  }, 30_000);

  it('default: the stop follows the entry within 60 s; the monitor never escalates', async () => {
    const r = await run();
    const delays = protectionDelays(r);
    expect(delays.length).toBeGreaterThanOrEqual(1);
    for (const d of delays) expect(d).toBeLessThanOrEqual(60_000);
    expect(r.logger.has('NAKED_POSITIONS_DETECTED (persistent)')).toBe(false);
    // a boundary tick and a follow-up tick per bar
    expect(r.logger.records.filter((x) => x.msg.startsWith('CYCLE_SUMMARY ')).length).toBe(2 * r.cycles);
  }, 30_000);

  it('one tick per bar (pollMs 0, the old replay): the stop comes a whole bar later', async () => {
    const r = await run(0);
    for (const d of protectionDelays(r)) expect(d).toBe(H);
  }, 30_000);
});
