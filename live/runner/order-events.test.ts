import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { Broker, Fill } from '../../engine/broker.ts';
import type { EngineEvent } from '../../engine/events.ts';
import { RecordingLogger } from '../../engine/log.ts';
import { OrderEventSource } from './order-events.ts';

const H = 3_600_000;
const T0 = Date.UTC(2023, 0, 24, 23);

function fill(id: string, ts: number): Fill {
  return {
    id,
    orderId: `o-${id}`,
    clientId: `c-${id}`,
    symbol: 'ETH',
    side: 'buy',
    qty: new Decimal('1.492'),
    price: new Decimal('1561.8'),
    fee: new Decimal(0),
    liquidity: 'taker',
    reduceOnly: false,
    ts,
  };
}

/** A venue's fill history, read the way KrakenFuturesBroker.fills reads it: every fill at or after `since`. */
function venue(history: Fill[]): { broker: Broker; reads: number[] } {
  const reads: number[] = [];
  const part: Pick<Broker, 'openOrders' | 'fills'> = {
    openOrders: async () => [],
    fills: async (since: number) => {
      reads.push(since);
      return history.filter((f) => f.ts >= since);
    },
  };
  // poll() reads open orders and fills only
  return { broker: part as unknown as Broker, reads };
}

describe('session-2 bug: an old fill re-reported every tick once newer fills arrive', () => {
  // Found by the alert-sink bench: a month of paper trading re-applied an ETH entry fill 239 times; the
  // position's quantity grew by one fill per tick and its stop was replaced every bar. The runner reads
  // fills since its start on every poll, while the de-duplication forgot fills older than the newest
  // one minus two hours.
  it('each fill becomes exactly one event, however long the runner runs', async () => {
    const history = [fill('eth-entry', T0)];
    const v = venue(history);
    const src = new OrderEventSource({ logger: new RecordingLogger() });
    const events: EngineEvent[] = [];
    src.subscribe((e) => events.push(e));
    const since = T0 - 2 * H; // the runner passes its start minus one bar, every time
    await src.poll(v.broker, T0 + H, since);
    history.push(fill('bnb-stop', T0 + 3 * H));
    for (let k = 4; k < 12; k++) await src.poll(v.broker, T0 + k * H, since);
    expect(events.map((e) => (e.kind === 'order_filled' ? e.fill.id : e.kind))).toEqual([
      'eth-entry',
      'bnb-stop',
    ]);
  });

  it('reads back only a look-back before the newest fill, not the whole history since start', async () => {
    const history = [fill('a', T0), fill('b', T0 + 5 * H)];
    const v = venue(history);
    const src = new OrderEventSource({ logger: new RecordingLogger(), lookbackMs: H });
    await src.poll(v.broker, T0 + 6 * H, T0 - H);
    await src.poll(v.broker, T0 + 7 * H, T0 - H);
    expect(v.reads).toEqual([T0 - H, T0 + 4 * H]);
  });
});
