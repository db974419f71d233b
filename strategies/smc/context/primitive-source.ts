import type { Timeframe } from '../../../data/timeframes.ts';
import { BosChochDetector, FvgDetector, OrderBlockDetector, SwingDetector } from '../primitives/index.ts';
import type { Bars } from '../primitives/types.ts';
import { ActiveZones } from './active-zones.ts';
import type { StructureSource } from './features.ts';
import type { StructureBreak } from './structure-leg.ts';

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
  private detectors: { bos: BosChochDetector; ob: OrderBlockDetector; fvg: FvgDetector } | undefined;
  private bound: Bars | undefined;
  private bosCursor = 0;
  private obCursor = 0;
  private fvgCursor = 0;
  private readonly obBull = new ActiveZones();
  private readonly obBear = new ActiveZones();
  private readonly fvgBull = new ActiveZones();
  private readonly fvgBear = new ActiveZones();

  constructor(swingLength: number) {
    this.swingLength = swingLength;
  }

  private bind(bars: Bars): { bos: BosChochDetector; ob: OrderBlockDetector; fvg: FvgDetector } {
    let det = this.detectors;
    if (det === undefined) {
      const swings = new SwingDetector(bars, { swingLength: this.swingLength });
      det = {
        bos: new BosChochDetector(bars, swings, { closeBreak: true }),
        ob: new OrderBlockDetector(bars, swings, { closeMitigation: false }),
        fvg: new FvgDetector(bars, { joinConsecutive: false }),
      };
      this.detectors = det;
      this.bound = bars;
    } else if (this.bound !== bars) {
      throw new Error('a structure source was fed two different bar series: create one per series');
    }
    return det;
  }

  closeBar(bars: Bars, j: number, onBreak: (ev: StructureBreak) => void): void {
    const det = this.bind(bars);
    det.bos.update(j);
    det.ob.update(j);
    det.fvg.update(j);
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
    det.ob.update(to);
    det.fvg.update(to);
    const breaks = det.bos.events;
    const obs = det.ob.events;
    const gaps = det.fvg.events;
    for (;;) {
      let j = Number.POSITIVE_INFINITY;
      if (this.bosCursor < breaks.length) j = breaks[this.bosCursor].knownAt;
      if (this.obCursor < obs.length && obs[this.obCursor].knownAt < j) j = obs[this.obCursor].knownAt;
      if (this.fvgCursor < gaps.length && gaps[this.fvgCursor].knownAt < j) j = gaps[this.fvgCursor].knownAt;
      if (!(j <= to)) return;
      afterEvents(j, this.consume(det, j, onBreak));
    }
  }

  /** Applies the detectors' unread events known at or before bar `upTo`; true when a zone changed. */
  private consume(
    det: { bos: BosChochDetector; ob: OrderBlockDetector; fvg: FvgDetector },
    upTo: number,
    onBreak: (ev: StructureBreak) => void,
  ): boolean {
    const breaks = det.bos.events;
    while (this.bosCursor < breaks.length && breaks[this.bosCursor].knownAt <= upTo) {
      const e = breaks[this.bosCursor++];
      if (e.type !== 'structure') continue;
      onBreak({
        dir: e.dir,
        kind: e.kind,
        level: e.level,
        anchor: e.anchor,
        brokenIndex: e.brokenIndex,
        knownAt: e.knownAt,
      });
    }
    const obs = det.ob.events;
    const obFrom = this.obCursor;
    while (this.obCursor < obs.length && obs[this.obCursor].knownAt <= upTo) {
      const e = obs[this.obCursor++];
      const side = e.dir === 1 ? this.obBull : this.obBear;
      if (e.type === 'ob') side.set(e.anchor, e.bottom, e.top);
      else side.remove(e.anchor);
    }
    const gaps = det.fvg.events;
    const fvgFrom = this.fvgCursor;
    while (this.fvgCursor < gaps.length && gaps[this.fvgCursor].knownAt <= upTo) {
      const e = gaps[this.fvgCursor++];
      const side = e.dir === 1 ? this.fvgBull : this.fvgBear;
      if (e.type === 'fvg') side.set(e.anchor, e.bottom, e.top);
      else side.remove(e.anchor);
    }
    return this.obCursor !== obFrom || this.fvgCursor !== fvgFrom;
  }

  activeZone(kind: 'ob' | 'fvg', dir: 1 | -1, out: Float64Array): void {
    const zones =
      kind === 'ob' ? (dir === 1 ? this.obBull : this.obBear) : dir === 1 ? this.fvgBull : this.fvgBear;
    zones.newest(out);
  }
}

export function createPrimitiveStructureSource(_timeframe: Timeframe, swingLength: number): StructureSource {
  return new PrimitiveStructureSource(swingLength);
}
