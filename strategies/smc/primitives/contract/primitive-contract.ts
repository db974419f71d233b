import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TimedBars } from '../previous-high-low/previous-high-low.ts';
import type { DenseRows } from '../shared/dense.ts';
import type { EventBase } from '../types.ts';

/**
 * The contract every SMC primitive (and indicator) meets, registered by each in one line (trading-signals'
 * `testIndicatorContract` idea):
 * 1. incremental equals batch: feeding bars one at a time, or in random chunks, yields exactly the facts of
 *    the batch function;
 * 2. truncation invariance: the facts known at bar t computed on bars `0..t` only equal the facts known at t
 *    computed on the whole series (fast-check over random t) — the no-lookahead property; checked for every
 *    t at once too, by a run over columns whose future bars are NaN until revealed;
 * 3. warm-up as declared: nothing is known before bar `warmup - 1`.
 * "Facts" are events (`knownAt <= t`) or published dense rows (`knownAt <= t`).
 */
export interface ContractSubject {
  readonly warmup: number;
  update(t: number): void;
  finish(): void;
  /** Facts known at the close of bar t, as plain comparable data. */
  known(t: number): unknown[];
  /** Every fact so far, as plain comparable data. */
  all(): unknown[];
  /** Smallest `knownAt` of any fact (Infinity when none). */
  firstKnownAt(): number;
}

/** Adapts an event-emitting primitive. */
export function eventSubject(p: {
  readonly warmup: number;
  readonly events: readonly EventBase[];
  update(t: number): void;
  finish(): void;
}): ContractSubject {
  return {
    warmup: p.warmup,
    update: (t) => p.update(t),
    finish: () => p.finish(),
    known: (t) => p.events.filter((e) => e.knownAt <= t),
    all: () => [...p.events],
    firstKnownAt: () => (p.events.length > 0 ? Math.min(...p.events.map((e) => e.knownAt)) : Infinity),
  };
}

/** Adapts a primitive that publishes dense rows. */
export function denseSubject(p: {
  readonly warmup: number;
  readonly rows: DenseRows;
  update(t: number): void;
  finish(): void;
}): ContractSubject {
  const rowsUpTo = (limit: number) => {
    const out: unknown[] = [];
    const r = p.rows;
    for (let i = 0; i < r.rows && r.knownAt[i] <= limit; i++) {
      out.push([r.knownAt[i], ...r.columns.map((c) => c[i])]);
    }
    return out;
  };
  return {
    warmup: p.warmup,
    update: (t) => p.update(t),
    finish: () => p.finish(),
    known: (t) => rowsUpTo(t),
    all: () => rowsUpTo(Number.POSITIVE_INFINITY),
    firstKnownAt: () => (p.rows.rows > 0 ? p.rows.knownAt[0] : Infinity),
  };
}

export interface ContractOptions {
  /** Real data to check on besides the synthetic series (e.g. the EURUSD fixture). */
  readonly data?: () => Promise<TimedBars>;
  /** fast-check runs per property (default 25). */
  readonly runs?: number;
}

/** Bars `[0, end)` as views (no copy). */
export function truncateBars(b: TimedBars, end: number): TimedBars {
  return {
    length: end,
    ts: b.ts.subarray(0, end),
    open: b.open.subarray(0, end),
    high: b.high.subarray(0, end),
    low: b.low.subarray(0, end),
    close: b.close.subarray(0, end),
    volume: b.volume.subarray(0, end),
  };
}

/**
 * Synthetic 15m bars from integer tick steps: prices on a coarse grid so equal highs/lows (ties) and
 * runs of same-type swings happen often.
 */
export function barsFromSteps(steps: readonly number[], spans: readonly number[]): TimedBars {
  const n = steps.length;
  const b = {
    length: n,
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let price = 1000;
  for (let i = 0; i < n; i++) {
    const open = price;
    price = Math.max(10, price + steps[i]);
    const span = spans[i % spans.length];
    b.ts[i] = Date.UTC(2024, 0, 1) + i * 900_000;
    b.open[i] = open;
    b.close[i] = price;
    b.high[i] = Math.max(open, price) + (span % 3);
    b.low[i] = Math.min(open, price) - (span >> 2);
    b.volume[i] = (span * 7) % 5;
  }
  return b;
}

const arbBars = fc
  .tuple(
    fc.array(fc.integer({ min: -6, max: 6 }), { minLength: 20, maxLength: 400 }),
    fc.array(fc.integer({ min: 0, max: 11 }), { minLength: 1, maxLength: 17 }),
  )
  .map(([steps, spans]) => barsFromSteps(steps, spans));

/**
 * Runs over copies of the columns in which every bar after the current one is NaN: any read ahead sees NaN
 * instead of the future, so the facts differ from a full-data run's wherever lookahead would matter.
 */
function runRevealed(make: (b: TimedBars) => ContractSubject, bars: TimedBars): ContractSubject {
  const n = bars.length;
  const nan = () => new Float64Array(n).fill(Number.NaN);
  const v = { length: n, ts: nan(), open: nan(), high: nan(), low: nan(), close: nan(), volume: nan() };
  const s = make(v);
  for (let t = 0; t < n; t++) {
    v.ts[t] = bars.ts[t];
    v.open[t] = bars.open[t];
    v.high[t] = bars.high[t];
    v.low[t] = bars.low[t];
    v.close[t] = bars.close[t];
    v.volume[t] = bars.volume[t];
    s.update(t);
  }
  return s;
}

function runAll(
  make: (b: TimedBars) => ContractSubject,
  bars: TimedBars,
  chunks?: number[],
): ContractSubject {
  const s = make(bars);
  if (chunks === undefined) {
    for (let t = 0; t < bars.length; t++) s.update(t);
  } else {
    let t = -1;
    for (const c of chunks) {
      t = Math.min(bars.length - 1, t + c);
      s.update(t);
      s.update(t - 1); // a repeated or older index is a no-op
    }
    if (bars.length > 0) s.update(bars.length - 1);
  }
  return s;
}

/**
 * Registers the contract for one primitive. `make` builds a fresh machine over bars; `batch` runs the
 * batch function (which calls `finish()` itself) and returns the adapted subject.
 */
export function primitiveContract(
  name: string,
  make: (b: TimedBars) => ContractSubject,
  batch: (b: TimedBars) => ContractSubject,
  options: ContractOptions = {},
): void {
  const runs = options.runs ?? 25;
  describe(`${name}: primitive contract`, () => {
    it('incremental (bar by bar and in random chunks) equals batch, on synthetic series', () => {
      fc.assert(
        fc.property(arbBars, fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 30 }), (bars, chunks) => {
          const want = batch(bars).all();
          const one = runAll(make, bars);
          one.finish();
          expect(one.all()).toEqual(want);
          const chunked = runAll(make, bars, chunks);
          chunked.finish();
          expect(chunked.all()).toEqual(want);
        }),
        { numRuns: runs },
      );
    });

    it('truncation invariance: facts known at t do not depend on bars after t (synthetic)', () => {
      fc.assert(
        fc.property(arbBars, fc.double({ min: 0, max: 1, noNaN: true }), (bars, u) => {
          const t = Math.min(bars.length - 1, Math.floor(u * bars.length));
          const full = runAll(make, bars);
          const cut = runAll(make, truncateBars(bars, t + 1));
          expect(cut.known(t)).toEqual(full.known(t));
        }),
        { numRuns: runs },
      );
    });

    it('truncation invariance for every t at once: future bars hidden as NaN change nothing (synthetic)', () => {
      fc.assert(
        fc.property(arbBars, (bars) => {
          expect(runRevealed(make, bars).all()).toEqual(runAll(make, bars).all());
        }),
        { numRuns: runs },
      );
    });

    it('declares its warm-up: nothing is known before bar warmup-1 (synthetic)', () => {
      fc.assert(
        fc.property(arbBars, (bars) => {
          const s = runAll(make, bars);
          expect(s.firstKnownAt()).toBeGreaterThanOrEqual(s.warmup - 1);
        }),
        { numRuns: runs },
      );
    });

    const data = options.data;
    if (data !== undefined) {
      it('incremental equals batch and truncation invariance on real data', async () => {
        const bars = await data();
        const full = runAll(make, bars);
        const fullKnown = full.all();
        full.finish();
        expect(full.all()).toEqual(batch(bars).all());
        expect(full.firstKnownAt()).toBeGreaterThanOrEqual(full.warmup - 1);
        expect(runRevealed(make, bars).all()).toEqual(fullKnown);
        fc.assert(
          fc.property(fc.integer({ min: 0, max: bars.length - 1 }), (t) => {
            const cut = runAll(make, truncateBars(bars, t + 1));
            const want = fullKnown.filter((e) => knownAtOf(e) <= t);
            expect(cut.known(t)).toEqual(want);
          }),
          { numRuns: Math.max(5, Math.floor(runs / 3)) },
        );
      });
    }
  });
}

function knownAtOf(fact: unknown): number {
  if (Array.isArray(fact)) return fact[0] as number;
  return (fact as EventBase).knownAt;
}
