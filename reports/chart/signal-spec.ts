import type { TopLevelSpec } from 'vega-lite';
import { TIMEFRAME_MS } from '../../data/timeframes.ts';
import { fmtPrice, gateRows, verdict } from './gate-trace.ts';
import type { SignalContext } from './signal-context.ts';

/**
 * The signal chart as one vega-lite spec: candlesticks around the decision with what the engine saw
 * (swing points, BOS/CHoCH lines, order-block and FVG boxes, the OTE band, entry/stop/TP lines, the
 * trade if a run is given) on the left, the gate trace on the right. Data is inline; render it with
 * reports/vega/render.ts.
 */

/** A trade of the run drawn on the chart (entry and exit markers). */
export interface ChartTrade {
  readonly side: 'long' | 'short';
  readonly entryTs: number;
  readonly entryPrice: number;
  readonly exitTs: number;
  readonly exitPrice: number;
  readonly exitReason: string;
  readonly netPnl: number;
}

export interface SignalSpecOptions {
  readonly trades?: readonly ChartTrade[];
  /** Price panel size in px (default 860 × 440). */
  readonly width?: number;
  readonly height?: number;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** DejaVu first: it is what resvg finds on Debian, so PNG and browser look alike. */
const FONT = 'DejaVu Sans, Verdana, Arial, sans-serif';
const LABEL_FONT_SIZE = 11;

const COLORS = {
  up: '#26a69a',
  down: '#ef5350',
  upAfter: '#b9d9d5',
  downAfter: '#f3c1c0',
  zones: {
    'bullish order block': '#2962ff',
    'bearish order block': '#ff6d00',
    'bullish FVG': '#00acc1',
    'bearish FVG': '#d500f9',
  },
  breaks: {
    'bullish BOS': '#2e7d32',
    'bullish CHoCH': '#689f38',
    'bearish BOS': '#c62828',
    'bearish CHoCH': '#e65100',
  },
  swings: { 'swing high': '#6a1b9a', 'swing low': '#00695c' },
  levels: {
    entry: '#1f2328',
    close: '#57606a',
    stop: '#d1242f',
    'take profit': '#1a7f37',
    'leg origin': '#8c959f',
  },
  trades: { 'trade entry': '#0969da', 'trade exit': '#8250df' },
  status: { pass: '#1a7f37', reject: '#d1242f', 'not reached': '#8c959f', info: '#1f2328' },
} as const;

/** A nominal colour scale over the keys of `map` that occur in `present` (all when omitted), in map order. */
function scaleOf(
  map: Readonly<Record<string, string>>,
  present?: readonly unknown[],
): { domain: string[]; range: string[] } {
  const keep = present === undefined ? undefined : new Set(present);
  const keys = Object.keys(map).filter((k) => keep === undefined || keep.has(k));
  // an empty domain would make vega-lite fall back to its default palette
  const domain = keys.length > 0 ? keys : Object.keys(map).slice(0, 1);
  return { domain, range: domain.map((k) => map[k]) };
}

function utcLabel(ts: number): string {
  return `${new Date(ts).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * Moves label positions apart so that no two are closer than `gap` (same units), keeping their order and
 * staying as near their values as possible. Returns positions in the input order.
 */
export function spreadLabels(values: readonly number[], gap: number): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  // clusters of labels that touch, each centred on the mean of its values and spaced exactly `gap`
  const clusters: { sum: number; n: number; start: number }[] = [];
  for (const { v } of order) {
    clusters.push({ sum: v, n: 1, start: v });
    for (;;) {
      const last = clusters[clusters.length - 1];
      const prev = clusters[clusters.length - 2];
      if (prev === undefined || prev.start + prev.n * gap <= last.start) break;
      prev.sum += last.sum;
      prev.n += last.n;
      prev.start = prev.sum / prev.n - ((prev.n - 1) * gap) / 2;
      clusters.pop();
    }
  }
  const out = new Array<number>(values.length);
  let k = 0;
  for (const c of clusters) {
    for (let m = 0; m < c.n; m++, k++) out[order[k].i] = c.n === 1 ? order[k].v : c.start + m * gap;
  }
  return out;
}

function levelKey(name: string): string {
  return name.startsWith('TP') ? 'take profit' : name;
}

function pricePanel(ctx: SignalContext, opts: SignalSpecOptions): Record<string, unknown> {
  const width = opts.width ?? 860;
  const height = opts.height ?? 440;
  const baseMs = TIMEFRAME_MS[ctx.baseTimeframe];
  const { from, to } = ctx.window;
  const span = to - from;
  const labelRoom = span * 0.14;
  const xMax = to + labelRoom;

  // y domain: every candle shown plus the decision's levels and OTE band (zones are clipped instead)
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const c of ctx.candles) {
    lo = Math.min(lo, c.low);
    hi = Math.max(hi, c.high);
  }
  for (const l of ctx.levels) {
    lo = Math.min(lo, l.price);
    hi = Math.max(hi, l.price);
  }
  if (ctx.ote !== null) {
    lo = Math.min(lo, ctx.ote.low);
    hi = Math.max(hi, ctx.ote.high);
  }
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.01 || 1;
  const yMin = lo - pad;
  const yMax = hi + pad;
  const perPx = (yMax - yMin) / height;

  const candles = ctx.candles.map((c) => {
    const up = c.close >= c.open;
    return {
      x0: c.ts + baseMs * 0.15,
      x1: c.ts + baseMs * 0.85,
      mid: c.ts + baseMs / 2,
      open: c.open,
      // a doji still shows a body one pixel high
      close: Math.abs(c.close - c.open) < perPx ? c.open + (up ? perPx : -perPx) : c.close,
      high: c.high,
      low: c.low,
      candle: `${up ? 'up' : 'down'}${c.seen ? '' : ' (after)'}`,
    };
  });

  const oteRows =
    ctx.ote === null
      ? []
      : [
          {
            from: Math.max(ctx.ote.fromTs, from),
            to: Math.max(ctx.ote.toTs, Math.max(ctx.ote.fromTs, from) + baseMs),
            low: ctx.ote.low,
            high: ctx.ote.high,
            band: 'OTE zone',
            label: `OTE ${ctx.ote.fracLow.toFixed(3)}–${ctx.ote.fracHigh.toFixed(3)}`,
          },
        ];
  const setupDir = ctx.decision.trace.structure_dir ?? ctx.decision.trace.bias_dir;
  const zoneRows: Record<string, unknown>[] = ctx.zones.map((z) => ({
    from: Math.max(z.fromTs, from),
    to: Math.min(z.toTs, to),
    bottom: Math.max(z.bottom, yMin),
    top: Math.min(z.top, yMax),
    zone: `${z.dir === 1 ? 'bullish' : 'bearish'} ${z.kind === 'ob' ? 'order block' : 'FVG'}`,
    // the score reads the newest active zone of the setup's direction: that one stands out
    opacity: z.active ? (z.newest && z.dir === setupDir ? 0.3 : 0.12) : 0.06,
    stroke: z.newest && z.dir === setupDir ? 1.2 : 0,
  }));

  const visibleZones = zoneRows.filter(
    (z) => (z.top as number) > (z.bottom as number) && (z.to as number) > (z.from as number),
  );

  const structurePassed = ctx.decision.trace.structure_tf !== null;
  const breaks = ctx.breaks.map((b) => ({
    from: Math.max(b.fromTs, from),
    to: b.toTs,
    level: b.level,
    brk: `${b.dir === 1 ? 'bullish' : 'bearish'} ${b.kind === 'BOS' ? 'BOS' : 'CHoCH'}`,
    label: `${b.kind === 'BOS' ? 'BOS' : 'CHoCH'}${b.latest ? (structurePassed ? ' (used)' : ' (latest)') : ''}`,
    width: b.latest ? 2.5 : 1.2,
    up: b.dir === 1,
  }));

  const swings = ctx.swings.map((s) => ({
    ts: s.ts,
    level: s.level,
    swing: s.dir === 1 ? 'swing high' : 'swing low',
  }));

  // level lines from the decision to the right edge; labels spread so they never overlap
  const levels = ctx.levels.map((l) => ({ name: l.name, price: l.price, key: levelKey(l.name) }));
  const labelY = spreadLabels(
    levels.map((l) => l.price),
    (LABEL_FONT_SIZE + 3) * perPx,
  );
  const levelRows = levels.map((l, k) => ({
    ...l,
    from: ctx.decisionTs,
    to,
    labelX: to + span * 0.006,
    labelY: labelY[k],
    label: `${l.name} ${fmtPrice(l.price)}`,
  }));

  const tradeRows = (opts.trades ?? []).flatMap((t) => {
    const rows: Record<string, unknown>[] = [];
    if (t.entryTs >= from && t.entryTs <= to) {
      // no text: the entry sits on the entry level line, whose label already names the price
      rows.push({ ts: t.entryTs, price: t.entryPrice, mark: 'trade entry', label: '' });
    }
    if (t.exitTs >= from && t.exitTs <= to) {
      const pnl = `${t.netPnl >= 0 ? '+' : '−'}${Math.abs(t.netPnl).toFixed(2)}`;
      rows.push({ ts: t.exitTs, price: t.exitPrice, mark: 'trade exit', label: `${t.exitReason} ${pnl}` });
    }
    return rows;
  });

  // the axes and explicit domains are declared once (first layers); the other layers share the scales
  const xAxis = {
    type: 'temporal',
    scale: { type: 'utc', domain: [from, xMax], nice: false },
    title: `time (UTC), ${ctx.baseTimeframe} candles`,
    axis: {
      labelExpr: "[utcFormat(datum.value, '%b %d'), utcFormat(datum.value, '%H:%M')]",
      tickCount: 8,
      labelOverlap: true,
      grid: true,
    },
  };
  const yAxis = {
    type: 'quantitative',
    scale: { domain: [yMin, yMax], zero: false, nice: false },
    title: 'price',
    axis: { format: ',~r', tickCount: 8 },
  };
  const zoneScale = scaleOf(
    COLORS.zones,
    visibleZones.map((z) => z.zone),
  );
  const breakScale = scaleOf(
    COLORS.breaks,
    breaks.map((b) => b.brk),
  );
  const x = { type: 'temporal' };
  const y = { type: 'quantitative' };
  // one-column legends side by side under the chart, so together they fit its width
  const legend = (title: string, symbolType?: string) => ({
    title,
    orient: 'bottom',
    direction: 'vertical',
    columns: 1,
    symbolStrokeWidth: 2,
    labelLimit: 220,
    ...(symbolType ? { symbolType } : {}),
  });

  const layers: Record<string, unknown>[] = [
    // after the decision: shaded, the engine had not seen it
    {
      data: { values: [{ from: ctx.decisionTs, to }] },
      mark: { type: 'rect', color: '#f0f2f5', opacity: 0.9 },
      encoding: { x: { field: 'from', ...x }, x2: { field: 'to' } },
    },
    {
      data: { values: visibleZones },
      mark: { type: 'rect', clip: true },
      encoding: {
        x: { field: 'from', ...x },
        x2: { field: 'to' },
        y: { field: 'bottom', ...y },
        y2: { field: 'top' },
        fill: {
          field: 'zone',
          type: 'nominal',
          scale: zoneScale,
          legend: legend('zones'),
        },
        stroke: { field: 'zone', type: 'nominal', scale: zoneScale },
        fillOpacity: { field: 'opacity', type: 'quantitative', scale: null, legend: null },
        strokeWidth: { field: 'stroke', type: 'quantitative', scale: null, legend: null },
      },
    },
    // the OTE band: where the entry had to be, dashed so it cannot be taken for a zone
    {
      data: { values: oteRows },
      layer: [
        {
          mark: { type: 'rect', clip: true, fillOpacity: 0.22, strokeDash: [5, 3], strokeWidth: 1.5 },
          encoding: {
            x: { field: 'from', ...x },
            x2: { field: 'to' },
            y: { field: 'low', ...y },
            y2: { field: 'high' },
            fill: { field: 'band', type: 'nominal', scale: OTE_SCALE, legend: legend('setup') },
            stroke: { field: 'band', type: 'nominal', scale: OTE_SCALE },
          },
        },
        {
          mark: {
            type: 'text',
            align: 'left',
            baseline: 'bottom',
            dx: 3,
            dy: -2,
            fontSize: 10,
            color: '#7a5c00',
          },
          encoding: { x: { field: 'from', ...x }, y: { field: 'high', ...y }, text: { field: 'label' } },
        },
      ],
    },
    {
      data: { values: candles },
      mark: { type: 'rule', clip: true },
      encoding: {
        // the explicit time domain sits on a layer without x2: with x2, vega-lite merges it twice
        x: { field: 'mid', ...xAxis },
        y: { field: 'low', ...yAxis },
        y2: { field: 'high' },
        color: { field: 'candle', type: 'nominal', scale: candleScale(), legend: null },
      },
    },
    {
      data: { values: candles },
      mark: { type: 'rect', clip: true },
      encoding: {
        x: { field: 'x0', ...x },
        x2: { field: 'x1' },
        y: { field: 'open', ...y },
        y2: { field: 'close' },
        color: { field: 'candle', type: 'nominal', scale: candleScale(), legend: null },
      },
    },
    {
      data: { values: breaks },
      mark: { type: 'rule', clip: true },
      encoding: {
        x: { field: 'from', ...x },
        x2: { field: 'to' },
        y: { field: 'level', ...y },
        color: {
          field: 'brk',
          type: 'nominal',
          scale: breakScale,
          legend: legend('structure', 'stroke'),
        },
        strokeWidth: { field: 'width', type: 'quantitative', scale: null, legend: null },
      },
    },
    {
      data: { values: breaks.filter((b) => b.up) },
      mark: {
        type: 'text',
        align: 'right',
        baseline: 'bottom',
        dy: -3,
        fontSize: 10,
        fontWeight: 'bold',
        clip: true,
      },
      encoding: {
        x: { field: 'to', ...x },
        y: { field: 'level', ...y },
        text: { field: 'label' },
        color: { field: 'brk', type: 'nominal', scale: breakScale, legend: null },
      },
    },
    {
      data: { values: breaks.filter((b) => !b.up) },
      mark: {
        type: 'text',
        align: 'right',
        baseline: 'top',
        dy: 3,
        fontSize: 10,
        fontWeight: 'bold',
        clip: true,
      },
      encoding: {
        x: { field: 'to', ...x },
        y: { field: 'level', ...y },
        text: { field: 'label' },
        color: { field: 'brk', type: 'nominal', scale: breakScale, legend: null },
      },
    },
    {
      data: { values: swings },
      mark: { type: 'point', filled: true, size: 70, clip: true },
      encoding: {
        x: { field: 'ts', ...x },
        y: { field: 'level', ...y },
        color: {
          field: 'swing',
          type: 'nominal',
          scale: scaleOf(
            COLORS.swings,
            swings.map((r) => r.swing),
          ),
          legend: legend(`swings (${ctx.structureTimeframe})`),
        },
        shape: {
          field: 'swing',
          type: 'nominal',
          scale: scaleOf(
            { 'swing high': 'triangle-down', 'swing low': 'triangle-up' },
            swings.map((r) => r.swing),
          ),
        },
      },
    },
    // decision time
    {
      data: {
        values: [
          { ts: ctx.decisionTs, top: yMax, bottom: yMin, label: `decision ${utcLabel(ctx.decisionTs)}` },
        ],
      },
      layer: [
        {
          mark: { type: 'rule', color: '#1f2328', strokeDash: [4, 3] },
          encoding: { x: { field: 'ts', ...x } },
        },
        {
          mark: { type: 'text', align: 'right', baseline: 'top', dx: -4, dy: 4, fontSize: LABEL_FONT_SIZE },
          encoding: { x: { field: 'ts', ...x }, y: { field: 'top', ...y }, text: { field: 'label' } },
        },
        {
          // short, at the foot of the shaded span: the level labels sit right of the span, the decision
          // label left of the rule, so nothing collides
          mark: {
            type: 'text',
            align: 'left',
            baseline: 'bottom',
            dx: 4,
            dy: -4,
            fontSize: LABEL_FONT_SIZE - 1,
            color: '#57606a',
          },
          encoding: {
            x: { field: 'ts', ...x },
            y: { field: 'bottom', ...y },
            text: { value: 'not seen' },
          },
        },
      ],
    },
    {
      data: { values: levelRows },
      layer: [
        {
          mark: { type: 'rule', strokeWidth: 1.5, strokeDash: [6, 3] },
          encoding: {
            x: { field: 'from', ...x },
            x2: { field: 'to' },
            y: { field: 'price', ...y },
            color: {
              field: 'key',
              type: 'nominal',
              scale: scaleOf(
                COLORS.levels,
                levelRows.map((r) => r.key),
              ),
              legend: legend('levels', 'stroke'),
            },
          },
        },
        {
          mark: {
            type: 'text',
            align: 'left',
            baseline: 'middle',
            fontSize: LABEL_FONT_SIZE,
            fontWeight: 'bold',
          },
          encoding: {
            x: { field: 'labelX', ...x },
            y: { field: 'labelY', ...y },
            text: { field: 'label' },
            color: {
              field: 'key',
              type: 'nominal',
              scale: scaleOf(
                COLORS.levels,
                levelRows.map((r) => r.key),
              ),
            },
          },
        },
      ],
    },
  ];
  if (tradeRows.length > 0) {
    // markers only: exit reasons and P&L go in the subtitle, text here would collide with the level labels
    layers.push({
      data: { values: tradeRows },
      mark: { type: 'point', filled: true, size: 110, stroke: 'white', strokeWidth: 1 },
      encoding: {
        x: { field: 'ts', ...x },
        y: { field: 'price', ...y },
        color: {
          field: 'mark',
          type: 'nominal',
          scale: scaleOf(
            COLORS.trades,
            tradeRows.map((r) => r.mark),
          ),
          legend: legend('run trades'),
        },
        shape: {
          field: 'mark',
          type: 'nominal',
          scale: scaleOf(
            { 'trade entry': 'diamond', 'trade exit': 'square' },
            tradeRows.map((r) => r.mark),
          ),
        },
      },
    });
  }

  return {
    width,
    height,
    // a layer without rows would still draw its legend (with a made-up entry)
    layer: layers.filter(hasRows),
    resolve: {
      scale: { color: 'independent', fill: 'independent', stroke: 'independent', shape: 'independent' },
      legend: { color: 'independent', fill: 'independent', stroke: 'independent', shape: 'independent' },
    },
  };
}

const OTE_SCALE = { domain: ['OTE zone'], range: ['#e6b800'] };

function hasRows(layer: Record<string, unknown>): boolean {
  const data = layer.data as { values?: unknown[] } | undefined;
  return data?.values === undefined || data.values.length > 0;
}

function candleScale(): { domain: string[]; range: string[] } {
  return {
    domain: ['up', 'down', 'up (after)', 'down (after)'],
    range: [COLORS.up, COLORS.down, COLORS.upAfter, COLORS.downAfter],
  };
}

const PANEL_WIDTH = 400;
const ROW_PX = 17;

/** Rows of the gate-trace panel: one header per gate, then its value lines. */
export function tracePanelRows(
  ctx: SignalContext,
): { row: number; x: number; text: string; status: string; kind: string }[] {
  const out: { row: number; x: number; text: string; status: string; kind: string }[] = [];
  let row = 0;
  for (const g of gateRows(ctx.decision, ctx.config)) {
    const icon = g.status === 'pass' ? '✓' : g.status === 'reject' ? '✗' : '·';
    out.push({ row, x: 0, text: icon, status: g.status, kind: 'head' });
    out.push({ row, x: 18, text: g.gate, status: g.status, kind: 'head' });
    out.push({
      row,
      x: 100,
      text: g.status === 'reject' ? `REJECT ${g.reason ?? ''}` : g.status,
      status: g.status,
      kind: 'head',
    });
    row++;
    for (const d of g.details) {
      out.push({
        row,
        x: 18,
        text: d,
        status: g.status === 'not reached' ? 'not reached' : 'info',
        kind: 'detail',
      });
      row++;
    }
  }
  row++;
  out.push({
    row,
    x: 0,
    text: `→ ${verdict(ctx.decision)}`,
    status: ctx.decision.action === 'NO_SIGNAL' ? 'reject' : 'pass',
    kind: 'head',
  });
  return out;
}

function tracePanel(ctx: SignalContext, height: number): Record<string, unknown> {
  const rows = tracePanelRows(ctx);
  const n = Math.max(...rows.map((r) => r.row)) + 1;
  const h = Math.max(height, n * ROW_PX);
  const enc = {
    x: { field: 'x', type: 'quantitative', scale: { domain: [0, PANEL_WIDTH] }, axis: null },
    y: {
      field: 'row',
      type: 'quantitative',
      scale: { domain: [-0.5, h / ROW_PX - 0.5], reverse: true },
      axis: null,
    },
    text: { field: 'text' },
    color: { field: 'status', type: 'nominal', scale: scaleOf(COLORS.status), legend: null },
  };
  return {
    width: PANEL_WIDTH,
    height: h,
    title: { text: 'Gate trace (pipeline order)', anchor: 'start', fontSize: 13 },
    view: { stroke: '#d0d7de', fill: '#fbfcfd' },
    data: { values: rows },
    layer: [
      {
        transform: [{ filter: "datum.kind === 'head'" }],
        mark: {
          type: 'text',
          align: 'left',
          baseline: 'middle',
          fontSize: 12,
          fontWeight: 'bold',
          dx: 6,
          limit: PANEL_WIDTH - 12,
        },
        encoding: enc,
      },
      {
        transform: [{ filter: "datum.kind === 'detail'" }],
        mark: {
          type: 'text',
          align: 'left',
          baseline: 'middle',
          fontSize: LABEL_FONT_SIZE,
          dx: 6,
          limit: PANEL_WIDTH - 30,
        },
        encoding: enc,
      },
    ],
  };
}

/** One subtitle line per run trade entered within two base bars of the decision (the trade it led to). */
function tradeLines(ctx: SignalContext, trades: readonly ChartTrade[]): string[] {
  const baseMs = TIMEFRAME_MS[ctx.baseTimeframe];
  return trades
    .filter((t) => t.entryTs >= ctx.decisionTs - baseMs && t.entryTs <= ctx.decisionTs + 2 * baseMs)
    .map(
      (t) =>
        `run trade: ${t.side} ${fmtPrice(t.entryPrice)} at ${utcLabel(t.entryTs)} → ${t.exitReason} ${fmtPrice(t.exitPrice)} ` +
        `at ${utcLabel(t.exitTs)}, net ${t.netPnl >= 0 ? '+' : '−'}${Math.abs(t.netPnl).toFixed(2)}`,
    );
}

/** The complete signal chart spec (price panel + gate-trace panel). */
export function signalChartSpec(ctx: SignalContext, opts: SignalSpecOptions = {}): TopLevelSpec {
  const height = opts.height ?? 440;
  return {
    $schema: SCHEMA,
    title: {
      text: `${ctx.symbol} ${ctx.baseTimeframe}: ${verdict(ctx.decision)}`,
      subtitle: [
        `decision at ${utcLabel(ctx.decisionTs)}; annotations from ${ctx.structureTimeframe} structure, computed only from bars closed by then`,
        ...tradeLines(ctx, opts.trades ?? []),
      ],
      anchor: 'start',
      fontSize: 15,
      subtitleFontSize: 12,
      subtitleColor: '#57606a',
    },
    config: {
      font: FONT,
      view: { stroke: null },
      axis: { labelFontSize: LABEL_FONT_SIZE, titleFontSize: 12, gridColor: '#eef0f2' },
      legend: { labelFontSize: LABEL_FONT_SIZE, titleFontSize: 11, symbolSize: 120, columnPadding: 12 },
    },
    spacing: 28,
    hconcat: [pricePanel(ctx, opts), tracePanel(ctx, height)],
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
  } as unknown as TopLevelSpec;
}
