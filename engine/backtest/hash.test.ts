import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { contentHash } from './hash.ts';

describe('contentHash', () => {
  it('ignores key order and undefined members', () => {
    expect(contentHash({ a: 1, b: [1, 2], c: undefined })).toBe(contentHash({ b: [1, 2], a: 1 }));
  });

  it('distinguishes values JSON would confuse', () => {
    const base = contentHash({ x: 1 });
    expect(contentHash({ x: '1' })).not.toBe(base);
    expect(contentHash({ x: 1.0000000000000002 })).not.toBe(base);
    expect(contentHash({ x: [1] })).not.toBe(base);
    expect(contentHash(['ab', 'c'])).not.toBe(contentHash(['a', 'bc']));
    expect(contentHash({ x: Number.NaN })).not.toBe(contentHash({ x: null }));
  });

  it('hashes typed arrays by content and type', () => {
    const a = Float64Array.of(1, 2, 3);
    expect(contentHash({ a })).toBe(contentHash({ a: Float64Array.of(1, 2, 3) }));
    expect(contentHash({ a })).not.toBe(contentHash({ a: Float64Array.of(1, 2, 3.0000001) }));
    expect(contentHash({ a })).not.toBe(contentHash({ a: Float32Array.of(1, 2, 3) }));
    // A view hashes only its window.
    expect(contentHash(new Float64Array([9, 1, 2, 3]).subarray(1))).toBe(contentHash(a));
  });

  it('record arrays hash canonically whatever the key order of each record', () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({ id: i, name: `r${i}`, nested: { q: i, p: 'x' } }));
    const shuffled = rows.map((r) => ({ nested: { p: r.nested.p, q: r.nested.q }, name: r.name, id: r.id }));
    expect(contentHash(rows)).toBe(contentHash(shuffled));
    const changed = rows.map((r, i) => (i === 13 ? { ...r, name: 'other' } : r));
    expect(contentHash(changed)).not.toBe(contentHash(rows));
  });

  it('Decimals hash by their exact value', () => {
    expect(contentHash({ d: new Decimal('0.10') })).toBe(contentHash({ d: new Decimal('0.1') }));
    expect(contentHash({ d: new Decimal('0.1') })).not.toBe(
      contentHash({ d: new Decimal('0.1000000000001') }),
    );
  });
});
