import { z } from 'zod';
import type { KrakenFuturesClient } from '../../data/fetch/kraken-client.ts';
import {
  MarketRegistry,
  type MarketRegistryConfigInput,
  type MarketSnapshot,
  type UniverseState,
  type UniverseUpdate,
} from '../../data/markets/index.ts';
import { canonicalSymbol } from '../../data/symbols/symbols.ts';
import type { Logger } from '../../engine/log.ts';
import { InstrumentsResponseSchema } from '../kraken/api/schema/instruments.ts';
import { TickersResponseSchema } from '../kraken/api/schema/tickers.ts';
import { marketSnapshots } from '../kraken/mapper.ts';
import type { JsonValue } from '../store/live-store.ts';

/**
 * The live runner's universe (seed §15): the MarketRegistry classifies the candidate symbols from the
 * venue's tickers at startup and every 4 h; a discovery under half the last accepted one is rejected
 * (UNIVERSE_SHRINK_REJECTED, logged by the registry and raised as an alert by the ops logger) and the old
 * universe kept. The accepted state is persisted so the shrink baseline survives a restart: a venue that
 * answers with half its tickers right after a crash cannot shrink the universe either.
 */

/** Where discovery reads the venue's liquidity. */
export interface UniverseSource {
  snapshots(): Promise<MarketSnapshot[]>;
}

function firstIssue(err: z.ZodError): string {
  const i = err.issues[0];
  return i === undefined ? 'invalid' : `${i.path.join('.') || '(body)'}: ${i.message}`;
}

/**
 * Kraken Futures' tickers (24 h volume, bid/ask, suspended/post-only) joined with its instruments
 * (tradeable), through the ccxt client, as MarketRegistry snapshots (live/kraken/mapper.ts).
 */
export function krakenUniverseSource(client: KrakenFuturesClient): UniverseSource {
  return {
    async snapshots() {
      const [rawTickers, rawInstruments] = await Promise.all([
        client.publicGetTickers(),
        client.publicGetInstruments(),
      ]);
      const tickers = TickersResponseSchema.safeParse(rawTickers);
      if (!tickers.success)
        throw new Error(`Kraken Futures tickers: unexpected response (${firstIssue(tickers.error)})`);
      const instruments = InstrumentsResponseSchema.safeParse(rawInstruments);
      if (!instruments.success)
        throw new Error(`Kraken Futures instruments: unexpected response (${firstIssue(instruments.error)})`);
      return marketSnapshots(tickers.data.tickers, instruments.data.instruments);
    },
  };
}

// JSON has no NaN: a spread the registry could not compute is stored as null.
const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

const PersistedSchema = z.object({
  key: z.string(),
  state: z.object({
    symbols: z.array(
      z.object({
        symbol: z.string(),
        tier: z.enum(['A', 'B', 'C']),
        pinned: z.boolean(),
        volumeUsd24h: z.number().nullable(),
        spreadPct: z.number().nullable(),
      }),
    ),
    lastDiscoverySize: z.number().int().nonnegative(),
    lastRefreshTs: z.number(),
  }),
});

export interface LiveUniverseOptions {
  /** Candidate symbols (seed §16 `candidate_symbols`): the universe is chosen among them. */
  candidates: readonly string[];
  /** Tiers, pinned majors, shrink ratio and refresh interval (data/markets/config.ts). */
  registry: MarketRegistryConfigInput;
  source: UniverseSource;
  /** Gets the registry's UNIVERSE_SHRINK_REJECTED / SYMBOL_ADDED / SYMBOL_REMOVED lines. */
  logger: Logger;
}

/** The outcome of one refresh attempt: null when the venue could not be read (the universe is unchanged). */
export type UniverseRefresh = UniverseUpdate | null;

/**
 * The universe in force and its refresh cadence, over a {@link MarketRegistry}. Time comes from the
 * caller (the runner's Clock), so the 4 h cadence follows a simulated clock in tests.
 */
export class LiveUniverse {
  readonly candidates: readonly string[];
  private registry: MarketRegistry;
  private readonly opts: LiveUniverseOptions;
  /** Persistence key: candidates and registry config. A stored state made under others is ignored. */
  private readonly key: string;
  /** After a failed fetch, no new attempt before this time. */
  private retryAt = Number.NEGATIVE_INFINITY;

  constructor(opts: LiveUniverseOptions) {
    this.opts = opts;
    this.candidates = [...new Set(opts.candidates.map((s) => canonicalSymbol(s)))];
    this.registry = new MarketRegistry(opts.registry, opts.logger);
    this.key = JSON.stringify({ candidates: [...this.candidates].sort(), registry: this.registry.config });
  }

  /** Symbols of the universe in force, in candidate order (empty before the first accepted discovery). */
  symbols(): string[] {
    return this.registry.symbols();
  }

  get state(): UniverseState | null {
    return this.registry.state;
  }

  get refreshIntervalMs(): number {
    return this.registry.config.refreshIntervalMs;
  }

  /** A refresh is due: never refreshed, or the interval passed since the last attempt (and no failed fetch is cooling down). */
  isRefreshDue(now: number): boolean {
    return now >= this.retryAt && this.registry.isRefreshDue(now);
  }

  /**
   * Fetches the venue's snapshots and applies the discovery with shrink protection. A failed fetch is
   * logged and retried after `retryMs`, the universe unchanged.
   */
  async refresh(now: number, retryMs = 300_000): Promise<UniverseRefresh> {
    let snapshots: MarketSnapshot[];
    try {
      snapshots = await this.opts.source.snapshots();
    } catch (err) {
      this.retryAt = now + retryMs;
      this.opts.logger.warn(
        { err: err instanceof Error ? err.message : String(err), retry_in_s: retryMs / 1000 },
        'UNIVERSE_REFRESH_FAILED: venue tickers unavailable — kept the current universe',
      );
      return null;
    }
    this.retryAt = Number.NEGATIVE_INFINITY;
    return this.registry.refresh(this.candidates, snapshots, now);
  }

  /** The state to persist (null before any discovery was accepted). */
  toJson(): JsonValue | null {
    const s = this.registry.state;
    if (s === null) return null;
    return {
      key: this.key,
      state: {
        symbols: s.symbols.map((x) => ({
          symbol: x.symbol,
          tier: x.tier,
          pinned: x.pinned,
          volumeUsd24h: finiteOrNull(x.volumeUsd24h),
          spreadPct: finiteOrNull(x.spreadPct),
        })),
        lastDiscoverySize: s.lastDiscoverySize,
        lastRefreshTs: s.lastRefreshTs,
      },
    };
  }

  /**
   * Takes back a persisted state as the shrink baseline and the universe in force until the next refresh.
   * Returns false (and logs why) when it is malformed or was made under other candidates or config.
   */
  restore(value: JsonValue | undefined): boolean {
    if (value === undefined || value === null) return false;
    const parsed = PersistedSchema.safeParse(value);
    if (!parsed.success) {
      this.opts.logger.warn(
        { err: firstIssue(parsed.error) },
        'Stored universe is malformed: ignored (the next discovery starts a new baseline)',
      );
      return false;
    }
    if (parsed.data.key !== this.key) {
      this.opts.logger.info(
        {},
        'Stored universe was discovered under other candidates or registry settings: ignored',
      );
      return false;
    }
    const s = parsed.data.state;
    const state: UniverseState = {
      symbols: s.symbols.map((x) => ({
        ...x,
        volumeUsd24h: x.volumeUsd24h ?? Number.NaN,
        spreadPct: x.spreadPct ?? Number.NaN,
      })),
      lastDiscoverySize: s.lastDiscoverySize,
      lastRefreshTs: s.lastRefreshTs,
    };
    this.registry = new MarketRegistry(this.registry.config, this.opts.logger, state);
    return true;
  }
}
