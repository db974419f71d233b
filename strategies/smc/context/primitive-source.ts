import type { Timeframe } from '../../../data/timeframes.ts';
import {
  KIND_BOS_CODE,
  STRUCTURE_CONFIRMED,
  type StructureEventColumns,
} from '../primitives/bos-choch/bos-choch.ts';
import {
  BosChochDetector,
  FVG_GAP,
  FvgColumns,
  FvgDetector,
  OrderBlockDetector,
  SwingDetector,
} from '../primitives/index.ts';
import type { Bars } from '../primitives/types.ts';
import { ActiveZones } from './active-zones.ts';
import type { StructureSource } from './features.ts';
import type { StructureBreak } from './structure-leg.ts';

/** The detectors of one source; the zone detectors are absent when the source tracks no zones. */
interface Detectors {
  readonly bos: BosChochDetector;
  readonly ob: OrderBlockDetector | undefined;
  readonly fvg: FvgDetector | undefined;
}

/** Options of {@link createPrimitiveStructureSource}. */
export interface PrimitiveSourceOptions {
  /**
   * Track the zones (order blocks, fair value gaps; default true). Off, only the breaks are computed and
   * every zone reads as none: for a timeframe whose zones no gate reads.
   */
  readonly zones?: boolean;
}

const NO_EVENTS: readonly never[] = [];
const NO_GAPS = new FvgColumns(0);

/**
 * Structure events of one timeframe from the SMC primitives (strategies/smc/primitives/README.md):
 * swings (reference `swing_highs_lows(swing_length)`) feeding BOS/CHoCH (`bos_choch(close_break=True)`)
 * and order blocks (`ob(close_mitigation=False)`), plus fair value gaps (`fvg()`).
 *
 * - Every confirmed BOS/CHoCH (`structure` event) is reported at its `knownAt` bar. A
 *   `structure-cancelled` event of a confirmed fact comes together with the newer fact that cancels it,
 *   which replaces it as the current break anyway, so cancellations need no handling here.
 * - Active zones: an order block is active from its `ob` event until it is mitigated (becomes a
 *   breaker) or removed; a fair value gap from its `fvg` event until mitigated or merged away. The score
 *   reads the newest active zone of the trade's direction.
 *
 * Built lazily on the first bar so it binds to the bars object it is fed (a CandleSeries, or the live
 * buffer whose features are rebuilt when its arrays grow).
 */
class PrimitiveStructureSource implements StructureSource {
  private readonly swingLength: number;
  private readonly zones: boolean;
  private detectors: Detectors | undefined;
  private bound: Bars | undefined;
  private bosCursor = 0;
  private obCursor = 0;
  private fvgCursor = 0;
  // Sized for the bars when first fed (see bind): a table per anchor bar.
  private obBull = new ActiveZones();
  private obBear = new ActiveZones();
  private fvgBull = new ActiveZones();
  private fvgBear = new ActiveZones();

  constructor(swingLength: number, zones: boolean) {
    this.swingLength = swingLength;
    this.zones = zones;
  }

  private bind(bars: Bars): Detectors {
    let det = this.detectors;
    if (det === undefined) {
      const swings = new SwingDetector(bars, { swingLength: this.swingLength });
      det = {
        bos: new BosChochDetector(bars, swings, { closeBreak: true }),
        ob: this.zones ? new OrderBlockDetector(bars, swings, { closeMitigation: false }) : undefined,
        fvg: this.zones ? new FvgDetector(bars, { joinConsecutive: false }) : undefined,
      };
      this.detectors = det;
      this.bound = bars;
      // nothing is active before the first bar: start the zone tables at the series' size
      this.obBull = new ActiveZones(bars.length);
      this.obBear = new ActiveZones(bars.length);
      this.fvgBull = new ActiveZones(bars.length);
      this.fvgBear = new ActiveZones(bars.length);
    } else if (this.bound !== bars) {
      throw new Error('a structure source was fed two different bar series: create one per series');
    }
    return det;
  }

  closeBar(bars: Bars, j: number, onBreak: (ev: StructureBreak) => void): void {
    const det = this.bind(bars);
    det.bos.update(j);
    det.ob?.update(j);
    det.fvg?.update(j);
    this.consume(det, Number.POSITIVE_INFINITY, onBreak);
  }

  /**
   * Runs every detector through bar `to` in one go, then reports the bars at which events came. Every event
   * a detector emits while processing bar b carries `knownAt = b` (and events come in knownAt order), so
   * taking the events with `knownAt <= j` at bar j reports exactly what {@link closeBar} would have at j.
   */
  closeBars(
    bars: Bars,
    to: number,
    onBreak: (ev: StructureBreak) => void,
    afterEvents: (j: number, zonesChanged: boolean) => void,
  ): void {
    const det = this.bind(bars);
    det.bos.update(to);
    det.ob?.update(to);
    det.fvg?.update(to);
    const breaks = det.bos.columns;
    const nBreaks = breaks.count;
    const breakKnownAt = breaks.knownAt;
    const obs = det.ob?.events ?? NO_EVENTS;
    const gaps = det.fvg?.columns ?? NO_GAPS;
    // The same steps as consume() per event bar, with the cursors and each stream's next knownAt in locals.
    const INF = Number.POSITIVE_INFINITY;
    let bc = this.bosCursor;
    let oc = this.obCursor;
    let fc = this.fvgCursor;
    let nb = bc < nBreaks ? breakKnownAt[bc] : INF;
    let no = oc < obs.length ? obs[oc].knownAt : INF;
    const nGaps = gaps.count;
    const gapKnownAt = gaps.knownAt;
    let nf = fc < nGaps ? gapKnownAt[fc] : INF;
    try {
      for (;;) {
        let j = Math.min(nb, no);
        if (nf < j) j = nf;
        if (!(j <= to)) return;
        while (nb <= j) {
          const k = bc++;
          nb = bc < nBreaks ? breakKnownAt[bc] : INF;
          if (breaks.type[k] !== STRUCTURE_CONFIRMED) continue;
          onBreak(breakOf(breaks, k));
        }
        const changed = no <= j || nf <= j;
        while (no <= j) {
          const e = obs[oc++];
          no = oc < obs.length ? obs[oc].knownAt : INF;
          const side = e.dir === 1 ? this.obBull : this.obBear;
          if (e.type === 'ob') side.set(e.anchor, e.bottom, e.top);
          else side.remove(e.anchor);
        }
        while (nf <= j) {
          const k = fc++;
          nf = fc < nGaps ? gapKnownAt[fc] : INF;
          const side = gaps.dir[k] === 1 ? this.fvgBull : this.fvgBear;
          if (gaps.type[k] === FVG_GAP) side.set(gaps.anchor[k], gaps.bottom[k], gaps.top[k]);
          else side.remove(gaps.anchor[k]);
        }
        this.bosCursor = bc;
        this.obCursor = oc;
        this.fvgCursor = fc;
        afterEvents(j, changed);
      }
    } finally {
      this.bosCursor = bc;
      this.obCursor = oc;
      this.fvgCursor = fc;
    }
  }

  /** Applies the detectors' unread events known at or before bar `upTo`; true when a zone changed. */
  private consume(det: Detectors, upTo: number, onBreak: (ev: StructureBreak) => void): boolean {
    const breaks = det.bos.columns;
    while (this.bosCursor < breaks.count && breaks.knownAt[this.bosCursor] <= upTo) {
      const k = this.bosCursor++;
      if (breaks.type[k] !== STRUCTURE_CONFIRMED) continue;
      onBreak(breakOf(breaks, k));
    }
    const obs = det.ob?.events ?? NO_EVENTS;
    const obFrom = this.obCursor;
    while (this.obCursor < obs.length && obs[this.obCursor].knownAt <= upTo) {
      const e = obs[this.obCursor++];
      const side = e.dir === 1 ? this.obBull : this.obBear;
      if (e.type === 'ob') side.set(e.anchor, e.bottom, e.top);
      else side.remove(e.anchor);
    }
    const gaps = det.fvg?.columns ?? NO_GAPS;
    const fvgFrom = this.fvgCursor;
    while (this.fvgCursor < gaps.count && gaps.knownAt[this.fvgCursor] <= upTo) {
      const k = this.fvgCursor++;
      const side = gaps.dir[k] === 1 ? this.fvgBull : this.fvgBear;
      if (gaps.type[k] === FVG_GAP) side.set(gaps.anchor[k], gaps.bottom[k], gaps.top[k]);
      else side.remove(gaps.anchor[k]);
    }
    return this.obCursor !== obFrom || this.fvgCursor !== fvgFrom;
  }

  activeZonesInto(out: Float64Array): void {
    this.obBull.newestInto(out, 0);
    this.obBear.newestInto(out, 2);
    this.fvgBull.newestInto(out, 4);
    this.fvgBear.newestInto(out, 6);
  }

  activeZone(kind: 'ob' | 'fvg', dir: 1 | -1, out: Float64Array): void {
    const zones =
      kind === 'ob' ? (dir === 1 ? this.obBull : this.obBear) : dir === 1 ? this.fvgBull : this.fvgBear;
    zones.newest(out);
  }
}

export function createPrimitiveStructureSource(
  _timeframe: Timeframe,
  swingLength: number,
  opts: PrimitiveSourceOptions = {},
): StructureSource {
  return new PrimitiveStructureSource(swingLength, opts.zones ?? true);
}

/** Confirmed break `k` of the detector's event columns as the structure feature reads it. */
function breakOf(c: StructureEventColumns, k: number): StructureBreak {
  return {
    dir: c.dir[k] === 1 ? 1 : -1,
    kind: c.kind[k] === KIND_BOS_CODE ? 'BOS' : 'CHOCH',
    level: c.level[k],
    anchor: c.anchor[k],
    brokenIndex: c.brokenIndex[k],
    knownAt: c.knownAt[k],
  };
}
