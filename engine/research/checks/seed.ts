/**
 * A 32-bit seed for one (strategy, symbol) scope of a check, derived from the user's seed with FNV-1a,
 * so each scope's sample does not depend on which other strategies or symbols are checked with it.
 */
export function seedFor(seed: number, ...parts: readonly string[]): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const ch of `${parts.join('\u0000')}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
