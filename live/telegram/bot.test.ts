import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account, Position } from '../../engine/broker.ts';
import { SimulatedClock } from '../../engine/clock.ts';
import { RecordingLogger } from '../../engine/log.ts';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import { OpsState } from '../ops/ops-state.ts';
import { TelegramCommandBot } from './bot.ts';
import { FakeTelegramApi } from './fake/server.ts';

const TOKEN = '123456:AAEfakeTokenForTestsOnly_abcdef';
const CHAT = 424242;
const STRANGER = 999001;
const T0 = Date.UTC(2026, 1, 8, 12, 0, 0);

const d = (x: string | number) => new Decimal(x);

function account(): Account {
  return {
    equity: d('10234.56'),
    balance: d('9734.56'),
    marginUsed: d('2394.89'),
    availableMargin: d('7839.67'),
    marginUtilization: 0.234,
  };
}

function positions(): Position[] {
  return [
    {
      symbol: 'BTC',
      side: 'long',
      qty: d('0.5'),
      entryPrice: d('60000'),
      currentMarkPrice: d('61000'),
      unrealizedPnl: d('500'),
      margin: d('6000'),
      leverage: 5,
    },
    {
      symbol: 'ETH',
      side: 'short',
      qty: d('2'),
      entryPrice: d('3000'),
      currentMarkPrice: d('3030'),
      unrealizedPnl: d('-60'),
      margin: d('857.14'),
      leverage: 7,
    },
  ];
}

function trade(symbol: string, netPnl: string, exitTs: number, reason: string): TradeRecord {
  return {
    strategyId: 'smc',
    symbol,
    side: 'long',
    entryTs: exitTs - 3 * 3_600_000 - 12 * 60_000,
    exitTs,
    entryPrice: '100',
    exitPrice: '101',
    qty: '1',
    fees: '0.1',
    funding: '0',
    pnl: netPnl,
    netPnl,
    exitReason: reason,
  };
}

describe('Telegram command bot through the fake Bot API', () => {
  let fake: FakeTelegramApi;
  let bot: TelegramCommandBot | null = null;
  let logger: RecordingLogger;
  let state: OpsState;
  let clock: SimulatedClock;
  let sleeps: number[];

  beforeEach(async () => {
    fake = new FakeTelegramApi({ token: TOKEN });
    await fake.start();
    logger = new RecordingLogger();
    clock = new SimulatedClock(T0);
    sleeps = [];
    state = new OpsState();
    state.update({
      cycle: 1234,
      durationMs: 32_000,
      positions: 2,
      universe: 45,
      systemState: 'NORMAL',
      cooldownsActive: 3,
      at: T0 - 32_000,
      account: account(),
      exchangePositions: positions(),
    });
  });

  afterEach(async () => {
    await bot?.stop();
    bot = null;
    await fake.stop();
  });

  function startBot(data = state): TelegramCommandBot {
    bot = new TelegramCommandBot({
      token: TOKEN,
      chatId: String(CHAT),
      apiRoot: fake.apiRoot,
      data,
      clock,
      logger,
      pollTimeoutS: 1,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    bot.start();
    return bot;
  }

  it('an unauthorised chat gets no answer and one log line; the authorised chat is answered', async () => {
    startBot();
    fake.userMessage({ id: STRANGER }, '/status');
    fake.userMessage({ id: CHAT }, '/status');
    // Updates are handled in order: once the operator's answer is out, the stranger's update is done.
    await fake.waitForSent(1, CHAT);
    expect(fake.sent.filter((m) => m.chatId === String(STRANGER))).toEqual([]);
    expect(fake.sent).toHaveLength(1);
    const refused = logger.records.filter((r) => r.msg === 'Telegram command from unauthorised chat ignored');
    expect(refused).toHaveLength(1);
    expect(refused[0].obj).toMatchObject({ chat_id: STRANGER, text: '/status' });
  });

  it('/status matches the data source', async () => {
    startBot();
    fake.userMessage({ id: CHAT }, '/status');
    const [msg] = await fake.waitForSent(1, CHAT);
    expect(msg.text.split('\n')).toEqual([
      '📊 Status: NORMAL',
      'Equity: $10,234.56',
      'Margin used: 23.4% ($2,394.89)',
      'Unrealised P&L: +$440.00',
      'Positions: 2 · Universe: 45',
      'Cycle: 1234 (0m ago) · Cooldowns: 3',
    ]);
  });

  it('/positions lists entry/mark, size, leverage and P&L ($, %) of every position', async () => {
    startBot();
    fake.userMessage({ id: CHAT }, '/positions');
    const [msg] = await fake.waitForSent(1, CHAT);
    expect(msg.text.split('\n')).toEqual([
      '📈 Open positions (2, uPnL +$440.00)',
      'BTC LONG 0.5 @ 60000 → mark 61000 · 5x',
      '  P&L +$500.00 (+1.67%)',
      'ETH SHORT 2 @ 3000 → mark 3030 · 7x',
      '  P&L -$60.00 (-1.00%)',
    ]);
  });

  it('aliases /s /pos /p /t /start answer like their commands', async () => {
    state.recordTrade(trade('SOL', '12.5', T0 - 60_000, 'take_profit'));
    state.recordTrade(trade('ADA', '-4', T0 - 120_000, 'stop_loss'));
    startBot();
    for (const c of ['/s', '/pos', '/p', '/t', '/start']) fake.userMessage({ id: CHAT }, c);
    const sent = await fake.waitForSent(5, CHAT);
    expect(sent[0].text.startsWith('📊 Status: NORMAL')).toBe(true);
    expect(sent[1].text).toBe(sent[2].text);
    expect(sent[1].text.startsWith('📈 Open positions (2')).toBe(true);
    expect(sent[3].text.split('\n')).toEqual([
      '🧾 Last 2 closed trades',
      '✅ SOL long +$12.50 · 3h 12m · take_profit',
      '❌ ADA long -$4.00 · 3h 12m · stop_loss',
      '1W / 1L · net +$8.50',
    ]);
    expect(sent[4].text).toContain('/positions /pos /p');
  });

  it('/trades shows only the last 5 closed trades, newest first', async () => {
    for (let i = 0; i < 7; i++) state.recordTrade(trade(`S${i}`, '1', T0 - (7 - i) * 60_000, 'take_profit'));
    startBot();
    fake.userMessage({ id: CHAT }, '/trades');
    const [msg] = await fake.waitForSent(1, CHAT);
    const lines = msg.text.split('\n');
    expect(lines[0]).toBe('🧾 Last 5 closed trades');
    expect(lines.slice(1, 6).map((l) => l.split(' ')[1])).toEqual(['S6', 'S5', 'S4', 'S3', 'S2']);
  });

  it('an error in a command is logged and answered with a short apology; the bot keeps serving', async () => {
    const broken = new OpsState();
    broken.status = async () => {
      throw new Error('store unreachable');
    };
    startBot(broken);
    fake.userMessage({ id: CHAT }, '/status');
    fake.userMessage({ id: CHAT }, '/help');
    const sent = await fake.waitForSent(2, CHAT);
    expect(sent[0].text).toMatch(/^Sorry, \/status failed/);
    expect(sent[1].text).toContain('/status /s');
    const failed = logger.records.find((r) => r.msg === 'Telegram command failed');
    expect(failed?.level).toBe('error');
    expect(failed?.obj).toMatchObject({ command: 'status', err: 'store unreachable' });
  });

  it('a reply answered 429 is retried after retry_after', async () => {
    startBot();
    fake.failNext('sendMessage', { status: 429, retryAfter: 3 });
    fake.userMessage({ id: CHAT }, '/help');
    await fake.waitForSent(1, CHAT);
    expect(sleeps).toEqual([3000]);
    const attempts = fake.callsOf('sendMessage');
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(fake.sent).toHaveLength(1);
  });

  it('an unknown command gets the help; a command for another bot in a group is ignored', async () => {
    startBot();
    fake.userMessage({ id: CHAT, type: 'group' }, '/status@some_other_bot');
    fake.userMessage({ id: CHAT }, '/foo');
    const [msg] = await fake.waitForSent(1, CHAT);
    expect(msg.text.startsWith('Unknown command /foo.')).toBe(true);
    expect(fake.sent).toHaveLength(1);
  });
});
