import { describe, expect, it } from 'vitest';
import { seriesFromColumns } from '../../data/candles/series.ts';
import type { TraceFill, TraceIntent } from '../../engine/backtest/types.ts';
import { SimulatedClock } from '../../engine/clock.ts';
import { silentLogger } from '../../engine/log.ts';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import { AuctionAllocator } from '../../engine/portfolio/auction-allocator.ts';
import type { IntentRecord } from '../../engine/positions/actions.ts';
import { DEFAULT_POSITIONS_CONFIG } from '../../engine/positions/config.ts';
import { PositionRegistry } from '../../engine/positions/registry.ts';
import { DEFAULT_RISK_CONFIG } from '../../engine/risk/config.ts';
import { RiskManager } from '../../engine/risk/risk-manager.ts';
import { defaultInstrument } from '../../engine/sim/instruments.ts';
import { SimBroker } from '../../engine/sim/sim-broker.ts';
import { Trader, type TraderHooks } from '../../engine/trader.ts';
import { EmaCrossStrategy } from '../../strategies/ema-cross/ema-cross.ts';

const BAR = 900_000;

/** A reversing EMA-cross trader over a wave, driven bar by bar like the backtest loop. */
async function drive(hooks?: TraderHooks) {
  const n = 400;
  const closes = Array.from({ length: n }, (_, i) => 100 + Math.sin(i / 7) * 6 + Math.sin(i / 3.1) * 1.3);
  const opens = closes.map((c, i) => (i === 0 ? c : closes[i - 1]));
  const base = seriesFromColumns(
    { source: 't', symbol: 'BTC', timeframe: '15m' },
    {
      ts: closes.map((_, i) => i * BAR),
      open: opens,
      high: closes.map((c, i) => Math.max(c, opens[i]) + 0.5),
      low: closes.map((c, i) => Math.min(c, opens[i]) - 0.5),
      close: closes,
      volume: closes.map(() => 1000),
    },
  );
  const prepared = new EmaCrossStrategy({ fast: 3, slow: 8 }).prepare({
    symbol: 'BTC',
    baseTimeframe: '15m',
    candles: { '15m': base },
  });
  const clock = new SimulatedClock(0);
  const broker = new SimBroker({ clock, bufferEvents: false });
  const trader = new Trader(
    {
      clock,
      broker,
      logger: silentLogger,
      risk: new RiskManager(DEFAULT_RISK_CONFIG, silentLogger),
      auction: new AuctionAllocator({ maxMarginUtil: 0.9, partialCloseCooldownSeconds: 0 }, silentLogger),
      registry: new PositionRegistry(),
      positions: DEFAULT_POSITIONS_CONFIG,
      instruments: new Map([['BTC', defaultInstrument('BTC', 100)]]),
      ...(hooks ? { hooks } : {}),
    },
    {
      market: { symbols: ['BTC'], base: [base] },
      strategies: [
        {
          id: 'ema',
          reasonNames: ['NONE', 'WARMUP', 'NO_CROSS'],
          prepared: [prepared],
          policy: { kind: 'target_exposure', fraction: 0.5, reverse: true },
        },
      ],
    },
  );
  broker.subscribe((e) => trader.onBrokerEvent(e));
  const bars = new Int32Array(1);
  for (let i = 0; i < n; i++) {
    broker.onSeriesBar(base, i);
    const close = base.ts[i] + BAR;
    clock.advanceTo(close);
    bars[0] = i;
    const work = trader.tick(close, bars);
    if (work !== undefined) await work;
  }
  const end = base.ts[n - 1] + BAR;
  return { trader, broker, trades: trader.tradeRecords(end, () => broker.tickerOf('BTC').last) };
}

describe('Trader records with and without hooks', () => {
  it('hooks see every fill, intent and closed trade as it happens; the logs hold the same records', async () => {
    const fills: TraceFill[] = [];
    const closed: TradeRecord[] = [];
    const intents: IntentRecord[] = [];
    const results: TraceIntent[] = [];
    let fillsWhenClosed = -1;
    const hooked = await drive({
      onFill: (_f, rec) => fills.push(rec),
      onTradeClosed(t) {
        closed.push(t);
        // Called from the fill that closed it, after that fill's record.
        fillsWhenClosed = fills.length;
      },
      onIntent: (r) => {
        intents.push(r);
      },
      onIntentResult: (r) => {
        results.push(r);
      },
    });
    const plain = await drive();

    const fillLog = plain.trader.fillLog();
    expect(fillLog.length).toBeGreaterThan(10);
    expect(fills).toEqual(fillLog);
    expect(hooked.trader.fillLog()).toEqual(fillLog);
    expect(fillsWhenClosed).toBe(fills.length);

    const closedTrades = plain.trades.filter((t) => t.exitReason !== 'open');
    expect(closedTrades.length).toBeGreaterThan(5);
    expect(closed).toEqual(closedTrades);
    expect(hooked.trades).toEqual(plain.trades);

    expect(results).toEqual([...plain.trader.intentLog()]);
    expect(intents.map((i) => [i.actionType, i.clientId, i.qty])).toEqual(
      results.map((r) => ['PLACE_ENTRY', r.clientId, r.qty]),
    );
    // Every reversal after the first entry closes one trade and opens the next.
    expect(fillLog.length).toBe(closedTrades.length + 1);
  });
});
