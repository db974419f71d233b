import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BucketTable } from './bucket-table.ts';

type Op = { key: number; first: number; last: number; write: boolean };

/** Runs `ops` on a table and on a Map model; every find must agree with the model. */
function agree(integerKeys: boolean, ops: readonly Op[]): void {
  const t = new BucketTable(integerKeys);
  const model = new Map<number, [number, number]>();
  for (const op of ops) {
    const key = op.key + 0;
    if (op.write) {
      const s = t.slot(key);
      t.first[s] = op.first;
      t.last[s] = op.last;
      model.set(key, [op.first, op.last]);
    }
    for (const k of [key, ...model.keys()]) {
      const s = t.find(k);
      const want = model.get(k) ?? [-1, -1];
      const got = s < 0 ? [-1, -1] : [t.first[s], t.last[s]];
      expect(got).toEqual(want);
    }
  }
}

const op = (key: fc.Arbitrary<number>) =>
  fc.record({
    key,
    first: fc.integer({ min: -1, max: 1000 }),
    last: fc.integer({ min: -1, max: 1000 }),
    write: fc.boolean(),
  });

describe('BucketTable', () => {
  it('with integer keys in a small span (direct slots, re-based as keys arrive) behaves as a map', () => {
    fc.assert(
      fc.property(fc.array(op(fc.integer({ min: -300, max: 300 })), { maxLength: 80 }), (ops) =>
        agree(true, ops),
      ),
    );
  });

  it('switches to hashing, keeping every entry, when integer keys span too wide or are not integers', () => {
    const wide = fc.oneof(
      fc.integer({ min: -5, max: 5 }),
      fc.integer({ min: -1e9, max: 1e9 }),
      fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
    );
    fc.assert(fc.property(fc.array(op(wide), { maxLength: 80 }), (ops) => agree(true, ops)));
  });

  it('hashes any double key from the start when told keys are not integers', () => {
    const any = fc.oneof(fc.double({ noNaN: true }), fc.integer({ min: 0, max: 3 }), fc.constant(-0));
    fc.assert(fc.property(fc.array(op(any), { maxLength: 80 }), (ops) => agree(false, ops)));
  });
});
