import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import {
  type Account,
  type Broker,
  BrokerError,
  type Instrument,
  type Order,
  type OrderRequest,
  type Position,
} from '../../engine/broker.ts';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import type { ManagedPosition } from '../../engine/positions/types.ts';
import { type ObservableStore, observeBroker, observeStore } from './observe.ts';

const d = (x: string) => new Decimal(x);

/** A broker with a true private field: the proxy must call methods on the original object. */
class PrivateBroker implements Broker {
  #calls = 0;
  fail: BrokerError | null = null;
  extra(): number {
    return this.#calls;
  }
  async instruments(): Promise<Instrument[]> {
    this.#calls++;
    return [];
  }
  async submitOrder(req: OrderRequest): Promise<Order> {
    this.#calls++;
    if (this.fail) throw this.fail;
    return {
      ...req,
      id: 'o1',
      status: 'open',
      filledQty: d('0'),
      avgFillPrice: null,
      createdAt: 0,
      updatedAt: 0,
    };
  }
  async cancelOrder(): Promise<void> {
    this.#calls++;
  }
  async openOrders(): Promise<Order[]> {
    return [];
  }
  async positions(): Promise<Position[]> {
    this.#calls++;
    return [
      {
        symbol: 'BTC',
        side: 'long',
        qty: d('1'),
        entryPrice: d('100'),
        currentMarkPrice: d('101'),
        unrealizedPnl: d('1'),
        margin: d('20'),
        leverage: 5,
      },
    ];
  }
  async account(): Promise<Account> {
    this.#calls++;
    return {
      equity: d('1000'),
      balance: d('999'),
      marginUsed: d('20'),
      availableMargin: d('980'),
      marginUtilization: 0.02,
    };
  }
  async fills() {
    return [];
  }
  async ticker() {
    return { symbol: 'BTC', bid: d('1'), ask: d('1'), last: d('1'), mark: d('1'), ts: 0 };
  }
}

const req: OrderRequest = {
  clientId: 'c1',
  symbol: 'BTC',
  side: 'buy',
  type: 'market',
  qty: d('1'),
  reduceOnly: false,
};

describe('observeBroker', () => {
  it('reports account, positions and order outcomes, passing results and errors through unchanged', async () => {
    const inner = new PrivateBroker();
    const seen: string[] = [];
    const b = observeBroker(inner, {
      account: (a) => seen.push(`account ${a.equity}`),
      positions: (ps) => seen.push(`positions ${ps.length}`),
      order: (r, outcome) => seen.push(`order ${r.type} ${outcome}`),
    });
    expect((await b.account()).equity.toString()).toBe('1000');
    expect(await b.positions()).toHaveLength(1);
    expect((await b.submitOrder(req)).id).toBe('o1');
    inner.fail = new BrokerError('insufficient_funds', 'no margin');
    await expect(b.submitOrder(req)).rejects.toBe(inner.fail);
    await b.cancelOrder();
    // methods of the concrete class stay reachable, on the original object (private fields work)
    expect(b.extra()).toBe(5);
    expect(seen).toEqual([
      'account 1000',
      'positions 1',
      'order market ok',
      'order market insufficient_funds',
    ]);
  });
});

describe('observeStore', () => {
  const trade = { symbol: 'BTC', netPnl: '5' } as TradeRecord;
  const pos = { id: 'p1', state: 'OPEN' } as ManagedPosition;

  function store(isNew: boolean[]): ObservableStore & { writes: string[] } {
    const writes: string[] = [];
    return {
      writes,
      loadPositions: async () => [pos],
      savePosition: async (p) => {
        writes.push(`save ${p.id}`);
      },
      recordTrade: async () => {
        writes.push('trade');
        return isNew.shift() ?? false;
      },
    };
  }

  it('reports restored positions, saved positions after the write, and only first-time trades', async () => {
    const s = store([true, false]);
    const seen: string[] = [];
    const o = observeStore(s, {
      loaded: (ps) => seen.push(`loaded ${ps.length}`),
      positionSaved: (p) => seen.push(`saved ${p.id} after ${s.writes.length} write(s)`),
      tradeRecorded: (t) => seen.push(`trade ${t.symbol}`),
    });
    await o.loadPositions();
    await o.savePosition(pos);
    expect(await o.recordTrade(trade)).toBe(true);
    expect(await o.recordTrade(trade)).toBe(false); // re-recorded after a restart: no second alert
    expect(seen).toEqual(['loaded 1', 'saved p1 after 1 write(s)', 'trade BTC']);
  });

  it('a failed write is not reported', async () => {
    const s = store([]);
    s.savePosition = async () => {
      throw new Error('disk full');
    };
    const seen: string[] = [];
    const o = observeStore(s, {
      loaded: () => {},
      positionSaved: (p) => seen.push(p.id),
      tradeRecorded: () => {},
    });
    await expect(o.savePosition(pos)).rejects.toThrow('disk full');
    expect(seen).toEqual([]);
  });
});
