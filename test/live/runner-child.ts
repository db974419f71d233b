/**
 * Child process of the crash test (runner-scenarios.test.ts): a live runner on the parent's fake exchange
 * and a store file, ticking bar by bar and moving the parent's clock through `/_test/clock`. The parent
 * kills it with SIGKILL mid-cycle.
 *
 * argv: URL STORE_PATH START HISTORY_FROM UNTIL
 */
import { createKrakenFuturesClient } from '../../data/fetch/kraken-client.ts';
import { parseBacktestConfig } from '../../engine/backtest/config.ts';
import { silentLogger } from '../../engine/log.ts';
import { KrakenFuturesBroker } from '../../live/kraken/broker.ts';
import { exchangeCandleFeed } from '../../live/runner/candle-feed.ts';
import { LiveRunner } from '../../live/runner/runner.ts';
import { LiveStore } from '../../live/store/live-store.ts';
import { API_KEY, API_SECRET } from './fake-kit.ts';

const [url, storePath, start, historyFrom, until] = process.argv.slice(2);
let t = Number(start);
const setClock = async (v: number) => {
  const res = await fetch(`${url}/_test/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ t: v }),
  });
  if (!res.ok) throw new Error(`clock: HTTP ${res.status}`);
};
await setClock(t);
const client = createKrakenFuturesClient({ baseUrl: url, apiKey: API_KEY, secret: API_SECRET });
const runner = new LiveRunner({
  config: parseBacktestConfig({ backtest: { trace: 'none' } }),
  symbols: ['SOL'],
  baseTimeframe: '1h',
  broker: new KrakenFuturesBroker({ client, now: () => t }),
  candles: exchangeCandleFeed(client, 'fake'),
  store: await LiveStore.open(storePath),
  clock: { now: () => t },
  logger: silentLogger,
  historyFrom: Number(historyFrom),
});
await runner.start();
for (; t <= Number(until); t += 3_600_000) {
  await setClock(t);
  await runner.tick();
}
process.stdout.write('finished without being killed\n');
