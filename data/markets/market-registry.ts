import { canonicalSymbol } from '../symbols/symbols.ts';
import {
  type MarketRegistryConfig,
  type MarketRegistryConfigInput,
  parseMarketRegistryConfig,
} from './config.ts';

/**
 * MarketRegistry: the single authority on what may be traded and at which tier (seed §2). Pure: the
 * caller fetches market data and supplies `now`; nothing here does I/O or reads a clock.
 */

export type Tier = 'A' | 'B' | 'C';

/**
 * The logger the registry writes to. The engine's Logger, pino and RecordingLogger all satisfy it (data/
 * cannot import engine/log.ts, so the shape is repeated here).
 */
export interface MarketLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

const quietLogger: MarketLogger = { info() {}, warn() {} };

/** Liquidity of one perpetual at discovery time, in venue-neutral terms (live/kraken/mapper.ts makes it). */
export interface MarketSnapshot {
  /** Any symbol form; canonicalised. */
  symbol: string;
  /** 24 h futures volume in USD. */
  volumeUsd24h: number;
  bid: number;
  ask: number;
  /** Listed and open for trading (not suspended, not post-only). */
  tradeable: boolean;
}

export type ExclusionReason = 'NOT_LISTED' | 'NOT_TRADEABLE' | 'NO_MARKET_DATA' | 'BELOW_TIER_C';

export interface TieredSymbol {
  symbol: string;
  tier: Tier;
  /** True for a pinned major that skipped the filters. */
  pinned: boolean;
  volumeUsd24h: number;
  spreadPct: number;
}

export interface Exclusion {
  symbol: string;
  reason: ExclusionReason;
  detail: string;
}

export interface Discovery {
  /** Eligible symbols, in candidate order. */
  symbols: TieredSymbol[];
  excluded: Exclusion[];
}

/** Spread in percent of mid, or NaN when the book is missing or crossed. */
export function spreadPct(bid: number, ask: number): number {
  if (!(Number.isFinite(bid) && Number.isFinite(ask) && bid > 0 && ask >= bid)) return Number.NaN;
  return ((ask - bid) / ((ask + bid) / 2)) * 100;
}

/**
 * The tier of one market, or the reason it is excluded. Tiers are tried from A down; a market needs both
 * its volume floor and its spread ceiling.
 */
export function classifyMarket(
  snap: MarketSnapshot,
  config: MarketRegistryConfig,
  log: MarketLogger = quietLogger,
): TieredSymbol | Exclusion {
  const symbol = canonicalSymbol(snap.symbol);
  const spread = spreadPct(snap.bid, snap.ask);
  if (!snap.tradeable) return { symbol, reason: 'NOT_TRADEABLE', detail: 'suspended or not tradeable' };
  const pinned = config.pinnedTierA.some((p) => canonicalSymbol(p) === symbol);
  if (pinned) {
    log.info(
      { symbol, volume_usd_24h: snap.volumeUsd24h, spread_pct: spread },
      'Tier A coin bypassing filters (trusted major)',
    );
    return { symbol, tier: 'A', pinned: true, volumeUsd24h: snap.volumeUsd24h, spreadPct: spread };
  }
  if (!Number.isFinite(snap.volumeUsd24h) || Number.isNaN(spread)) {
    return {
      symbol,
      reason: 'NO_MARKET_DATA',
      detail: `volume_usd_24h=${snap.volumeUsd24h} bid=${snap.bid} ask=${snap.ask}`,
    };
  }
  for (const tier of ['A', 'B', 'C'] as const) {
    const t = config.tiers[tier];
    if (snap.volumeUsd24h >= t.minVolumeUsd && spread <= t.maxSpreadPct) {
      return { symbol, tier, pinned: false, volumeUsd24h: snap.volumeUsd24h, spreadPct: spread };
    }
  }
  const c = config.tiers.C;
  return {
    symbol,
    reason: 'BELOW_TIER_C',
    detail:
      `volume $${Math.round(snap.volumeUsd24h)} (needs ≥ $${c.minVolumeUsd}), ` +
      `spread ${spread.toFixed(3)}% (needs ≤ ${c.maxSpreadPct}%)`,
  };
}

function isTiered(x: TieredSymbol | Exclusion): x is TieredSymbol {
  return 'tier' in x;
}

/**
 * Classifies every candidate (the config's flat `candidate_symbols`, seed §16) against the venue's
 * snapshots. A candidate the venue does not list is excluded as NOT_LISTED — pinned majors too: pinning
 * skips the liquidity filters, it cannot make a market exist.
 */
export function discoverUniverse(
  candidates: readonly string[],
  snapshots: readonly MarketSnapshot[],
  config: MarketRegistryConfig,
  log: MarketLogger = quietLogger,
): Discovery {
  const bySymbol = new Map<string, MarketSnapshot>();
  for (const s of snapshots) bySymbol.set(canonicalSymbol(s.symbol), s);
  const seen = new Set<string>();
  const out: Discovery = { symbols: [], excluded: [] };
  for (const raw of candidates) {
    const symbol = canonicalSymbol(raw);
    if (seen.has(symbol)) continue;
    seen.add(symbol);
    const snap = bySymbol.get(symbol);
    if (!snap) {
      out.excluded.push({ symbol, reason: 'NOT_LISTED', detail: 'no perpetual on the venue' });
      continue;
    }
    const r = classifyMarket(snap, config, log);
    if (isTiered(r)) out.symbols.push(r);
    else out.excluded.push(r);
  }
  return out;
}

/** The universe in force, and what the shrink check compares against. */
export interface UniverseState {
  symbols: readonly TieredSymbol[];
  /** Size of the last ACCEPTED discovery: the shrink baseline (never the candidate list). */
  lastDiscoverySize: number;
  /** Time of the last refresh attempt, accepted or rejected; drives the 4 h cadence. */
  lastRefreshTs: number;
}

export type UniverseEvent =
  | 'UNIVERSE_INITIALISED'
  | 'UNIVERSE_UPDATED'
  | 'UNIVERSE_SHRINK_REJECTED'
  | 'UNIVERSE_EMPTY_REJECTED';

export interface UniverseUpdate {
  state: UniverseState | null;
  accepted: boolean;
  event: UniverseEvent;
  added: string[];
  removed: string[];
  /** Symbols whose tier changed: [symbol, from, to]. */
  tierChanged: Array<[string, Tier, Tier]>;
}

/**
 * Applies a discovery to the current universe (seed §15.2). A discovery smaller than
 * `shrinkRejectRatio` × the last accepted discovery is rejected and the old universe kept — compared with
 * the last discovery, not the initial candidate list (243 candidates vs ~45 eligible would always
 * "shrink"). A rejected discovery does not become the baseline, so two bad answers in a row cannot ratchet
 * the universe down. An empty discovery is always rejected. Rejections still count as a refresh attempt
 * (the next try is one interval later, as in the seed).
 */
export function applyDiscovery(
  previous: UniverseState | null,
  discovery: Discovery,
  now: number,
  config: MarketRegistryConfig,
  log: MarketLogger = quietLogger,
): UniverseUpdate {
  const size = discovery.symbols.length;
  const reject = (event: UniverseEvent, fields: object, msg: string): UniverseUpdate => {
    log.warn(fields, msg);
    return {
      state: previous ? { ...previous, lastRefreshTs: now } : null,
      accepted: false,
      event,
      added: [],
      removed: [],
      tierChanged: [],
    };
  };
  if (size === 0) {
    return reject(
      'UNIVERSE_EMPTY_REJECTED',
      { new_size: 0, last_size: previous?.lastDiscoverySize ?? 0 },
      'UNIVERSE_EMPTY_REJECTED: discovery returned no eligible symbols — kept old universe',
    );
  }
  if (previous && size < config.shrinkRejectRatio * previous.lastDiscoverySize) {
    return reject(
      'UNIVERSE_SHRINK_REJECTED',
      { new_size: size, last_size: previous.lastDiscoverySize, ratio: config.shrinkRejectRatio },
      `UNIVERSE_SHRINK_REJECTED: discovery returned ${size} symbols, < ${config.shrinkRejectRatio * 100}% of last discovery (${previous.lastDiscoverySize}) — kept old universe`,
    );
  }
  const before = new Map((previous?.symbols ?? []).map((s) => [s.symbol, s]));
  const after = new Map(discovery.symbols.map((s) => [s.symbol, s]));
  const added = discovery.symbols.filter((s) => !before.has(s.symbol)).map((s) => s.symbol);
  const removed = [...before.keys()].filter((s) => !after.has(s));
  const tierChanged: Array<[string, Tier, Tier]> = [];
  for (const s of discovery.symbols) {
    const old = before.get(s.symbol);
    if (old && old.tier !== s.tier) tierChanged.push([s.symbol, old.tier, s.tier]);
  }
  if (previous) {
    for (const symbol of added) log.info({ symbol, tier: after.get(symbol)?.tier }, `SYMBOL_ADDED ${symbol}`);
    for (const symbol of removed)
      log.info({ symbol, tier: before.get(symbol)?.tier }, `SYMBOL_REMOVED ${symbol}`);
  }
  return {
    state: { symbols: discovery.symbols, lastDiscoverySize: size, lastRefreshTs: now },
    accepted: true,
    event: previous ? 'UNIVERSE_UPDATED' : 'UNIVERSE_INITIALISED',
    added,
    removed,
    tierChanged,
  };
}

/** True when a discovery refresh is due (seed §15.1: every 4 h). Never refreshed → due. */
export function isRefreshDue(
  lastRefreshTs: number | null | undefined,
  now: number,
  intervalMs: number = parseMarketRegistryConfig().refreshIntervalMs,
): boolean {
  if (lastRefreshTs === null || lastRefreshTs === undefined) return true;
  return now - lastRefreshTs >= intervalMs;
}

/**
 * Stateful convenience over the pure functions above: holds the universe in force. The live runner calls
 * `refreshIfDue` every tick; backtests build one from a fixed snapshot.
 */
export class MarketRegistry {
  readonly config: MarketRegistryConfig;
  private current: UniverseState | null;
  private readonly log: MarketLogger;

  constructor(
    config: MarketRegistryConfigInput = {},
    log: MarketLogger = quietLogger,
    state: UniverseState | null = null,
  ) {
    this.config = parseMarketRegistryConfig(config);
    this.log = log;
    this.current = state;
  }

  get state(): UniverseState | null {
    return this.current;
  }

  isRefreshDue(now: number): boolean {
    return isRefreshDue(this.current?.lastRefreshTs, now, this.config.refreshIntervalMs);
  }

  /** Discovers and applies in one step; returns what changed. */
  refresh(candidates: readonly string[], snapshots: readonly MarketSnapshot[], now: number): UniverseUpdate {
    const discovery = discoverUniverse(candidates, snapshots, this.config, this.log);
    const update = applyDiscovery(this.current, discovery, now, this.config, this.log);
    this.current = update.state;
    return update;
  }

  /** Symbols that may be traded now, in discovery order. */
  symbols(): string[] {
    return (this.current?.symbols ?? []).map((s) => s.symbol);
  }

  /** The tier of a symbol (any form), or null when it is not in the universe. */
  tierOf(symbol: string): Tier | null {
    const c = canonicalSymbol(symbol);
    return this.current?.symbols.find((s) => s.symbol === c)?.tier ?? null;
  }

  isTradeable(symbol: string): boolean {
    return this.tierOf(symbol) !== null;
  }
}
