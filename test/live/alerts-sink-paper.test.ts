import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../data/candles/series.ts';
import { type BacktestConfig, parseBacktestConfig } from '../../engine/backtest/config.ts';
import type { AlertSink } from '../../live/alerts/sink.ts';
import { SmcStrategy } from '../../strategies/smc/pipeline.ts';
import {
  type AlertSinkFake,
  metricSum,
  type PaperOpsRun,
  runPaperWithOps,
  startAlertSinkFake,
} from './paper-ops-kit.ts';
import { sampleSeries } from './runner-kit.ts';

/**
 * Acceptance (issue "Operations", sink down): a paper run — the live runner against the fake exchange,
 * replaying the bundled sample's bars, with the ops layer assembled as `smc live --paper` does — makes
 * the same trading actions whether the alert webhook is up or down (timeouts and 5xx), the alerts it
 * cannot deliver are dropped from the bounded queue and counted on `/metrics`, and the loop never waits
 * on the sink. The timing half of the acceptance (cycle durations within 10%) is measured by
 * `npm run bench -- --only alerts` (bench/alerts-sink.bench.ts), not here.
 */

const H = 3_600_000;
const TRADE_FROM = Date.UTC(2023, 0, 12, 12);
const END = Date.UTC(2023, 0, 21);
/** Small, so the few alerts of a 9-day replay overflow it the way hours of a real outage would. */
const CAPACITY = 3;

let config: BacktestConfig;
let series: CandleSeries[];
let historyFrom: number;
const sinks: AlertSinkFake[] = [];

async function paperRun(opts: { url: string; sinks?: AlertSink[] }): Promise<PaperOpsRun> {
  return runPaperWithOps({
    series,
    config,
    from: TRADE_FROM,
    until: END,
    historyFrom,
    instruments: [{ symbol: 'SOL', tickSize: 0.01, contractValueTradePrecision: 2 }],
    alertEnv: { ALERT_WEBHOOK_URL: opts.url, ALERT_QUEUE_CAPACITY: String(CAPACITY) },
    sinkTimeoutMs: 250,
    ...(opts.sinks ? { sinks: opts.sinks } : {}),
  });
}

/** A sink whose delivery never ends until the alerter aborts it at shutdown. */
function blockedSink(started: { n: number }): AlertSink {
  return {
    name: 'blocked',
    deliver: (_alert, signal) =>
      new Promise<void>((_resolve, reject) => {
        started.n++;
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
  };
}

const cycleLines = (r: PaperOpsRun) =>
  r.logger.records.filter((x) => x.msg.startsWith('CYCLE_SUMMARY ')).length;
const raised = (r: PaperOpsRun) => r.logger.records.filter((x) => x.msg.startsWith('ALERT ')).length;

describe('paper run with the alert sink down: same trading, drops on /metrics, loop never waits', () => {
  let up: PaperOpsRun;
  let down: PaperOpsRun;
  let downSink: AlertSinkFake;

  beforeAll(async () => {
    config = parseBacktestConfig({ backtest: { trace: 'none' } });
    const warmup = new SmcStrategy(config.strategy).warmupBars('1h') * H;
    historyFrom = TRADE_FROM - warmup;
    series = await sampleSeries(['SOL'], historyFrom, END);
    const upSink = await startAlertSinkFake('up');
    downSink = await startAlertSinkFake('down');
    sinks.push(upSink, downSink);
    up = await paperRun({ url: upSink.url });
    down = await paperRun({ url: downSink.url });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(sinks.splice(0).map((s) => s.close()));
  });

  it('the replay trades and alerts: entries, exits, daily summaries', () => {
    expect(up.cycles).toBe((END - TRADE_FROM) / H + 1);
    expect(up.trades.length).toBeGreaterThanOrEqual(2);
    // more alerts than the queue holds, so the sink-down run must drop some
    expect(raised(up)).toBeGreaterThan(CAPACITY + 1);
    // sink up: every alert delivered, nothing dropped or failed
    expect(up.stats).toMatchObject({ sent: raised(up), dropped: 0, failed: 0 });
    expect(metricSum(up.metrics.atEnd, 'smc_alerts_sent_total{')).toBe(raised(up));
    expect(metricSum(up.metrics.afterClose, 'smc_alerts_dropped_total{')).toBe(0);
  });

  it('no trading action is lost: orders, outcomes and trades are identical with the sink down', () => {
    expect(down.actions.length).toBeGreaterThan(0);
    expect(down.actions).toEqual(up.actions);
    expect(down.trades).toEqual(up.trades);
    expect(cycleLines(down)).toBe(cycleLines(up));
    expect(raised(down)).toBe(raised(up));
  });

  it('the sink was tried and failed (timeouts and 5xx); drops are counted on /metrics', () => {
    expect(downSink.requests()).toBeGreaterThanOrEqual(1);
    expect(down.stats.sent).toBe(0);
    const dropped = metricSum(down.metrics.atEnd, 'smc_alerts_dropped_total{');
    // one alert in flight, CAPACITY waiting, every older one evicted while the loop ran
    expect(dropped).toBe(raised(down) - 1 - CAPACITY);
    expect(
      metricSum(down.metrics.atEnd, 'smc_alerts_dropped_total{type="DAILY_SUMMARY",reason="queue_full"}'),
    ).toBeGreaterThan(0);
    expect(metricSum(down.metrics.atEnd, 'smc_alert_queue_length')).toBe(CAPACITY);
    expect(down.logger.has('Alert dropped (queue full)')).toBe(true);
    // at shutdown the queued ones are dropped and the one in flight fails: every alert is accounted for
    const afterClose = down.metrics.afterClose;
    expect(
      metricSum(afterClose, 'smc_alerts_dropped_total{') + metricSum(afterClose, 'smc_alerts_failed_total{'),
    ).toBe(raised(down));
    expect(metricSum(afterClose, 'smc_cycles_total')).toBe(cycleLines(down));
  });

  it('the loop never awaits the sink: a delivery that never ends does not hold back one cycle', async () => {
    const started = { n: 0 };
    const blocked = await paperRun({ url: 'http://127.0.0.1:9/unused', sinks: [blockedSink(started)] });
    // had any cycle awaited a delivery, this run would never have finished
    expect(blocked.cycles).toBe(up.cycles);
    expect(started.n).toBe(1); // the worker is stuck on the first alert for the whole run
    expect(blocked.actions).toEqual(up.actions);
    expect(blocked.trades).toEqual(up.trades);
    expect(blocked.stats.sent).toBe(0);
    expect(metricSum(blocked.metrics.atEnd, 'smc_alerts_dropped_total{')).toBe(
      raised(blocked) - 1 - CAPACITY,
    );
  }, 30_000);
});
