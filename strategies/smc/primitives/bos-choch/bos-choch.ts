import { grown } from '../shared/dense.ts';
import { MinHeap } from '../shared/heap.ts';
import type { SwingDetector } from '../swings/swings.ts';
import {
  type Bars,
  type Dir,
  type EventBase,
  type Incremental,
  nanColumn,
  type ReferenceTable,
} from '../types.ts';

/**
 * Break of structure (BOS) and change of character (CHoCH) as the reference package defines them
 * (`bos_choch(swings, close_break)`). Over the alternating swing list, each new swing closes a window of four
 * (s1, s2, s3, s4); the fact is written on s2's bar with s2's level:
 * - bullish BOS: low, high, low, high with s1 < s3 < s2 < s4 (higher lows, higher highs);
 * - bullish CHoCH: low, high, low, high with s4 > s2 > s1 > s3 (a lower low, then a break higher);
 * - bearish BOS / CHoCH: the mirror images on high, low, high, low.
 * It counts only once a bar from s2+2 on closes beyond the level (`close_break`; the high/low otherwise):
 * that bar is `brokenIndex`. A fact is cancelled when a later-anchored fact broke at or before its own break.
 *
 * Causality: a fact is published (`structure`) at the later of the bar its fourth swing became known and its
 * break bar, so often well after the anchor. A cancellation is a later `structure-cancelled` event (the
 * reference keeps the cancelled row's BrokenIndex, so a cancelled fact that breaks after its cancellation
 * also gets a `structure-cancelled` event carrying its break). Facts never broken are never published.
 * The level is stored as float32 and the break compared against it, as the reference does.
 */
export type StructureKind = 'BOS' | 'CHOCH';

export interface StructureEvent extends EventBase {
  readonly type: 'structure' | 'structure-cancelled';
  readonly kind: StructureKind;
  /** 1 bullish (broke a swing high upwards), -1 bearish. */
  readonly dir: Dir;
  /** The broken swing's level (float32-rounded, as the reference stores it). */
  readonly level: number;
  /** Bar whose close broke the level; -1 for a cancelled fact not (yet) broken. */
  readonly brokenIndex: number;
  /** The four swings of the pattern, oldest first: anchors and levels (s2 is the anchor). */
  readonly swingAnchors: readonly [number, number, number, number];
  readonly swingLevels: readonly [number, number, number, number];
}

export interface BosChochOptions {
  /** Break on the close (reference default `close_break=True`); on the high/low otherwise. */
  readonly closeBreak: boolean;
}

/** `StructureEventColumns.type` of a `structure` event. */
export const STRUCTURE_CONFIRMED = 0;
/** `StructureEventColumns.type` of a `structure-cancelled` event. */
export const STRUCTURE_CANCELLED = 1;
/** `StructureEventColumns.kind` of a BOS; CHoCH is {@link KIND_CHOCH_CODE}. */
export const KIND_BOS_CODE = 1;
export const KIND_CHOCH_CODE = 2;

const TYPES = ['structure', 'structure-cancelled'] as const;

/**
 * The structure events of a detector as parallel typed columns (no per-event objects on the hot path):
 * event k is `type[k]` ({@link STRUCTURE_CONFIRMED} / {@link STRUCTURE_CANCELLED}), `anchor[k]`,
 * `knownAt[k]`, `kind[k]` ({@link KIND_BOS_CODE} / {@link KIND_CHOCH_CODE}), `dir[k]`, `level[k]` and
 * `brokenIndex[k]`, as in {@link StructureEvent}. Columns are replaced when they grow: re-read them after
 * every `update`.
 */
export class StructureEventColumns {
  count = 0;
  type: Uint8Array;
  anchor: Int32Array;
  knownAt: Int32Array;
  kind: Uint8Array;
  dir: Int8Array;
  level: Float64Array;
  brokenIndex: Int32Array;
  /** The detector's candidate (pattern) the event belongs to: where its four swings are kept. */
  cand: Int32Array;

  constructor(capacity: number) {
    const c = Math.max(64, capacity);
    this.type = new Uint8Array(c);
    this.anchor = new Int32Array(c);
    this.knownAt = new Int32Array(c);
    this.kind = new Uint8Array(c);
    this.dir = new Int8Array(c);
    this.level = new Float64Array(c);
    this.brokenIndex = new Int32Array(c);
    this.cand = new Int32Array(c);
  }

  push(
    type: number,
    anchor: number,
    knownAt: number,
    kind: number,
    dir: number,
    level: number,
    brokenIndex: number,
    cand: number,
  ): void {
    if (this.count === this.type.length) this.grow();
    const k = this.count++;
    this.type[k] = type;
    this.anchor[k] = anchor;
    this.knownAt[k] = knownAt;
    this.kind[k] = kind;
    this.dir[k] = dir;
    this.level[k] = level;
    this.brokenIndex[k] = brokenIndex;
    this.cand[k] = cand;
  }

  private grow(): void {
    const c = this.type.length * 2;
    this.type = grown(this.type, new Uint8Array(c));
    this.anchor = grown(this.anchor, new Int32Array(c));
    this.knownAt = grown(this.knownAt, new Int32Array(c));
    this.kind = grown(this.kind, new Uint8Array(c));
    this.dir = grown(this.dir, new Int8Array(c));
    this.level = grown(this.level, new Float64Array(c));
    this.brokenIndex = grown(this.brokenIndex, new Int32Array(c));
    this.cand = grown(this.cand, new Int32Array(c));
  }
}

/** Candidate states. */
const PENDING = 0;
const CONFIRMED = 1;
const CANCELLED = 2;

/**
 * Swing records and pattern candidates live in typed columns indexed by id (a swing record per swing, a
 * candidate per matching window): a whole-series run sees tens of thousands of swings, and one object per
 * swing and per candidate was most of what the detector allocated.
 */
export class BosChochDetector implements Incremental<StructureEvent> {
  /** The events as typed columns: what the pipeline reads. */
  readonly columns: StructureEventColumns;
  readonly warmup: number;
  processed = 0;
  private readonly closeBreak: boolean;
  private readonly objects: StructureEvent[] = [];

  // Swing records, by id (the order swings arrived in).
  private nRecs = 0;
  private recAnchor: Int32Array;
  private recDir: Int8Array;
  private recLevel: Float64Array;
  /** The level rounded to float32, as the reference stores it and compares the break against. */
  private recLevel32: Float64Array;
  /** Bar that broke the level, -1 while unbroken. */
  private recBroken: Int32Array;
  /** 0 once revoked (a more extreme swing replaced it in its run). */
  private recAlive: Uint8Array;
  /** Candidate anchored on this swing (its s2), -1 when none. */
  private recCand: Int32Array;

  /** Ids of the alternating swing list (a revocation pops the top). */
  private stack: Int32Array;
  private stackLen = 0;

  // Candidates, by id: the rec of s2, kind, direction, state and the four swings (anchors, levels).
  private nCands = 0;
  private candRec: Int32Array;
  private candKind: Uint8Array;
  private candDir: Int8Array;
  private candState: Uint8Array;
  private candAnchors: Int32Array;
  private candLevels: Float64Array;

  /** Candidates a later fact may still cancel, oldest first. */
  private live = new Int32Array(16);
  private liveLen = 0;

  /** Unbroken swing highs keyed by level (break when a bar rises above the smallest). */
  private readonly highWatch = new MinHeap();
  /** Unbroken swing lows keyed by -level (break when a bar falls below the largest). */
  private readonly lowWatch = new MinHeap();
  private cursor = 0;
  private finished = false;

  constructor(
    readonly bars: Bars,
    readonly swings: SwingDetector,
    options: BosChochOptions = { closeBreak: true },
  ) {
    this.closeBreak = options.closeBreak;
    this.warmup = swings.warmup;
    // Initial room only (they grow): about one swing per 8 bars at swingLength 5, a candidate per 3 swings.
    const recs = Math.max(64, Math.ceil(bars.length / (swings.swingLength + 2)));
    this.recAnchor = new Int32Array(recs);
    this.recDir = new Int8Array(recs);
    this.recLevel = new Float64Array(recs);
    this.recLevel32 = new Float64Array(recs);
    this.recBroken = new Int32Array(recs);
    this.recAlive = new Uint8Array(recs);
    this.recCand = new Int32Array(recs);
    this.stack = new Int32Array(recs);
    const cands = Math.max(64, recs >> 1);
    this.candRec = new Int32Array(cands);
    this.candKind = new Uint8Array(cands);
    this.candDir = new Int8Array(cands);
    this.candState = new Uint8Array(cands);
    this.candAnchors = new Int32Array(cands * 4);
    this.candLevels = new Float64Array(cands * 4);
    this.columns = new StructureEventColumns(cands);
  }

  /**
   * Every event so far as objects, built on first access from `columns` (append-only, so the array is only
   * extended); consumers on the hot path read `columns` instead.
   */
  get events(): readonly StructureEvent[] {
    const c = this.columns;
    const out = this.objects;
    for (let k = out.length; k < c.count; k++) {
      const q = 4 * c.cand[k];
      const a = this.candAnchors;
      const l = this.candLevels;
      out.push({
        type: TYPES[c.type[k]],
        anchor: c.anchor[k],
        knownAt: c.knownAt[k],
        kind: c.kind[k] === KIND_BOS_CODE ? 'BOS' : 'CHOCH',
        dir: c.dir[k] === 1 ? 1 : -1,
        level: c.level[k],
        brokenIndex: c.brokenIndex[k],
        swingAnchors: [a[q], a[q + 1], a[q + 2], a[q + 3]],
        swingLevels: [l[q], l[q + 1], l[q + 2], l[q + 3]],
      });
    }
    return out;
  }

  update(t: number): void {
    // Swing events carry knownAt, so advancing the swings first and consuming them bar by bar is exact.
    this.swings.update(t);
    const c = this.swings.columns;
    const swingKnownAt = c.knownAt;
    const swingCount = c.count;
    const up = this.closeBreak ? this.bars.close : this.bars.high;
    const down = this.closeBreak ? this.bars.close : this.bars.low;
    const highWatch = this.highWatch;
    const lowWatch = this.lowWatch;
    // Per bar: first the breaks of the watched levels, then the swings that became known at it. Between
    // bars where swings arrive, only the two nearest watched levels matter, so they sit in locals and the
    // scan stops only at a bar that crosses one (an empty heap's top key is +Infinity: nothing is checked).
    let b = this.processed;
    while (b <= t) {
      let stop = t + 1;
      if (this.cursor < swingCount) {
        const k = swingKnownAt[this.cursor];
        if (k < stop) stop = Math.max(k, b);
      }
      let above = highWatch.topKey();
      let below = -lowWatch.topKey();
      for (; b < stop; b++) {
        if (up[b] > above || down[b] < below) {
          this.processed = b + 1;
          this.checkWatches(b);
          above = highWatch.topKey();
          below = -lowWatch.topKey();
        }
      }
      if (b > t) break;
      this.processed = b + 1;
      if (up[b] > above || down[b] < below) this.checkWatches(b);
      this.consumeSwings(b);
      b++;
    }
    if (this.processed < t + 1) this.processed = t + 1;
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.swings.finish();
    this.consumeSwings(Number.POSITIVE_INFINITY);
  }

  private checkWatches(b: number): void {
    const up = this.closeBreak ? this.bars.close[b] : this.bars.high[b];
    while (this.highWatch.size > 0 && up > this.highWatch.topKey()) {
      const id = this.highWatch.topId();
      this.highWatch.pop();
      this.brokenAt(id, b);
    }
    const down = this.closeBreak ? this.bars.close[b] : this.bars.low[b];
    while (this.lowWatch.size > 0 && down < -this.lowWatch.topKey()) {
      const id = this.lowWatch.topId();
      this.lowWatch.pop();
      this.brokenAt(id, b);
    }
  }

  /** A watched swing's level was crossed at bar b: a break when the swing still stands and b ≥ anchor+2. */
  private brokenAt(id: number, b: number): void {
    if (this.recAlive[id] === 1 && this.recBroken[id] < 0 && b >= this.recAnchor[id] + 2)
      this.onBroken(id, b);
  }

  private consumeSwings(b: number): void {
    const c = this.swings.columns;
    while (this.cursor < c.count && c.knownAt[this.cursor] <= b) {
      const k = this.cursor++;
      if (c.revoked[k] === 1) {
        if (this.stackLen > 0) this.recAlive[this.stack[--this.stackLen]] = 0;
        continue;
      }
      this.addSwing(c.anchor[k], c.knownAt[k], c.dir[k] === 1 ? 1 : -1, c.level[k]);
    }
  }

  private addSwing(anchor: number, knownAt: number, dir: Dir, level: number): void {
    const level32 = Math.fround(level);
    if (this.nRecs === this.recAnchor.length) this.growRecs();
    const id = this.nRecs++;
    this.stack[this.stackLen++] = id;
    // The break may already have happened between anchor+2 and now (at most swingLength bars back).
    const last = Math.min(knownAt, this.processed - 1);
    const bars = this.bars;
    let broken = -1;
    if (dir === 1) {
      const up = this.closeBreak ? bars.close : bars.high;
      for (let j = anchor + 2; j <= last; j++) {
        if (up[j] > level32) {
          broken = j;
          break;
        }
      }
    } else {
      const down = this.closeBreak ? bars.close : bars.low;
      for (let j = anchor + 2; j <= last; j++) {
        if (down[j] < level32) {
          broken = j;
          break;
        }
      }
    }
    this.recAnchor[id] = anchor;
    this.recDir[id] = dir;
    this.recLevel[id] = level;
    this.recLevel32[id] = level32;
    this.recBroken[id] = broken;
    this.recAlive[id] = 1;
    this.recCand[id] = -1;
    if (broken < 0) {
      if (dir === 1) this.highWatch.push(level32, id);
      else this.lowWatch.push(-level32, id);
    }
    if (this.stackLen >= 4) this.evaluate(knownAt);
  }

  private evaluate(knownAt: number): void {
    const n = this.stackLen;
    const s1 = this.stack[n - 4];
    const s2 = this.stack[n - 3];
    const s3 = this.stack[n - 2];
    const s4 = this.stack[n - 1];
    const dirs = this.recDir;
    const levels = this.recLevel;
    const a = levels[s1];
    const b = levels[s2];
    const c = levels[s3];
    const d = levels[s4];
    let kind = 0;
    let dir: Dir = 1;
    if (dirs[s1] === -1 && dirs[s2] === 1 && dirs[s3] === -1 && dirs[s4] === 1) {
      if (a < c && c < b && b < d) kind = KIND_BOS_CODE;
      else if (d > b && b > a && a > c) kind = KIND_CHOCH_CODE;
      dir = 1;
    } else if (dirs[s1] === 1 && dirs[s2] === -1 && dirs[s3] === 1 && dirs[s4] === -1) {
      if (a > c && c > b && b > d) kind = KIND_BOS_CODE;
      else if (d < b && b < a && a < c) kind = KIND_CHOCH_CODE;
      dir = -1;
    }
    // Re-evaluation after the fourth swing was replaced by a more extreme one can only turn a window true,
    // never false (every condition wants s4 further out), so an existing candidate stands.
    if (kind === 0 || this.recCand[s2] >= 0) return;
    if (this.nCands === this.candRec.length) this.growCands();
    const cand = this.nCands++;
    this.candRec[cand] = s2;
    this.candKind[cand] = kind;
    this.candDir[cand] = dir;
    this.candState[cand] = PENDING;
    const q = 4 * cand;
    const anchors = this.candAnchors;
    const recAnchor = this.recAnchor;
    anchors[q] = recAnchor[s1];
    anchors[q + 1] = recAnchor[s2];
    anchors[q + 2] = recAnchor[s3];
    anchors[q + 3] = recAnchor[s4];
    const lv = this.candLevels;
    lv[q] = a;
    lv[q + 1] = b;
    lv[q + 2] = c;
    lv[q + 3] = d;
    this.recCand[s2] = cand;
    if (this.liveLen === this.live.length) this.live = grown(this.live, new Int32Array(this.liveLen * 2));
    this.live[this.liveLen++] = cand;
    if (this.recBroken[s2] >= 0) this.confirm(cand, knownAt);
    this.prune();
  }

  private onBroken(rec: number, b: number): void {
    this.recBroken[rec] = b;
    const cand = this.recCand[rec];
    if (cand < 0) return;
    const state = this.candState[cand];
    if (state === PENDING) this.confirm(cand, b);
    else if (state === CANCELLED) this.emit(cand, STRUCTURE_CANCELLED, b);
  }

  private confirm(cand: number, knownAt: number): void {
    this.candState[cand] = CONFIRMED;
    this.emit(cand, STRUCTURE_CONFIRMED, knownAt);
    const rec = this.candRec[cand];
    const anchor = this.recAnchor[rec];
    const broken = this.recBroken[rec];
    const state = this.candState;
    const candRec = this.candRec;
    // in place, in order (kept candidates move down to w)
    const live = this.live;
    const n = this.liveLen;
    let w = 0;
    for (let r = 0; r < n; r++) {
      const k = live[r];
      const kState = state[k];
      const kRec = candRec[k];
      if (k === cand || this.recAnchor[kRec] >= anchor || kState === CANCELLED) {
        if (kState !== CANCELLED) live[w++] = k;
        continue;
      }
      if (kState === PENDING) {
        // Its break, if any, comes after now and so after this one's: cancelled before it is ever published.
        state[k] = CANCELLED;
        live[w++] = k;
      } else if (this.recBroken[kRec] >= broken) {
        state[k] = CANCELLED;
        this.emit(k, STRUCTURE_CANCELLED, knownAt);
      } else {
        live[w++] = k;
      }
    }
    this.liveLen = w;
  }

  /** Drops confirmed candidates no future fact can cancel (its break lies before any future fact's anchor+2). */
  private prune(): void {
    const n = this.stackLen;
    if (n < 3) return;
    const minFutureBreak = this.recAnchor[this.stack[n - 3]] + 2;
    // in place (this runs once per swing): keep the order, drop the settled ones
    const live = this.live;
    const len = this.liveLen;
    let w = 0;
    for (let r = 0; r < len; r++) {
      const k = live[r];
      if (this.candState[k] === CONFIRMED && this.recBroken[this.candRec[k]] < minFutureBreak) continue;
      live[w++] = k;
    }
    this.liveLen = w;
  }

  private emit(cand: number, type: number, knownAt: number): void {
    const rec = this.candRec[cand];
    this.columns.push(
      type,
      this.recAnchor[rec],
      knownAt,
      this.candKind[cand],
      this.candDir[cand],
      this.recLevel32[rec],
      this.recBroken[rec],
      cand,
    );
  }

  private growRecs(): void {
    const c = this.recAnchor.length * 2;
    this.recAnchor = grown(this.recAnchor, new Int32Array(c));
    this.recDir = grown(this.recDir, new Int8Array(c));
    this.recLevel = grown(this.recLevel, new Float64Array(c));
    this.recLevel32 = grown(this.recLevel32, new Float64Array(c));
    this.recBroken = grown(this.recBroken, new Int32Array(c));
    this.recAlive = grown(this.recAlive, new Uint8Array(c));
    this.recCand = grown(this.recCand, new Int32Array(c));
    // the stack never holds more ids than there are records
    this.stack = grown(this.stack, new Int32Array(c));
  }

  private growCands(): void {
    const c = this.candRec.length * 2;
    this.candRec = grown(this.candRec, new Int32Array(c));
    this.candKind = grown(this.candKind, new Uint8Array(c));
    this.candDir = grown(this.candDir, new Int8Array(c));
    this.candState = grown(this.candState, new Uint8Array(c));
    this.candAnchors = grown(this.candAnchors, new Int32Array(4 * c));
    this.candLevels = grown(this.candLevels, new Float64Array(4 * c));
  }
}

/** Reference layout `BOS, CHOCH, Level, BrokenIndex` from structure events over `n` bars. */
export function renderBosChoch(events: readonly StructureEvent[], n: number): ReferenceTable {
  const bos = nanColumn(n);
  const choch = nanColumn(n);
  const level = nanColumn(n);
  const broken = nanColumn(n);
  for (const e of events) {
    const r = e.anchor;
    if (e.type === 'structure') {
      bos[r] = e.kind === 'BOS' ? e.dir : Number.NaN;
      choch[r] = e.kind === 'CHOCH' ? e.dir : Number.NaN;
      level[r] = e.level;
    } else {
      bos[r] = Number.NaN;
      choch[r] = Number.NaN;
      level[r] = Number.NaN;
    }
    broken[r] = e.brokenIndex >= 0 ? e.brokenIndex : Number.NaN;
  }
  return {
    header: ['BOS', 'CHOCH', 'Level', 'BrokenIndex'],
    columns: [bos, choch, level, broken],
    formats: ['float', 'float', 'float32', 'float'],
  };
}

/** Runs swings and BOS/CHoCH over every bar (with the end-of-series swing mark) and renders the table. */
export function bosChoch(
  bars: Bars,
  swings: SwingDetector,
  options: BosChochOptions = { closeBreak: true },
): { detector: BosChochDetector; table: ReferenceTable } {
  const detector = new BosChochDetector(bars, swings, options);
  if (bars.length > 0) detector.update(bars.length - 1);
  detector.finish();
  return { detector, table: renderBosChoch(detector.events, bars.length) };
}
