import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { pageToSeries } from './fetch-candles.ts';
import { createKrakenFuturesClient, isRetryableExchangeError } from './kraken-client.ts';
import { backoffDelay, DEFAULT_RETRY, RetriesExhaustedError, withRetry } from './retry.ts';

const T0 = Date.UTC(2024, 0, 1);
const M15 = 900_000;
const id = { source: 'krakenfutures', symbol: 'BTC', timeframe: '15m' } as const;

describe('pageToSeries', () => {
  it('keeps rows in [from, end) and treats missing volume (mark candles) as 0', () => {
    const s = pageToSeries(
      [
        [T0 - M15, 1, 2, 0.5, 1.5, 3],
        [T0, 1, 2, 0.5, 1.5, 3],
        [T0 + M15, 1.5, 1.6, 1.4, 1.45, undefined],
        [T0 + 2 * M15, 1, 2, 0.5, 1.5, 3],
      ],
      id,
      T0,
      T0 + 2 * M15,
    );
    expect(Array.from(s.ts)).toEqual([T0, T0 + M15]);
    expect(Array.from(s.volume)).toEqual([3, 0]);
  });

  it.each([
    [[[T0 + 1, 1, 2, 0.5, 1.5, 3]], 'not on the 15m grid'],
    [
      [
        [T0 + M15, 1, 2, 0.5, 1.5, 3],
        [T0, 1, 2, 0.5, 1.5, 3],
      ],
      'not strictly increasing',
    ],
    [
      [
        [T0, 1, 2, 0.5, 1.5, 3],
        [T0, 1, 2, 0.5, 1.5, 3],
      ],
      'not strictly increasing',
    ],
    [[[T0, 1, Number.NaN, 0.5, 1.5, 3]], 'non-finite price'],
    [[[T0, 1, 0.4, 0.5, 0.45, 3]], 'high/low inconsistent'],
    [[[T0, 1, 2, 1.2, 1.5, 3]], 'high/low inconsistent'],
    [[[T0, 1, 2, 0.5, 1.5, -1]], 'volume -1'],
  ])('refuses a bad venue row (%j)', (rows, why) => {
    expect(() => pageToSeries(rows, id, T0, T0 + 10 * M15)).toThrow(why);
  });
});

describe('withRetry', () => {
  const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250 };

  it('backs off exponentially, capped', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(policy, a))).toEqual([100, 200, 250, 250]);
    expect(DEFAULT_RETRY.maxAttempts).toBe(5);
  });

  it('retries retryable errors and returns the first success', async () => {
    const waits: number[] = [];
    let calls = 0;
    const v = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new ccxt.ExchangeNotAvailable('503');
        return 'ok';
      },
      policy,
      { isRetryable: isRetryableExchangeError, sleep: async (ms) => void waits.push(ms) },
      () => 'x',
    );
    expect([v, calls, waits]).toEqual(['ok', 3, [100, 200]]);
  });

  it('gives up after maxAttempts with the last error as cause', async () => {
    let calls = 0;
    const p = withRetry(
      async () => {
        calls++;
        throw new ccxt.RequestTimeout(`timeout ${calls}`);
      },
      policy,
      { isRetryable: isRetryableExchangeError, sleep: async () => {} },
      () => 'fetchOHLCV BTC',
    );
    await expect(p).rejects.toBeInstanceOf(RetriesExhaustedError);
    await expect(p).rejects.toThrow('fetchOHLCV BTC failed after 4 attempts: timeout 4');
    expect(calls).toBe(4);
  });

  it('rethrows a non-retryable error at once, unchanged', async () => {
    const bad = new ccxt.BadSymbol('no such market');
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw bad;
        },
        policy,
        { isRetryable: isRetryableExchangeError },
        () => 'x',
      ),
    ).rejects.toBe(bad);
    expect(calls).toBe(1);
  });

  it('classifies ccxt errors: network-ish retry, others do not', () => {
    expect(isRetryableExchangeError(new ccxt.DDoSProtection('429'))).toBe(true);
    expect(isRetryableExchangeError(new ccxt.RateLimitExceeded('x'))).toBe(true);
    expect(isRetryableExchangeError(new ccxt.NetworkError('ECONNRESET'))).toBe(true);
    expect(isRetryableExchangeError(new ccxt.AuthenticationError('x'))).toBe(false);
    expect(isRetryableExchangeError(new Error('x'))).toBe(false);
  });
});

describe('createKrakenFuturesClient', () => {
  it('keeps the real host by default and throttles only there', () => {
    const real = createKrakenFuturesClient();
    expect(real.urls.api).toMatchObject({ charts: 'https://futures.kraken.com/api/charts/' });
    expect(real.enableRateLimit).toBe(true);
    const local = createKrakenFuturesClient({ baseUrl: 'http://127.0.0.1:9/' });
    expect(local.urls.api).toMatchObject({
      charts: 'http://127.0.0.1:9/api/charts/',
      private: 'http://127.0.0.1:9/derivatives/api/',
    });
    expect(local.enableRateLimit).toBe(false);
  });

  it('refuses a malformed exchange URL naming the flag', () => {
    expect(() => createKrakenFuturesClient({ baseUrl: 'not a url' })).toThrow(UserError);
    expect(() => createKrakenFuturesClient({ baseUrl: 'not a url' })).toThrow("--exchange-url 'not a url'");
    expect(() => createKrakenFuturesClient({ baseUrl: 'ftp://x' })).toThrow('must start with http');
  });
});
