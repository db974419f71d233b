import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../data/candles/series.ts';
import { fromKrakenFuturesSymbol } from '../../data/symbols/symbols.ts';
import { parseBacktestConfig } from '../../engine/backtest/config.ts';
import { RecordingLogger } from '../../engine/log.ts';
import { alertingLogger } from '../../live/alerts/log-bridge.ts';
import type { AlertInput } from '../../live/alerts/types.ts';
import { PATHS } from '../../live/kraken/api/paths.ts';
import { type CandleFeed, exchangeCandleFeed } from '../../live/runner/candle-feed.ts';
import { SmcStrategy } from '../../strategies/smc/pipeline.ts';
import { type Replay, sampleSeries, startReplay } from './runner-kit.ts';

/**
 * Universe refresh through the MarketRegistry with shrink protection (seed §15), through the whole live
 * stack: runner → ccxt → fake exchange. The fake's tickers are computed from the candles; a hook marks
 * chosen symbols `suspended` in the tickers response, which is how a venue takes a market out of trading
 * (and how a broken ticker feed would look to discovery).
 */

const H = 3_600_000;
const T0 = Date.UTC(2023, 0, 10);
const SYMBOLS = ['BTC', 'ETH', 'SOL', 'DOGE'];
const config = parseBacktestConfig({ backtest: { trace: 'none' } });
let series: CandleSeries[];
let dir: string;

beforeAll(async () => {
  series = await sampleSeries(SYMBOLS, T0 - 48 * H, T0 + 14 * H);
  dir = mkdtempSync(join(tmpdir(), 'smc-live-universe-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the fake's tickers endpoint serves: symbols to show as suspended, and how often it was asked. */
class TickerControl {
  readonly suspended = new Set<string>();
  requests = 0;

  readonly extension = (app: FastifyInstance): void => {
    app.addHook('onSend', async (req, _reply, payload) => {
      if (req.url.split('?')[0] !== PATHS.tickers || typeof payload !== 'string') return payload;
      this.requests++;
      const body = JSON.parse(payload) as { tickers?: Array<{ symbol: string; suspended?: boolean }> };
      for (const t of body.tickers ?? []) {
        if (this.suspended.has(fromKrakenFuturesSymbol(t.symbol))) t.suspended = true;
      }
      return JSON.stringify(body);
    });
  };
}

/** The runner's candle feed, recording which symbols it fetches (set once the fake's client exists). */
class RecordingFeed {
  readonly calls: Array<{ symbol: string; from: number; at: number }> = [];
  private inner: CandleFeed | null = null;

  use(feed: CandleFeed): void {
    this.inner = feed;
  }

  readonly feed: CandleFeed = {
    closedBars: (symbol, tf, from, now) => {
      if (this.inner === null) throw new Error('RecordingFeed used before use()');
      this.calls.push({ symbol, from, at: now });
      return this.inner.closedBars(symbol, tf, from, now);
    },
  };

  fetchedAt(at: number): string[] {
    return this.calls
      .filter((c) => c.at === at)
      .map((c) => c.symbol)
      .sort();
  }
}

interface Setup {
  r: Replay;
  tickers: TickerControl;
  feed: RecordingFeed;
  alerts: AlertInput[];
  logger: RecordingLogger;
}

async function setup(opts: { storePath?: string; tickers?: TickerControl } = {}): Promise<Setup> {
  const logger = new RecordingLogger();
  const alerts: AlertInput[] = [];
  // the ops layer's alerting logger: seed §7 events logged by the runner and registry become alerts
  const engineLogger = alertingLogger(logger, {
    send: (a) => {
      alerts.push(a);
      return 'queued';
    },
  });
  const tickers = opts.tickers ?? new TickerControl();
  const feed = new RecordingFeed();
  const r = await startReplay({
    series,
    config,
    start: T0,
    logger: engineLogger,
    runner: { historyFrom: T0 - 48 * H, candles: feed.feed },
    extensions: [tickers.extension],
    ...(opts.storePath ? { storePath: opts.storePath } : {}),
  });
  feed.use(exchangeCandleFeed(r.broker.client, 'fake'));
  return { r, tickers, feed, alerts, logger };
}

async function tickAt(r: Replay, t: number) {
  r.clock.t = t;
  return r.runner.tick();
}

describe('universe refresh every 4 h through the MarketRegistry (seed §15)', () => {
  it('a normal refresh removes and adds symbols, on the Clock’s 4 h cadence', async () => {
    const { r, tickers, feed, logger } = await setup();
    try {
      await r.runner.start();
      expect(r.runner.universeSymbols()).toEqual(SYMBOLS);
      expect(tickers.requests).toBe(1);
      expect(logger.has(/^UNIVERSE_INITIALISED universe=4/)).toBe(true);

      tickers.suspended.add('DOGE');
      for (let t = T0; t < T0 + 4 * H; t += H) {
        const s = await tickAt(r, t);
        expect(s.universe).toBe(4); // not due yet: DOGE is still traded
      }
      expect(tickers.requests).toBe(1);

      const removed = await tickAt(r, T0 + 4 * H);
      expect(tickers.requests).toBe(2);
      expect(removed.universe).toBe(3);
      expect(r.runner.universeSymbols()).toEqual(['BTC', 'ETH', 'SOL']);
      expect(logger.has('SYMBOL_REMOVED DOGE')).toBe(true);
      expect(feed.fetchedAt(T0 + 4 * H)).toEqual(['BTC', 'ETH', 'SOL']); // no position in DOGE: not fetched

      tickers.suspended.delete('DOGE');
      for (let t = T0 + 5 * H; t < T0 + 8 * H; t += H) expect((await tickAt(r, t)).universe).toBe(3);
      expect(tickers.requests).toBe(2);

      const added = await tickAt(r, T0 + 8 * H);
      expect(tickers.requests).toBe(3);
      expect(added.universe).toBe(4);
      expect(logger.has('SYMBOL_ADDED DOGE')).toBe(true);
      // DOGE's candles were dropped when it left: its whole history is fetched again on its return
      expect(feed.calls.filter((c) => c.symbol === 'DOGE' && c.at === T0 + 8 * H)).toEqual([
        { symbol: 'DOGE', from: T0 - 48 * H, at: T0 + 8 * H },
      ]);
      const line = logger.records.filter((x) => x.msg.startsWith('CYCLE_SUMMARY')).at(-1);
      expect(line?.msg).toContain('universe=4');
    } finally {
      await r.close();
    }
  });

  it('a shrink is rejected: the universe is unchanged, UNIVERSE_SHRINK_REJECTED is logged and alerted', async () => {
    const { r, tickers, logger, alerts } = await setup();
    try {
      await r.runner.start();
      for (const s of ['BTC', 'ETH', 'SOL']) tickers.suspended.add(s); // 1 of 4 left: < 50 %
      const s = await tickAt(r, T0 + 4 * H);
      expect(s.universe).toBe(4);
      expect(r.runner.universeSymbols()).toEqual(SYMBOLS);
      expect(logger.has(/^UNIVERSE_SHRINK_REJECTED: discovery returned 1 symbols/)).toBe(true);
      expect(logger.has(/^SYMBOL_REMOVED/)).toBe(false);
      const shrink = alerts.filter((a) => a.type === 'UNIVERSE_SHRINK_REJECTED');
      expect(shrink.map((a) => a.fields)).toEqual([{ previous: 4, discovered: 1 }]);

      // a rejection counts as an attempt: the next one is 4 h later, against the same baseline of 4
      await tickAt(r, T0 + 5 * H);
      expect(tickers.requests).toBe(2);
      tickers.suspended.clear();
      tickers.suspended.add('BTC'); // 3 of 4: accepted
      expect((await tickAt(r, T0 + 8 * H)).universe).toBe(3);
      expect(tickers.requests).toBe(3);
    } finally {
      await r.close();
    }
  });

  it('a position in a symbol that leaves the universe is still managed until it closes', async () => {
    const { r, tickers, feed, logger } = await setup();
    try {
      await r.server.ready();
      await r.venue.account.openPositionBehindBack('DOGE', 'short', '10000');
      await r.runner.start();
      const [p] = r.runner.activePositions();
      expect([p.symbol, p.state]).toEqual(['DOGE', 'OPEN']);
      const stops = async () =>
        (await r.broker.openOrders('DOGE')).filter((o) => o.type === 'stop' && o.reduceOnly);
      expect(await stops()).toHaveLength(1);

      tickers.suspended.add('DOGE');
      expect((await tickAt(r, T0 + 4 * H)).universe).toBe(3);
      expect(logger.has('Symbol left the universe: its open position is managed until closed')).toBe(true);
      // out of the universe, its candles are kept and still come (the position is marked and protected
      // on them): bars after the cached ones, not the history again
      expect(feed.calls.filter((c) => c.symbol === 'DOGE' && c.at === T0 + 4 * H)).toEqual([
        { symbol: 'DOGE', from: T0, at: T0 + 4 * H },
      ]);
      await tickAt(r, T0 + 5 * H);
      expect(feed.fetchedAt(T0 + 5 * H)).toEqual(['BTC', 'DOGE', 'ETH', 'SOL']);
      expect(r.runner.activePositions().map((x) => x.symbol)).toEqual(['DOGE']);
      expect(await stops()).toHaveLength(1);

      // the stop fills: the runner closes the position, then lets DOGE's candles go
      const [stop] = await stops();
      r.clock.t = T0 + 5 * H + 60_000;
      await r.venue.account.tick('DOGE', (stop.triggerPrice?.toNumber() ?? 1) * 1.5);
      await tickAt(r, T0 + 5 * H + 60_000);
      expect(r.runner.activePositions()).toEqual([]);
      const [trade] = await r.store.trades();
      expect([trade.symbol, trade.exitReason]).toEqual(['DOGE', 'stop_loss']);
      await tickAt(r, T0 + 6 * H);
      expect(feed.fetchedAt(T0 + 6 * H)).toEqual(['BTC', 'ETH', 'SOL']);
    } finally {
      await r.close();
    }
  });

  it('the accepted universe is the shrink baseline after a restart', async () => {
    const path = join(dir, 'restart.duckdb');
    const first = await setup({ storePath: path });
    try {
      await first.r.runner.start();
      expect(first.r.runner.universeSymbols()).toHaveLength(4);
    } finally {
      await first.r.close();
    }
    const tickers = new TickerControl();
    for (const s of ['BTC', 'ETH', 'SOL']) tickers.suspended.add(s);
    const second = await setup({ storePath: path, tickers });
    try {
      await second.r.runner.start();
      expect(second.logger.has(/^UNIVERSE_SHRINK_REJECTED: discovery returned 1 symbols/)).toBe(true);
      expect(second.r.runner.universeSymbols()).toEqual(SYMBOLS);
    } finally {
      await second.r.close();
    }
  });
});

describe('strategies decide only for symbols in the current universe', () => {
  // the bundled SOL sample: the SMC strategy goes short at the 2023-01-12 23:00 close (runner-scenarios)
  const SIGNAL = Date.UTC(2023, 0, 12, 23);
  const FROM = SIGNAL - 4 * H; // the refresh after startup falls on the signal's tick
  const warmup = new SmcStrategy(config.strategy).warmupBars('1h') * H;

  async function entriesAtSignal(suspendSol: boolean): Promise<{ fills: string[]; universe: number }> {
    const solAndBtc = await sampleSeries(['SOL', 'BTC'], FROM - warmup, SIGNAL + 2 * H);
    const tickers = new TickerControl();
    const r = await startReplay({
      series: solAndBtc,
      config,
      start: FROM,
      logger: new RecordingLogger(),
      instruments: [{ symbol: 'SOL', tickSize: 0.01, contractValueTradePrecision: 2 }],
      runner: { historyFrom: FROM - warmup },
      extensions: [tickers.extension],
    });
    try {
      await r.runner.start();
      await r.runUntil(SIGNAL - H);
      if (suspendSol) tickers.suspended.add('SOL');
      const s = await tickAt(r, SIGNAL);
      const fills = (await r.broker.fills(0)).filter((f) => f.clientId.endsWith('_entry'));
      return { fills: fills.map((f) => `${f.symbol} ${f.side}`), universe: s.universe };
    } finally {
      await r.close();
    }
  }

  it('the SOL signal enters while SOL is in the universe, and is not acted on once SOL has left it', async () => {
    expect(await entriesAtSignal(false)).toEqual({ fills: ['SOL sell'], universe: 2 });
    expect(await entriesAtSignal(true)).toEqual({ fills: [], universe: 1 });
  });
});
