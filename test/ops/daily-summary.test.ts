import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { Position } from '../../engine/broker.ts';
import { SimulatedClock } from '../../engine/clock.ts';
import { RecordingLogger } from '../../engine/log.ts';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import { DailyLossTracker } from '../../engine/risk/daily-loss.ts';
import type { AlertInput, SendOutcome } from '../../live/alerts/types.ts';
import { DailySummaryScheduler } from '../../live/ops/daily-summary.ts';
import { OpsState } from '../../live/ops/ops-state.ts';

const d = (x: string | number) => new Decimal(x);
const H = 3_600_000;
const DAY0 = Date.UTC(2026, 1, 8); // 2026-02-08 00:00 UTC
const MIDNIGHT = DAY0 + 24 * H;

function trade(symbol: string, netPnl: string, exitTs: number): TradeRecord {
  return {
    strategyId: 'smc',
    symbol,
    side: 'long',
    entryTs: exitTs - 2 * H,
    exitTs,
    entryPrice: '100',
    exitPrice: '99',
    qty: '1',
    fees: '0',
    funding: '0',
    pnl: netPnl,
    netPnl,
    exitReason: 'stop_loss',
  };
}

const ethShort: Position = {
  symbol: 'ETH',
  side: 'short',
  qty: d('2'),
  entryPrice: d('3000'),
  currentMarkPrice: d('2990'),
  unrealizedPnl: d('20'),
  margin: d('857'),
  leverage: 7,
};

function setup(start: number) {
  const clock = new SimulatedClock(start);
  const logger = new RecordingLogger();
  const tracker = new DailyLossTracker(0.05, 0.7, logger);
  tracker.rollover(DAY0 + H, d('10000'));
  const state = new OpsState();
  state.update({
    cycle: 100,
    durationMs: 900,
    positions: 1,
    universe: 45,
    systemState: 'NORMAL',
    cooldownsActive: 0,
    at: start,
    account: {
      equity: d('9480'),
      balance: d('9460'),
      marginUsed: d('857'),
      availableMargin: d('8623'),
      marginUtilization: 0.0904,
    },
    exchangePositions: [ethShort],
  });
  const sent: AlertInput[] = [];
  const alerts = {
    send: (a: AlertInput): SendOutcome => {
      sent.push(a);
      return 'queued';
    },
  };
  const scheduler = new DailySummaryScheduler({
    clock,
    data: state,
    alerts,
    logger,
    dailyLoss: () => tracker,
  });
  return { clock, logger, tracker, state, sent, scheduler };
}

describe('daily summary at 00:00 UTC (seed §3b Feature 8, §13.5)', () => {
  it('fires exactly once when the simulated clock crosses midnight, with the day in numbers', async () => {
    const { clock, state, sent, scheduler, logger } = setup(MIDNIGHT - 2 * 60_000);
    state.recordTrade(trade('OLD', '-999', MIDNIGHT - 25 * H)); // more than 24 h before: not counted
    state.recordTrade(trade('BTC', '-520', DAY0 + 10 * H));
    state.recordTrade(trade('SOL', '30', DAY0 + 15 * H));

    expect(await scheduler.runIfDue()).toBeNull();
    clock.advanceTo(MIDNIGHT - 1);
    expect(await scheduler.runIfDue()).toBeNull();
    clock.advanceTo(MIDNIGHT);
    const s = await scheduler.runIfDue();
    expect(s).not.toBeNull();
    expect({
      at: s?.at,
      equity: s?.equity.toString(),
      trades: s?.trades,
      wins: s?.wins,
      losses: s?.losses,
      winRate: s?.winRate,
      dailyPnl: s?.dailyPnl.toString(),
      positions: s?.positions.map((p) => `${p.symbol} ${p.side} ${p.unrealizedPnl}`),
    }).toEqual({
      at: MIDNIGHT,
      equity: '9480',
      trades: 2,
      wins: 1,
      losses: 1,
      winRate: 0.5,
      dailyPnl: '-490',
      positions: ['ETH short 20'],
    });
    // the rest of the new day, and repeated polls, do not fire again
    for (const t of [MIDNIGHT, MIDNIGHT + 30_000, MIDNIGHT + 23 * H]) {
      clock.advanceTo(t);
      expect(await scheduler.runIfDue()).toBeNull();
    }
    expect(sent.map((a) => a.type)).toEqual(['DAILY_SUMMARY']);
    expect(sent[0].lines).toContain('Trades (24 h): 2 · 1W / 1L · win rate 50%');
    expect(logger.records.filter((r) => r.msg === 'DAILY_SUMMARY')).toHaveLength(1);
    // the next midnight fires the next one
    clock.advanceTo(MIDNIGHT + 24 * H + 1000);
    expect((await scheduler.runIfDue())?.at).toBe(MIDNIGHT + 24 * H);
    expect(sent).toHaveLength(2);
  });

  it('two concurrent polls at midnight fire once', async () => {
    const { clock, sent, scheduler } = setup(MIDNIGHT - 1000);
    clock.advanceTo(MIDNIGHT + 1);
    const [a, b] = await Promise.all([scheduler.runIfDue(), scheduler.runIfDue()]);
    expect([a === null, b === null].sort()).toEqual([false, true]);
    expect(sent).toHaveLength(1);
  });
});

describe('seed §13 Bug History: the daily-loss metrics really reset at midnight', () => {
  it('a day blocked by the loss limit is unblocked by the midnight summary, from the current equity', async () => {
    const { clock, tracker, scheduler } = setup(MIDNIGHT - 60_000);
    tracker.recordTradeResult(d('-520'), DAY0 + 10 * H, d('9480'));
    expect(tracker.status()).toMatchObject({ blocked: true });
    expect(tracker.snapshot()).toMatchObject({ dayStart: DAY0, realizedPnl: '-520', warningLevel: 2 });

    clock.advanceTo(MIDNIGHT + 500);
    await scheduler.runIfDue();

    expect(tracker.status()).toMatchObject({ blocked: false, warning: false, lossFraction: 0 });
    expect(tracker.snapshot()).toEqual({
      dayStart: MIDNIGHT,
      startEquity: '9480',
      realizedPnl: '0',
      warningLevel: 0,
    });
  });

  it("does not reset a day twice: a loss booked after the RiskManager's own midnight rollover survives the summary", async () => {
    const { clock, tracker, scheduler } = setup(MIDNIGHT - 60_000);
    tracker.recordTradeResult(d('-520'), DAY0 + 10 * H, d('9480'));
    // the trading tick at 00:00:05 rolls the day over first (RiskManager.onTick), then a trade closes
    tracker.rollover(MIDNIGHT + 5_000, d('9480'));
    tracker.recordTradeResult(d('-100'), MIDNIGHT + 10_000, d('9380'));
    clock.advanceTo(MIDNIGHT + 20_000);
    await scheduler.runIfDue();
    expect(tracker.snapshot()).toMatchObject({
      dayStart: MIDNIGHT,
      startEquity: '9480',
      realizedPnl: '-100',
    });
  });

  it('without a tracker it says so in the log and still sends the summary', async () => {
    const clock = new SimulatedClock(MIDNIGHT - 1);
    const logger = new RecordingLogger();
    const sent: AlertInput[] = [];
    const scheduler = new DailySummaryScheduler({
      clock,
      data: new OpsState(),
      alerts: {
        send: (a) => {
          sent.push(a);
          return 'queued';
        },
      },
      logger,
      dailyLoss: () => null,
    });
    clock.advanceTo(MIDNIGHT);
    await scheduler.runIfDue();
    expect(logger.has('DAILY_SUMMARY: no daily-loss tracker to reset')).toBe(true);
    expect(sent.map((a) => a.type)).toEqual(['DAILY_SUMMARY']);
  });
});
