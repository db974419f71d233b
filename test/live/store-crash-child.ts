/**
 * Child process of the live-store crash test: opens the store, acknowledges a few writes on stdout, then
 * dies by SIGKILL without closing anything (no checkpoint, no clean shutdown).
 */
import { Decimal } from 'decimal.js';
import { LiveStore } from '../../live/store/live-store.ts';

const path = process.argv[2];
const store = await LiveStore.open(path);
const id = await store.recordIntent({
  ts: 1_000,
  actionType: 'PLACE_ENTRY',
  positionId: 'sig-BTC-1',
  symbol: 'BTC',
  side: 'buy',
  qty: '0.01',
  price: null,
  clientId: 'sig-BTC-1_entry',
  orderId: null,
  reason: null,
});
await store.recordFills([
  {
    id: 'f-1',
    orderId: 'o-1',
    clientId: 'sig-BTC-1_entry',
    symbol: 'BTC',
    side: 'buy',
    qty: new Decimal('0.01'),
    price: new Decimal('40900.5'),
    fee: new Decimal('0.2045025'),
    liquidity: 'taker',
    reduceOnly: false,
    ts: 2_000,
  },
]);
await store.saveHaltState(
  { active: true, reason: 'MARGIN_CRITICAL', activatedAt: 3_000, detail: 'margin 0.93' },
  3_000,
);
process.stdout.write(`acked ${id}\n`);
process.kill(process.pid, 'SIGKILL');
