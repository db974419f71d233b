import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { type BacktestConfig, parseBacktestConfig } from '../../engine/backtest/config.ts';
import type { Broker, Order, OrderRequest } from '../../engine/broker.ts';
import { RecordingLogger } from '../../engine/log.ts';
import type { IntentRecord } from '../../engine/positions/actions.ts';
import { executeAction } from '../../engine/positions/execute.ts';
import type { KrakenFuturesBroker } from '../../live/kraken/broker.ts';
import type { LiveStore } from '../../live/store/live-store.ts';
import { SmcStrategy } from '../../strategies/smc/pipeline.ts';
import { sampleSeries, startReplay } from './runner-kit.ts';

/**
 * Session-1 finding: the Trader hands its write-ahead intent hook to `executeAction`, which calls it
 * without awaiting (engine/positions/execute.ts), so an intent write may still be in flight when its order
 * leaves. The live runner must not depend on that: its broker commits every queued store write before an
 * order or cancel leaves (live/runner/order-events.ts `TrackingBroker`, `beforeSend` = `LiveRunner.flush`),
 * and a failed write stops the order. These tests hold the runner to it with a slow store.
 */

const H = 3_600_000;
const TRADE_FROM = Date.UTC(2023, 0, 12, 12);
const END = Date.UTC(2023, 0, 14);
const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function replayWith(opts: {
  config: BacktestConfig;
  /** Wraps the store's intent writes. */
  recordIntent: (write: () => Promise<number>, r: IntentRecord) => Promise<number>;
  /** Called with every order the venue is about to receive. */
  onSubmit: (req: OrderRequest, store: LiveStore) => Promise<void>;
}): Promise<{ logger: RecordingLogger }> {
  const warmup = new SmcStrategy(opts.config.strategy).warmupBars('1h') * H;
  const series = await sampleSeries(['SOL'], TRADE_FROM - warmup, END);
  const logger = new RecordingLogger();
  const replay = await startReplay({
    series,
    config: opts.config,
    start: TRADE_FROM,
    logger,
    instruments: [{ symbol: 'SOL', tickSize: 0.01, contractValueTradePrecision: 2 }],
    runner: { historyFrom: TRADE_FROM - warmup, reconcileEveryMs: Number.POSITIVE_INFINITY },
  });
  // the runner was built with replay.store and replay.broker: patch both in place (same objects)
  const store = replay.store;
  const write = store.recordIntent.bind(store);
  store.recordIntent = (r: IntentRecord) => opts.recordIntent(() => write(r), r);
  const broker = replay.broker as KrakenFuturesBroker;
  const submit = broker.submitOrder.bind(broker);
  broker.submitOrder = async (req: OrderRequest): Promise<Order> => {
    await opts.onSubmit(req, store);
    return submit(req);
  };
  try {
    await replay.runner.start();
    await replay.runUntil(END - H);
  } finally {
    await replay.close();
  }
  return { logger };
}

describe('write-ahead intents in the live runner: on disk before the order leaves', () => {
  const config = parseBacktestConfig({ backtest: { trace: 'none' } });

  it('with slow intent writes, every order the venue receives has its intent stored already', async () => {
    const sent: string[] = [];
    const unwritten: string[] = [];
    await replayWith({
      config,
      recordIntent: async (write) => {
        await delay(15);
        return write();
      },
      onSubmit: async (req, store) => {
        sent.push(req.clientId);
        const stored = new Set((await store.intents()).map((i) => i.clientId));
        if (!stored.has(req.clientId)) unwritten.push(req.clientId);
      },
    });
    expect(sent.length).toBeGreaterThanOrEqual(3); // an entry, its stop and take-profits
    expect(unwritten).toEqual([]);
  }, 30_000);

  it('an intent the store refuses: its order never leaves', async () => {
    const sent: string[] = [];
    let refused: string | null = null;
    const { logger } = await replayWith({
      config,
      recordIntent: async (write, r) => {
        if (refused === null && r.actionType === 'PLACE_STOP') {
          refused = r.clientId;
          throw new Error('disk full');
        }
        return write();
      },
      onSubmit: async (req) => {
        sent.push(req.clientId);
      },
    });
    expect(refused).not.toBeNull();
    expect(sent).not.toContain(refused);
    expect(logger.has('Live store write failed')).toBe(true);
  }, 30_000);
});

/**
 * The engine half: the write-ahead hook `executeAction` is given is awaited before the order is sent
 * (engine/positions/execute.ts; engine/trader.ts `writeAheadIntent` returns the hook's promise).
 */
describe('engine: executeAction awaits its write-ahead hook', () => {
  it('the intent is written before the order reaches the broker', async () => {
    const written: string[] = [];
    let writtenAtSend: boolean | null = null;
    const broker = {
      submitOrder: async (req: OrderRequest): Promise<Order> => {
        writtenAtSend = written.includes(req.clientId);
        return {
          ...req,
          id: 'o1',
          status: 'open',
          filledQty: new Decimal(0),
          avgFillPrice: null,
          createdAt: 0,
          updatedAt: 0,
        };
      },
    } as unknown as Broker;
    await executeAction(
      broker,
      {
        type: 'PLACE_ENTRY',
        positionId: 'p1',
        symbol: 'SOL',
        side: 'buy',
        qty: new Decimal(1),
        clientId: 'p1_entry',
      },
      {
        logger: new RecordingLogger(),
        now: 0,
        recordIntent: async (r) => {
          await delay(5);
          written.push(r.clientId ?? '');
        },
      },
    );
    expect(writtenAtSend).toBe(true);
  });
});
