import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../../data/errors.ts';
import { type MarketRegistryConfigInput, parseMarketRegistryConfig } from '../../data/markets/index.ts';
import { canonicalSymbol, parseSymbolList } from '../../data/symbols/symbols.ts';

/**
 * `smc live --universe VALUE`: the candidate symbols the MarketRegistry picks the universe from every 4 h
 * (seed §16 `candidate_symbols`), with the registry's tier filters and pinned majors. VALUE is a comma
 * list (`BTC,ETH,ARB,…`) or a YAML file (`.yaml`/`.yml`) holding either a list of symbols or
 *
 *     candidate_symbols: [BTC/USD, ETH/USD, ARB/USD, …]
 *     market_registry:            # optional, data/markets/config.ts
 *       pinnedTierA: [BTC, ETH, SOL, DOGE, BNB]
 *       tiers: { A: { minVolumeUsd: 5000000, maxSpreadPct: 0.1 }, … }
 *       shrinkRejectRatio: 0.5
 *       refreshIntervalMs: 14400000
 */

export interface UniverseChoice {
  /** Candidate symbols, canonical, deduplicated, in the given order. */
  candidates: string[];
  /** Registry settings (validated). */
  registry: MarketRegistryConfigInput;
}

const SymbolListSchema = z.array(z.string().min(1)).min(1, 'needs at least one symbol');
const UniverseFileSchema = z.union([
  SymbolListSchema,
  z.object({
    candidate_symbols: SymbolListSchema,
    market_registry: z.record(z.string(), z.unknown()).optional(),
  }),
]);

function canonicalList(list: readonly string[], where: string): string[] {
  const out: string[] = [];
  for (const raw of list) {
    let s: string;
    try {
      s = canonicalSymbol(raw);
    } catch (err) {
      throw new UserError(`${where}: ${(err as Error).message}`);
    }
    if (!out.includes(s)) out.push(s);
  }
  return out;
}

/**
 * Reads `--universe`. `pinned` (the symbols the user named with --symbols) join the candidates and are
 * pinned Tier A on top of the registry's pinned majors.
 */
export function parseUniverseOption(value: string, pinned: readonly string[] = []): UniverseChoice {
  let candidates: string[];
  let registry: Record<string, unknown> = {};
  if (/\.ya?ml$/i.test(value) || existsSync(value)) {
    if (!existsSync(value))
      throw new UserError(`--universe: no file '${value}' (give a YAML file or BTC,ETH,…)`);
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(value, 'utf8'));
    } catch (err) {
      throw new UserError(`--universe ${value}: not YAML (${(err as Error).message})`);
    }
    const parsed = UniverseFileSchema.safeParse(doc);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new UserError(
        `--universe ${value}: ${i?.path.join('.') || '(file)'}: ${i?.message ?? 'invalid'} ` +
          '(expected a list of symbols, or candidate_symbols: [...] with an optional market_registry: {...})',
      );
    }
    const d = parsed.data;
    candidates = canonicalList(Array.isArray(d) ? d : d.candidate_symbols, `--universe ${value}`);
    if (!Array.isArray(d) && d.market_registry) registry = d.market_registry;
  } else {
    candidates = parseSymbolList(value);
  }
  const config = parseMarketRegistryConfig(registry);
  const explicit = canonicalList(pinned, '--symbols');
  for (const s of explicit) if (!candidates.includes(s)) candidates.push(s);
  const pinnedTierA = [...new Set([...config.pinnedTierA, ...explicit])];
  return { candidates, registry: { ...config, pinnedTierA } };
}
