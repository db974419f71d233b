import { EmaCrossStrategy } from '../../../strategies/ema-cross/ema-cross.ts';
import { MOMENTUM_TRACE_GATES, MomentumStrategy } from '../../../strategies/momentum/index.ts';
import { SmcStrategy } from '../../../strategies/smc/pipeline.ts';
import type { Decision, Strategy } from '../../../strategies/strategy.ts';

/**
 * What a field of a Decision belongs to, so a check can say *which gate and which indicator* a difference
 * comes from (e.g. `trace.bias_ema` → gate `bias`, indicator `EMA 200 (1d)`), not just that one exists.
 */
export interface FieldInfo {
  readonly gate: string;
  readonly indicator: string | null;
}

export type FieldInfoOf = (field: string) => FieldInfo;

const DECISION_FIELD_GATES: Readonly<Record<string, string>> = {
  action: 'decision',
  reasons: 'decision',
  entry: 'decision',
  stop: 'targets',
  tp1: 'targets',
  tp2: 'targets',
  tp3: 'targets',
  score: 'score',
  setupType: 'decision',
};

function smcFields(s: SmcStrategy): Record<string, FieldInfo> {
  const c = s.config;
  const bias = `EMA ${c.bias.ema_period} (${c.bias.timeframe})`;
  const tfs = `${c.structure.timeframe}${c.structure.accept_1h_fallback ? ' + 1h fallback' : ''}`;
  const structure = `BOS/CHoCH, swing ${c.structure.swing_length} (${tfs})`;
  const atr = `ATR ${c.stop.atr_period} (4h)`;
  const pct = `ATR/close percentile ${c.regimes.atr_percentile_window} (4h)`;
  const f = (gate: string, indicator: string | null = null): FieldInfo => ({ gate, indicator });
  return {
    gate_failed: f('decision'),
    bias_dir: f('bias', bias),
    bias_close: f('bias', `close (${c.bias.timeframe})`),
    bias_ema: f('bias', bias),
    structure_tf: f('structure', structure),
    structure_status: f('structure', structure),
    structure_kind: f('structure', structure),
    structure_dir: f('structure', structure),
    structure_level: f('structure', structure),
    structure_known_ts: f('structure', structure),
    structure_age_bars: f('structure', structure),
    leg_origin: f('structure', structure),
    leg_extreme: f('structure', structure),
    regime: f('regime', `${atr}, ${pct}`),
    leg_atr: f('regime', atr),
    atr: f('regime', atr),
    atr_percentile: f('regime', pct),
    retracement: f('ote', structure),
    ote_low: f('ote'),
    ote_high: f('ote'),
    stop_atr_mult: f('targets', atr),
    rr_tp1: f('targets', atr),
    stop: f('targets', atr),
    tp1: f('targets', structure),
    tp2: f('targets', structure),
    tp3: f('targets', structure),
    setupType: f('structure', structure),
    score_structure: f('score', structure),
    score_ote: f('score'),
    score_regime: f('score', `${atr}, ${pct}`),
    score_order_block: f('score', `order blocks (${tfs})`),
    score_fvg: f('score', `fair value gaps (${tfs})`),
    score_htf_alignment: f('score', `BOS/CHoCH, swing ${c.structure.swing_length} (4h and 1h)`),
  };
}

function momentumFields(s: MomentumStrategy): Record<string, FieldInfo> {
  const c = s.config;
  const donchian = `Donchian ${c.channel.bars} (${c.channel.timeframe})`;
  const atr = `ATR ${c.atr.period} (${c.channel.timeframe})`;
  const ema = `EMA ${c.trend.ema_period} (${c.trend.timeframe})`;
  const indicator: Record<string, string> = {
    channel_high: donchian,
    channel_low: donchian,
    channel_close_ts: donchian,
    atr,
    breakout_atr: `${donchian}, ${atr}`,
    trend_close: `close (${c.trend.timeframe})`,
    trend_ema: ema,
    trend_dir: ema,
    stop: atr,
    tp1: atr,
    tp2: atr,
    tp3: atr,
    score: `${donchian}, ${atr}`,
  };
  const out: Record<string, FieldInfo> = { gate_failed: { gate: 'decision', indicator: null } };
  for (const [field, gate] of Object.entries(MOMENTUM_TRACE_GATES))
    out[field] = { gate, indicator: indicator[field] ?? null };
  for (const field of ['stop', 'tp1', 'tp2', 'tp3', 'score'])
    out[field] = { gate: DECISION_FIELD_GATES[field], indicator: indicator[field] };
  return out;
}

function emaCrossFields(s: EmaCrossStrategy): Record<string, FieldInfo> {
  return {
    fast: { gate: 'cross', indicator: `EMA ${s.params.fast}` },
    slow: { gate: 'cross', indicator: `EMA ${s.params.slow}` },
    close: { gate: 'cross', indicator: null },
  };
}

/**
 * Field → gate/indicator of the strategy's decisions. Fields are named as in the Decision (`stop`) or
 * with a `trace.` prefix for trace values (`trace.bias_ema`). Unknown strategies get gate `trace`.
 */
export function fieldInfoOf(strategy: Strategy<Decision<object>>): FieldInfoOf {
  const table =
    strategy instanceof SmcStrategy
      ? smcFields(strategy)
      : strategy instanceof MomentumStrategy
        ? momentumFields(strategy)
        : strategy instanceof EmaCrossStrategy
          ? emaCrossFields(strategy)
          : {};
  return (field) => {
    const key = field.startsWith('trace.') ? field.slice('trace.'.length) : field;
    const known = table[key];
    if (known !== undefined) return known;
    if (!field.startsWith('trace.') && DECISION_FIELD_GATES[key] !== undefined)
      return { gate: DECISION_FIELD_GATES[key], indicator: null };
    return { gate: 'trace', indicator: null };
  };
}
