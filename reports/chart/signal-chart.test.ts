import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CandleSeries, sliceSeries } from '../../data/candles/series.ts';
import { TIMEFRAME_MS } from '../../data/timeframes.ts';
import { DEFAULT_STRATEGY_CONFIG } from '../../strategies/smc/config.ts';
import { runPipeline } from '../../strategies/smc/pipeline.ts';
import { withHigherTimeframes } from '../../strategies/smc/scan.ts';
import { loadSample1h } from '../../test/strategy/kit.ts';
import { gateRows } from './gate-trace.ts';
import { buildSignalChart, chartFormatOf, signalChartHtml } from './signal-chart.ts';
import { buildSignalContext, SignalContextBuilder } from './signal-context.ts';
import { spreadLabels } from './signal-spec.ts';

const HOUR = TIMEFRAME_MS['1h'];
const config = DEFAULT_STRATEGY_CONFIG;

/** Everything of a context the engine saw (candles after the decision excluded). */
function seenPart(ctx: ReturnType<typeof buildSignalContext>) {
  return {
    decision: ctx.decision,
    swings: ctx.swings,
    breaks: ctx.breaks,
    zones: ctx.zones,
    ote: ctx.ote,
    levels: ctx.levels,
    candles: ctx.candles.filter((c) => c.seen),
  };
}

describe('signal chart context (bundled BTC 1h sample)', () => {
  let btc: CandleSeries;
  let signalTimes: number[];
  beforeAll(async () => {
    const full = await loadSample1h('BTC');
    // 2020–mid 2021 is enough for the warm-up and dozens of signals, and keeps the test fast
    btc = sliceSeries(full, 0, 13_000);
    const r = runPipeline(withHigherTimeframes(btc, config), config, { baseTimeframe: '1h', symbol: 'BTC' });
    signalTimes = r.decisions.signals.map((s) => s.ts);
  });

  it('shows the decision the pipeline made at that bar, for signals', () => {
    expect(signalTimes.length).toBeGreaterThan(5);
    for (const at of signalTimes.slice(0, 5)) {
      const ctx = buildSignalContext(btc, at, config);
      const r = runPipeline(withHigherTimeframes(btc, config), config, {
        baseTimeframe: '1h',
        symbol: 'BTC',
        from: at,
        to: at + 1,
      });
      expect(r.decisions.signals).toHaveLength(1);
      expect(ctx.decisionTs).toBe(at);
      expect(ctx.decision).toEqual(r.decisions.signals[0]);
      expect(ctx.levels.map((l) => l.name)).toEqual(['entry', 'stop', 'TP1', 'TP2', 'TP3', 'leg origin']);
      expect(ctx.ote).not.toBeNull();
    }
  });

  it('sees nothing after the decision: the same context from data cut at the decision', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: signalTimes.length - 1 }),
        fc.integer({ min: 0, max: 5 }),
        (k, late) => {
          // decision times on and just after signals, where the annotations are richest
          const at = signalTimes[k] + late * HOUR;
          const cut = sliceSeries(btc, 0, btc.ts.indexOf(at - HOUR) + 1);
          const onFull = buildSignalContext(btc, at, config);
          const onCut = buildSignalContext(cut, at, config);
          expect(seenPart(onFull)).toEqual(seenPart(onCut));
          expect(onCut.candles.every((c) => c.seen)).toBe(true);
          const after = btc.length - (btc.ts.indexOf(at - HOUR) + 1);
          expect(onFull.candles.filter((c) => !c.seen).length).toBe(Math.min(24, after));
          for (const c of [...onFull.breaks, ...onFull.zones]) expect(c.fromTs).toBeLessThan(at);
          for (const b of onFull.breaks) expect(b.knownTs).toBeLessThanOrEqual(at);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('a builder over the whole history gives the same context as data cut at each decision', () => {
    const builder = new SignalContextBuilder(btc, config);
    const ats = [...signalTimes.slice(0, 6), signalTimes[3] + 7 * HOUR, btc.ts[btc.length - 1] + HOUR];
    for (const at of ats) {
      expect(seenPart(builder.context(at))).toEqual(seenPart(buildSignalContext(btc, at, config)));
    }
  });

  it('snaps a time between bar closes to the last close before it', () => {
    const at = signalTimes[0];
    const ctx = buildSignalContext(btc, at + 59 * 60_000, config);
    expect(ctx.decisionTs).toBe(at);
  });

  it('refuses a time before the first bar closes', () => {
    expect(() => buildSignalContext(btc, btc.ts[0], config)).toThrow(/no BTC 1h bar closes at or before/);
  });

  it('traces each gate: passes before the failing one, not reached after it', () => {
    const at = signalTimes[0] + 3 * HOUR;
    const ctx = buildSignalContext(btc, at, config);
    const rows = gateRows(ctx.decision, config);
    const failed = ctx.decision.trace.gate_failed;
    const k = failed === null ? rows.length : rows.findIndex((r) => r.gate === failed);
    expect(rows.slice(0, k).every((r) => r.status === 'pass')).toBe(true);
    if (failed !== null) {
      expect(rows[k].status).toBe('reject');
      expect(rows[k].reason).toBe(ctx.decision.reasons[0]);
      expect(rows.slice(k + 1).every((r) => r.status === 'not reached' && r.details.length === 0)).toBe(true);
    }
  });

  it('renders an SVG with every annotation kind and a self-contained HTML page', async () => {
    const at = signalTimes[0];
    const chart = await buildSignalChart({
      base: btc,
      at,
      config,
      trades: [
        {
          side: 'long',
          entryTs: at,
          entryPrice: 11_000,
          exitTs: at + 5 * HOUR,
          exitPrice: 11_100,
          exitReason: 'take_profit',
          netPnl: 12.5,
        },
      ],
    });
    const svg = chart.svg;
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of [
      'Gate trace (pipeline order)',
      'entry ',
      'stop ',
      'TP1 ',
      'time (UTC), 1h candles',
      'price',
      'run trade: long',
    ]) {
      expect(svg).toContain(text);
    }
    // a wick (rule → <line>) and a body (rect → <path>) per candle shown
    const n = chart.context.candles.length;
    expect(n).toBeGreaterThan(100);
    expect((svg.match(/<line/g) ?? []).length).toBeGreaterThanOrEqual(n);
    expect((svg.match(/<path/g) ?? []).length).toBeGreaterThanOrEqual(n);
    const html = signalChartHtml(chart);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });
});

describe('spreadLabels', () => {
  it('keeps labels at least one gap apart, in order, and leaves spread-out ones alone', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), { maxLength: 8 }),
        fc.double({ min: 0.1, max: 50, noNaN: true }),
        (vs, gap) => {
          const out = spreadLabels(vs, gap);
          const order = vs.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
          for (let k = 1; k < order.length; k++) {
            expect(out[order[k].i] - out[order[k - 1].i]).toBeGreaterThanOrEqual(gap - 1e-6);
          }
          const apart = order.every((o, k) => k === 0 || o.v - order[k - 1].v >= gap);
          if (apart) expect(out).toEqual(vs);
        },
      ),
    );
  });
});

describe('chartFormatOf', () => {
  it('picks the format from the extension and refuses others', () => {
    expect(chartFormatOf('a/b.PNG')).toBe('.png');
    expect(chartFormatOf('x.html')).toBe('.html');
    expect(() => chartFormatOf('x.gif')).toThrow(/unknown chart format '.gif': use .png, .svg, .html, .json/);
  });
});
