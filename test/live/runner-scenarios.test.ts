import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../data/candles/series.ts';
import { parseBacktestConfig } from '../../engine/backtest/config.ts';
import { BrokerError } from '../../engine/broker.ts';
import { RecordingLogger } from '../../engine/log.ts';
import { SmcStrategy } from '../../strategies/smc/pipeline.ts';
import { type Replay, sampleSeries, startReplay } from './runner-kit.ts';

/**
 * Seed-bug scenarios through the whole live stack: runner → KrakenFuturesBroker → ccxt → fake exchange,
 * replaying the bundled SOL sample, where the SMC strategy goes short at the 2023-01-12 23:00 close.
 */

const H = 3_600_000;
const SIGNAL = Date.UTC(2023, 0, 12, 23);
const config = parseBacktestConfig({ backtest: { trace: 'none' } });
const warmup = new SmcStrategy(config.strategy).warmupBars('1h') * H;
const FROM = SIGNAL - 4 * H;
let series: CandleSeries[];
let dir: string;

beforeAll(async () => {
  series = await sampleSeries(['SOL'], FROM - warmup, SIGNAL + 6 * H);
  dir = mkdtempSync(join(tmpdir(), 'smc-live-scenarios-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function replay(
  logger: RecordingLogger,
  runner: Record<string, unknown> = {},
  storePath?: string,
  extensions: ReadonlyArray<(app: FastifyInstance) => void> = [],
): Promise<Replay> {
  return startReplay({
    series,
    config,
    start: FROM,
    logger,
    instruments: [{ symbol: 'SOL', tickSize: 0.01, contractValueTradePrecision: 2 }],
    runner: { historyFrom: FROM - warmup, ...runner },
    extensions,
    ...(storePath ? { storePath } : {}),
  });
}

const entryFills = async (r: Replay) =>
  (await r.broker.fills(0)).filter((f) => f.clientId.endsWith('_entry'));

describe('seed Bug 3: restart with a stale registry', () => {
  it('real positions are imported as OPEN and protected, none is closed', async () => {
    const logger = new RecordingLogger();
    const r = await replay(logger);
    try {
      await r.server.ready();
      // the exchange holds a SOL short the (empty, stale) store knows nothing of
      await r.venue.account.openPositionBehindBack('SOL', 'short', '40');
      await r.runner.start();
      expect(logger.has(/^PHANTOM: exchange has a position/)).toBe(true);
      expect(logger.has('PHANTOM imported as OPEN position')).toBe(true);
      const [p] = r.runner.activePositions();
      expect([p.symbol, p.side, p.state, p.origin, p.remainingQty.toString()]).toEqual([
        'SOL',
        'short',
        'OPEN',
        'PHANTOM_IMPORT',
        '40',
      ]);
      const pos = await r.broker.positions();
      expect(pos.map((x) => [x.symbol, x.side, x.qty.toString()])).toEqual([['SOL', 'short', '40']]);
      const stops = (await r.broker.openOrders('SOL')).filter((o) => o.type === 'stop' && o.reduceOnly);
      expect(stops.map((o) => [o.side, o.qty.toString()])).toEqual([['buy', '40']]);
      expect(logger.has('flatten_orphan')).toBe(false);
    } finally {
      await r.close();
    }
  });
});

describe('seed Bug 6: instant fill before sync', () => {
  it('layer 1: the PENDING entry adopts the exchange quantity; no second entry on later cycles', async () => {
    const logger = new RecordingLogger();
    const r = await replay(logger);
    try {
      await r.runner.start();
      await r.runUntil(SIGNAL + 5 * H);
      expect(
        logger.has('PENDING_ADOPTED: PENDING position adopted the exchange quantity via synthetic fill'),
      ).toBe(true);
      expect(await entryFills(r)).toHaveLength(1);
      const positions = await r.broker.positions();
      expect(positions.map((p) => p.symbol)).toEqual([]); // stopped out at 2023-01-13 00:15, as in the backtest
      expect(logger.has('Execution failed')).toBe(false);
    } finally {
      await r.close();
    }
  });

  it('layer 2: exchange exposure the registry does not know blocks the entry', async () => {
    const logger = new RecordingLogger();
    const r = await replay(logger, { reconcileEveryMs: 24 * H });
    try {
      await r.runner.start();
      await r.runUntil(SIGNAL - H);
      await r.venue.account.openPositionBehindBack('SOL', 'short', '10');
      await r.runUntil(SIGNAL);
      expect(logger.has(/Exchange has live exposure for SOL .*Blocking new entry/)).toBe(true);
      expect(await entryFills(r)).toHaveLength(0);
    } finally {
      await r.close();
    }
  });
});

describe('crash and restart (SIGKILL mid-cycle)', () => {
  it('killed while its entry order is in flight: restarted, no duplicate order, no lost fill, no naked position', async () => {
    const path = join(dir, 'crash.duckdb');
    const logger = new RecordingLogger();
    let child: ReturnType<typeof spawn> | null = null;
    // the venue takes the entry, then the runner dies before it hears back
    const killOnEntry = (app: FastifyInstance) => {
      app.addHook('onSend', async (req, _reply, payload) => {
        if (req.url.includes('/sendorder') && req.url.includes('_entry') && child?.pid) child.kill('SIGKILL');
        return payload;
      });
    };
    const r = await replay(logger, {}, path, [killOnEntry]);
    await r.store.close(); // the child owns the file until it dies
    try {
      child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'test/live/runner-child.ts',
          r.server.url ?? '',
          path,
          String(FROM),
          String(FROM - warmup),
          String(SIGNAL + 3 * H),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout?.on('data', (b) => {
        out += String(b);
      });
      child.stderr?.on('data', (b) => {
        out += String(b);
      });
      const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
        child?.on('exit', (_c, sig) => resolve(sig)),
      );
      expect(signal, out).toBe('SIGKILL');
      expect(r.clock.t).toBe(SIGNAL);
      expect(await entryFills(r)).toHaveLength(1);

      const { LiveStore } = await import('../../live/store/live-store.ts');
      const store = await LiveStore.open(path);
      const pending = await store.intents({ pendingOnly: true });
      expect(pending.map((i) => i.actionType)).toEqual(['PLACE_ENTRY']);
      const { LiveRunner } = await import('../../live/runner/runner.ts');
      const { exchangeCandleFeed } = await import('../../live/runner/candle-feed.ts');
      const runner = new LiveRunner({
        config,
        symbols: ['SOL'],
        baseTimeframe: '1h',
        broker: r.broker,
        candles: exchangeCandleFeed(r.broker.client, 'fake'),
        store,
        clock: { now: () => r.clock.t },
        logger,
        historyFrom: FROM - warmup,
      });
      try {
        r.clock.t = SIGNAL + 10 * 60_000; // back ten minutes later
        await runner.start();
        expect(logger.has('Pending intent found at the venue: attached')).toBe(true);
        await runner.tick();
        expect(await entryFills(r)).toHaveLength(1); // no duplicate entry
        const venueFills = await r.broker.fills(0);
        expect((await store.fills()).map((f) => f.id)).toEqual(
          expect.arrayContaining(venueFills.map((f) => f.id)),
        );
        const [p] = runner.activePositions();
        expect([p.symbol, p.side, p.state]).toEqual(['SOL', 'short', 'OPEN']);
        const stops = (await r.broker.openOrders('SOL')).filter((o) => o.type === 'stop' && o.reduceOnly);
        expect(stops.map((o) => o.qty.toString())).toEqual([p.remainingQty.toString()]);
        expect(await store.intents({ pendingOnly: true })).toEqual([]);
      } finally {
        await store.close();
      }
    } finally {
      await r.server.stop();
    }
  });
});

describe('a wrong API secret', () => {
  it('stops the runner at startup with a clear authentication error; nothing is traded', async () => {
    const logger = new RecordingLogger();
    const r = await replay(logger);
    try {
      const { KrakenFuturesBroker } = await import('../../live/kraken/broker.ts');
      const { LiveRunner } = await import('../../live/runner/runner.ts');
      const { exchangeCandleFeed } = await import('../../live/runner/candle-feed.ts');
      const bad = KrakenFuturesBroker.create({
        baseUrl: r.server.url ?? '',
        apiKey: 'test-key',
        secret: Buffer.from('nope').toString('base64'),
      });
      const runner = new LiveRunner({
        config,
        symbols: ['SOL'],
        baseTimeframe: '1h',
        broker: bad,
        candles: exchangeCandleFeed(bad.client, 'fake'),
        store: r.store,
        clock: { now: () => r.clock.t },
        logger,
      });
      const err = await runner.start().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BrokerError);
      expect((err as BrokerError).kind).toBe('authentication');
      expect(r.server.faults.stats.requests.private).toBe(1);
      expect(await r.broker.fills(0)).toEqual([]);
    } finally {
      await r.close();
    }
  });
});
