import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../engine/clock.ts';
import { RecordingLogger } from '../../engine/log.ts';
import { type AlertEvents, Alerter } from './alerter.ts';
import { type AlertSink, SinkError } from './sink.ts';
import type { Alert, AlertInput } from './types.ts';

/** A sink that answers from a script: an Error to throw, or 'ok'. */
class ScriptedSink implements AlertSink {
  readonly name = 'scripted';
  readonly delivered: Alert[] = [];
  attempts = 0;
  constructor(private readonly script: Array<Error | 'ok'> = []) {}
  async deliver(a: Alert): Promise<void> {
    this.attempts++;
    const next = this.script.shift() ?? 'ok';
    if (next !== 'ok') throw next;
    this.delivered.push(a);
  }
}

function input(type: AlertInput['type'], urgent = false, rateKey?: string): AlertInput {
  return {
    type,
    urgent,
    title: `${type} test`,
    lines: ['line'],
    fields: { k: 1 },
    ...(rateKey ? { rateKey } : {}),
  };
}

function setup(sinks: AlertSink[], opts: { capacity?: number; maxAttempts?: number } = {}) {
  const clock = new SimulatedClock(Date.UTC(2026, 1, 8));
  const logger = new RecordingLogger();
  const sleeps: number[] = [];
  const counts = { sent: 0, dropped: 0, suppressed: 0, failed: 0 };
  const events: AlertEvents = {
    sent: () => counts.sent++,
    dropped: () => counts.dropped++,
    suppressed: () => counts.suppressed++,
    failed: () => counts.failed++,
    queueLength: () => {},
  };
  const alerter = new Alerter({
    clock,
    logger,
    sinks,
    events,
    capacity: opts.capacity ?? 100,
    retry: { maxAttempts: opts.maxAttempts ?? 5, baseDelayMs: 1000, maxDelayMs: 30_000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { clock, logger, sleeps, counts, alerter };
}

describe('Alerter', () => {
  it('send is synchronous: it returns before any sink is called', async () => {
    const sink = new ScriptedSink();
    const { alerter } = setup([sink]);
    const out = alerter.send(input('NEW_POSITION'));
    expect(out).toBe('queued');
    expect(sink.attempts).toBe(0);
    await alerter.idle();
    expect(sink.delivered.map((a) => a.type)).toEqual(['NEW_POSITION']);
  });

  it('retries retryable failures with exponential backoff, then delivers once', async () => {
    const sink = new ScriptedSink([
      new SinkError('503', true, null, 503),
      new SinkError('503', true, null, 503),
      'ok',
    ]);
    const { alerter, sleeps, counts, logger } = setup([sink]);
    alerter.send(input('DAILY_SUMMARY'));
    await alerter.idle();
    expect(sleeps).toEqual([1000, 2000]);
    expect(sink.delivered).toHaveLength(1);
    expect(counts).toMatchObject({ sent: 1, failed: 0 });
    expect(logger.records.filter((r) => r.msg === 'Alert delivery failed, retrying')).toHaveLength(2);
  });

  it("waits the server's retry_after instead of the backoff", async () => {
    const sink = new ScriptedSink([new SinkError('429', true, 7000, 429), 'ok']);
    const { alerter, sleeps } = setup([sink]);
    alerter.send(input('DAILY_SUMMARY'));
    await alerter.idle();
    expect(sleeps).toEqual([7000]);
    expect(sink.delivered).toHaveLength(1);
  });

  it('a non-retryable error is not repeated, and is logged with context and counted', async () => {
    const sink = new ScriptedSink([new SinkError('400 Bad Request: chat not found', false, null, 400)]);
    const { alerter, sleeps, counts, logger } = setup([sink]);
    alerter.send(input('NEW_POSITION'));
    await alerter.idle();
    expect(sink.attempts).toBe(1);
    expect(sleeps).toEqual([]);
    expect(counts.failed).toBe(1);
    const rec = logger.records.find((r) => r.msg === 'Alert delivery failed');
    expect(rec?.level).toBe('error');
    expect(rec?.obj).toMatchObject({
      alert_type: 'NEW_POSITION',
      sink: 'scripted',
      status: 400,
      attempts: 1,
    });
  });

  it('gives up after maxAttempts (thrown non-SinkErrors count as retryable)', async () => {
    const sink = new ScriptedSink([
      new Error('ECONNRESET'),
      new Error('ECONNRESET'),
      new Error('ECONNRESET'),
    ]);
    const { alerter, counts, sleeps } = setup([sink], { maxAttempts: 3 });
    alerter.send(input('NEW_POSITION'));
    await alerter.idle();
    expect(sink.attempts).toBe(3);
    expect(sleeps).toEqual([1000, 2000]);
    expect(counts).toMatchObject({ sent: 0, failed: 1 });
  });

  it('with no sink: one `Alert (no webhook configured)` line, however many alerts; each alert still logged', () => {
    const { alerter, logger } = setup([]);
    expect(alerter.send(input('NEW_POSITION', false, 'BTC'))).toBe('no_sink');
    expect(alerter.send(input('NEW_POSITION', false, 'ETH'))).toBe('no_sink');
    expect(alerter.send(input('KILL_SWITCH', true))).toBe('no_sink');
    expect(logger.records.filter((r) => r.msg === 'Alert (no webhook configured)')).toHaveLength(1);
    expect(logger.records.filter((r) => r.msg.startsWith('ALERT '))).toHaveLength(3);
  });

  it('rate limits non-urgent alerts per type over 5 minutes of the clock; urgent ones pass', async () => {
    const sink = new ScriptedSink();
    const { alerter, clock, counts } = setup([sink]);
    expect(alerter.send(input('UNIVERSE_SHRINK_REJECTED'))).toBe('queued');
    clock.advanceTo(clock.now() + 60_000);
    expect(alerter.send(input('UNIVERSE_SHRINK_REJECTED'))).toBe('suppressed');
    expect(alerter.send(input('SYSTEM_HALTED', true))).toBe('queued');
    expect(alerter.send(input('SYSTEM_HALTED', true))).toBe('queued');
    clock.advanceTo(clock.now() + 4 * 60_000);
    expect(alerter.send(input('UNIVERSE_SHRINK_REJECTED'))).toBe('queued');
    await alerter.idle();
    expect(sink.delivered.map((a) => a.type)).toEqual([
      'SYSTEM_HALTED',
      'SYSTEM_HALTED',
      'UNIVERSE_SHRINK_REJECTED',
      'UNIVERSE_SHRINK_REJECTED',
    ]);
    expect(counts.suppressed).toBe(1);
  });

  it('KILL_SWITCH, SYSTEM_HALTED and AUTO_RECOVERY are urgent even when raised as non-urgent', async () => {
    const sink = new ScriptedSink();
    const { alerter } = setup([sink]);
    for (const t of ['KILL_SWITCH', 'SYSTEM_HALTED', 'AUTO_RECOVERY'] as const) {
      alerter.send(input(t, false));
      expect(alerter.send(input(t, false))).toBe('queued');
    }
    await alerter.idle();
    expect(sink.delivered).toHaveLength(6);
    expect(sink.delivered.every((a) => a.urgent)).toBe(true);
  });

  it('close() drains what it can within the deadline, then counts the rest as dropped', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const hanging: AlertSink = {
      name: 'hanging',
      deliver: (_a, signal) =>
        new Promise<void>((_resolve, reject) => {
          void gate;
          signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        }),
    };
    const { alerter, counts, logger } = setup([hanging]);
    for (let i = 0; i < 4; i++) alerter.send(input('NEW_POSITION', false, `S${i}`));
    await new Promise((r) => setImmediate(r));
    const res = await alerter.close(20);
    release();
    expect(res.undelivered).toBe(3); // one was in flight (aborted → failed), three still queued
    expect(counts).toMatchObject({ dropped: 3, failed: 1 });
    expect(logger.has('Alerts undelivered at shutdown')).toBe(true);
  });
});
