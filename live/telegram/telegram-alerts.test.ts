import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../engine/clock.ts';
import { RecordingLogger } from '../../engine/log.ts';
import { Alerter } from '../alerts/alerter.ts';
import { dailyLossWarningAlert, killSwitchAlert, universeShrinkRejectedAlert } from '../alerts/build.ts';
import { TelegramSink } from '../alerts/sinks/telegram.ts';
import { FakeTelegramApi } from './fake/server.ts';

const TOKEN = '987654:AAEfakeTokenForAlertTests_xyz123';
const CHAT = '5550123';
const MIN = 60_000;

describe('alerts to Telegram through the fake Bot API (grammY client, real HTTP)', () => {
  let fake: FakeTelegramApi;
  let clock: SimulatedClock;
  let sleeps: number[];
  let logger: RecordingLogger;

  beforeEach(async () => {
    fake = new FakeTelegramApi({ token: TOKEN });
    await fake.start();
    clock = new SimulatedClock(Date.UTC(2026, 1, 8, 12));
    sleeps = [];
    logger = new RecordingLogger();
  });

  afterEach(async () => {
    await fake.stop();
  });

  function alerter(timeoutMs = 5_000): Alerter {
    return new Alerter({
      clock,
      logger,
      sinks: [new TelegramSink({ token: TOKEN, chatId: CHAT, apiRoot: fake.apiRoot, timeoutMs })],
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
  }

  it('two non-urgent alerts of one type within 5 minutes send one message', async () => {
    const a = alerter();
    a.send(universeShrinkRejectedAlert({ previous: 45, discovered: 12 }));
    clock.advanceTo(clock.now() + 4 * MIN);
    a.send(universeShrinkRejectedAlert({ previous: 45, discovered: 11 }));
    await a.idle();
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]).toMatchObject({ chatId: CHAT, disableNotification: true });
    expect(fake.sent[0].text).toContain('Discovered 12 symbols vs 45');
    // after the window, the type goes out again
    clock.advanceTo(clock.now() + MIN);
    a.send(universeShrinkRejectedAlert({ previous: 45, discovered: 10 }));
    await a.idle();
    expect(fake.sent).toHaveLength(2);
  });

  it('two urgent alerts of one type within 5 minutes send two messages, with notification', async () => {
    const a = alerter();
    a.send(killSwitchAlert({ reason: 'MARGIN_CRITICAL', detail: 'margin 93%' }));
    clock.advanceTo(clock.now() + 10_000);
    a.send(killSwitchAlert({ reason: 'NAKED_POSITIONS', detail: 'unprotected: BTC' }));
    await a.idle();
    expect(fake.sent.map((m) => m.text.split('\n')[0])).toEqual([
      '🚨 [KILL_SWITCH] Kill switch activated (MARGIN_CRITICAL)',
      '🚨 [KILL_SWITCH] Kill switch activated (NAKED_POSITIONS)',
    ]);
    expect(fake.sent.every((m) => !m.disableNotification)).toBe(true);
  });

  it('DAILY_LOSS_WARNING: the 70% warning and the urgent 100% alert both go out within 5 minutes', async () => {
    const a = alerter();
    a.send(
      dailyLossWarningAlert({ dailyPnl: '-360', lossFraction: 0.036, limitPct: 0.05, limitReached: false }),
    );
    a.send(
      dailyLossWarningAlert({ dailyPnl: '-380', lossFraction: 0.038, limitPct: 0.05, limitReached: false }),
    );
    a.send(
      dailyLossWarningAlert({ dailyPnl: '-510', lossFraction: 0.051, limitPct: 0.05, limitReached: true }),
    );
    await a.idle();
    expect(fake.sent.map((m) => m.text.split('\n')[0])).toEqual([
      '🚨 [DAILY_LOSS_WARNING] Daily loss limit reached: new entries blocked until 00:00 UTC',
      '[DAILY_LOSS_WARNING] Daily loss approaching the limit',
    ]);
  });

  it('a 429 is retried after retry_after, and the message is sent once', async () => {
    fake.failNext('sendMessage', { status: 429, retryAfter: 2 });
    const a = alerter();
    a.send(killSwitchAlert({ reason: 'MANUAL' }));
    await a.idle();
    expect(sleeps).toEqual([2000]);
    expect(fake.callsOf('sendMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(fake.sent).toHaveLength(1);
    const retry = logger.records.find((r) => r.msg === 'Alert delivery failed, retrying');
    expect(retry?.obj).toMatchObject({ sink: 'telegram', status: 429, retry_in_ms: 2000 });
  });

  it('5xx and a request that never answers are retried with backoff', async () => {
    fake.failNext('sendMessage', { status: 502 });
    fake.failNext('sendMessage', { hang: true });
    const a = alerter(1_000);
    a.send(killSwitchAlert({ reason: 'MANUAL' }));
    await a.idle();
    expect(sleeps).toEqual([1000, 2000]);
    expect(fake.sent).toHaveLength(1);
  });

  it('a wrong chat id (400) is not retried and is logged', async () => {
    fake.failNext('sendMessage', { status: 400, description: 'Bad Request: chat not found' });
    const a = alerter();
    a.send(killSwitchAlert({ reason: 'MANUAL' }));
    await a.idle();
    expect(fake.callsOf('sendMessage')).toHaveLength(1);
    const rec = logger.records.find((r) => r.msg === 'Alert delivery failed');
    expect(rec?.obj).toMatchObject({ status: 400, err: 'telegram: 400 Bad Request: chat not found' });
  });
});
