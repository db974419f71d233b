import { createHash, type Hash } from 'node:crypto';

/**
 * Stable content hashes of configs, candle data and results. Same value → same hash on every machine and
 * in every worker; any change in a value changes it.
 *
 * The byte stream is a canonical encoding, not JSON.stringify: object keys sorted, `undefined` members
 * dropped (as JSON does), numbers written with their shortest round-trip form (−0 as 0, NaN and ±Infinity
 * spelled out), strings length-prefixed, Decimals by their exact digits, and typed arrays fed as raw
 * little-endian bytes behind a type tag and length, so a 100k-point equity curve hashes without being
 * turned into text. Hashing is pure computation (no I/O), so node:crypto is allowed in engine/.
 */
export function contentHash(value: unknown): string {
  const w = new HashWriter(createHash('sha256'));
  w.value(value);
  return w.digest();
}

/**
 * Hash of a run's outputs: `records` as JSON (keys in insertion order — every record is built by one
 * code path, so the order is fixed; structured clone and JSON round trips keep it) and `arrays` as raw
 * bytes with their type and length. Much faster than {@link contentHash} on thousands of records;
 * use contentHash where the same value may arrive with its keys in another order (configs).
 */
export function recordsHash(records: unknown, arrays: readonly ArrayBufferView[]): string {
  const h = createHash('sha256');
  // No replacer: a replacer function makes stringify several times slower. Non-finite numbers become
  // null, which results avoid by construction (metrics use null for undefined values).
  const json = JSON.stringify(records);
  h.update(`j${Buffer.byteLength(json)}:`);
  h.update(json);
  for (const a of arrays) {
    h.update(`t${a.constructor.name}:${a.byteLength}:`);
    h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return h.digest('hex');
}

/** Batches the small text tokens into large `update` calls (one call per token is the slow part). */
class HashWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly h: Hash) {}

  text(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size > 65_536) this.flush();
  }

  bytes(b: Uint8Array): void {
    this.flush();
    this.h.update(b);
  }

  flush(): void {
    if (this.parts.length === 0) return;
    this.h.update(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }

  digest(): string {
    this.flush();
    return this.h.digest('hex');
  }

  /**
   * Arrays of plain records (trades, intents, fills) go through JSON.stringify with the sorted union of
   * their keys as the property list, which both orders every object's keys canonically and runs in
   * native code — a token per field is what made hashing a result slow. Returns false (nothing written)
   * when an element holds something JSON cannot encode faithfully.
   */
  private recordArray(v: readonly unknown[]): boolean {
    const keys = new Set<string>();
    if (!collectKeys(v, keys, 0)) return false;
    const json = JSON.stringify(v, [...keys].sort());
    this.text(`j${Buffer.byteLength(json)}:`);
    this.text(json);
    return true;
  }

  value(v: unknown): void {
    switch (typeof v) {
      case 'number':
        this.text(Object.is(v, -0) ? 'n0;' : `n${v};`);
        return;
      case 'string':
        this.text(`s${Buffer.byteLength(v)}:`);
        this.text(v);
        return;
      case 'boolean':
        this.text(v ? 'T' : 'F');
        return;
      case 'bigint':
        this.text(`b${v};`);
        return;
      case 'undefined':
        this.text('u');
        return;
      case 'object':
        break;
      default:
        throw new TypeError(`cannot hash a ${typeof v}: only plain data (no functions or symbols)`);
    }
    if (v === null) {
      this.text('z');
      return;
    }
    if (ArrayBuffer.isView(v)) {
      this.text(`t${v.constructor.name}:${v.byteLength}:`);
      this.bytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      return;
    }
    if (Array.isArray(v)) {
      if (v.length >= 8 && this.recordArray(v)) return;
      this.text(`a${v.length}[`);
      for (const item of v) this.value(item);
      this.text(']');
      return;
    }
    if (v instanceof Map) {
      this.value(Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), x])));
      return;
    }
    if (isDecimalLike(v)) {
      this.text(`d${v.toFixed()};`);
      return;
    }
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    this.text(`o${keys.length}{`);
    for (const k of keys) {
      this.text(`${Buffer.byteLength(k)}:`);
      this.text(k);
      this.value(obj[k]);
    }
    this.text('}');
  }
}

/**
 * Keys of every object nested in `v`, or null when `v` holds something JSON would not encode faithfully
 * (typed arrays, Maps, non-finite numbers, functions): those go through the token walker.
 */
function collectKeys(v: unknown, keys: Set<string>, depth: number): boolean {
  if (v === null) return true;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object':
      break;
    default:
      return false;
  }
  if (depth > 8 || ArrayBuffer.isView(v) || v instanceof Map) return false;
  if (Array.isArray(v)) {
    for (const x of v) if (!collectKeys(x, keys, depth + 1)) return false;
    return true;
  }
  if (isDecimalLike(v)) return false;
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    keys.add(k);
    if (!collectKeys(x, keys, depth + 1)) return false;
  }
  return true;
}

function isDecimalLike(v: object): v is { toFixed(): string } {
  return (
    typeof (v as { toFixed?: unknown }).toFixed === 'function' &&
    typeof (v as { isFinite?: unknown }).isFinite === 'function' &&
    typeof (v as { d?: unknown }).d !== 'undefined'
  );
}
