import { afterEach, describe, expect, it, vi } from 'vitest';
import { seriesFromColumns } from '../../data/candles/series.ts';
import { runBacktest } from '../../engine/backtest/run.ts';
import { SimulatedClock } from '../../engine/clock.ts';
import { silentLogger } from '../../engine/log.ts';
import { AuctionAllocator } from '../../engine/portfolio/auction-allocator.ts';
import { DEFAULT_POSITIONS_CONFIG } from '../../engine/positions/config.ts';
import { PositionRegistry } from '../../engine/positions/registry.ts';
import { DEFAULT_RISK_CONFIG } from '../../engine/risk/config.ts';
import { RiskManager } from '../../engine/risk/risk-manager.ts';
import { SimBroker } from '../../engine/sim/sim-broker.ts';
import { SupervisorGate } from '../../engine/trader/safety-gate.ts';
import { Trader } from '../../engine/trader.ts';
import { EmaCrossStrategy } from '../../strategies/ema-cross/ema-cross.ts';
import { smcFeed } from './kit.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Trader per-bar path', () => {
  it('returns undefined (no promise, nothing awaited) on bars without a signal or queued work', () => {
    const n = 200;
    const closes = Array.from({ length: n }, (_, i) => 100 + Math.sin(i / 9) * 5);
    const base = seriesFromColumns(
      { source: 't', symbol: 'BTC', timeframe: '15m' },
      {
        ts: closes.map((_, i) => i * 900_000),
        open: closes,
        high: closes,
        low: closes,
        close: closes,
        volume: closes,
      },
    );
    const prepared = new EmaCrossStrategy({ fast: 3, slow: 8 }).prepare({
      symbol: 'BTC',
      baseTimeframe: '15m',
      candles: { '15m': base },
    });
    const broker = new SimBroker();
    const trader = new Trader(
      {
        clock: new SimulatedClock(),
        broker,
        logger: silentLogger,
        risk: new RiskManager(DEFAULT_RISK_CONFIG, silentLogger),
        auction: new AuctionAllocator({ maxMarginUtil: 0.9, partialCloseCooldownSeconds: 0 }, silentLogger),
        registry: new PositionRegistry(),
        positions: DEFAULT_POSITIONS_CONFIG,
        instruments: new Map(),
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
    const bars = new Int32Array(1);
    let quiet = 0;
    let busy = 0;
    for (let i = 0; i < n; i++) {
      bars[0] = i;
      const signal = (prepared.decide(i) & 3) !== 1;
      const work = trader.tick(base.ts[i] + 900_000, bars);
      if (signal) {
        expect(work).toBeInstanceOf(Promise);
        busy++;
      } else {
        expect(work).toBeUndefined();
        quiet++;
      }
    }
    expect(busy).toBeGreaterThan(0);
    expect(quiet).toBeGreaterThan(busy);
  });
});

describe('SupervisorGate: the safety check runs only when it could report something new', () => {
  it('gives the same result as checking after every bar (a run that goes DEGRADED on drawdown)', async () => {
    const feed = smcFeed(['AAA', 'BBB', 'CCC'], 500);
    const config = { sim: { funding: { rate: 0.0001 } } };
    const gated = await runBacktest(config, feed);
    const check = vi.spyOn(SupervisorGate.prototype, 'check');
    vi.spyOn(SupervisorGate.prototype, 'due').mockReturnValue(true);
    const everyBar = await runBacktest(config, feed);
    expect(check.mock.calls.length).toBe(everyBar.equity.ts.length);
    expect(gated.funnel.strategies[0].outcomes.some((o) => o.outcome === 'sizing:SYSTEM_DEGRADED')).toBe(
      true,
    );
    expect(gated.resultHash).toBe(everyBar.resultHash);
  });
});
