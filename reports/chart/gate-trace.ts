import type { StrategyConfig } from '../../strategies/smc/config.ts';
import { GATES, type Gate, type SmcDecision } from '../../strategies/smc/decision.ts';

/**
 * The gate trace of one SMC decision in words: for each gate in pipeline order, whether it passed,
 * rejected or was not reached, and the values it decided on. Shared by the signal chart (PNG/SVG panel),
 * its HTML table and the notebooks.
 */

export type GateStatus = 'pass' | 'reject' | 'not reached';

export interface GateRow {
  readonly gate: Gate;
  readonly status: GateStatus;
  /** Reason code when rejected. */
  readonly reason: string | null;
  /** Short value lines, each under ~48 characters so they fit the chart panel. */
  readonly details: readonly string[];
}

const SIG = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });

/** A price with six significant digits and thousands separators: 11,177.5 · 0.071234. */
export function fmtPrice(x: number | null): string {
  return x === null || !Number.isFinite(x) ? '—' : SIG.format(x);
}

function fixed(x: number | null, digits = 2): string {
  return x === null || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}

function dirWord(d: number | null): string {
  return d === null ? '—' : d > 0 ? 'long' : d < 0 ? 'short' : 'neutral';
}

function arrow(d: number | null): string {
  return d === null ? '' : d > 0 ? '↑' : '↓';
}

function utc(ts: number | null): string {
  return ts === null ? '—' : new Date(ts).toISOString().slice(5, 16).replace('T', ' ');
}

function gateDetails(g: Gate, d: SmcDecision, cfg: StrategyConfig, status: GateStatus): string[] {
  const t = d.trace;
  switch (g) {
    case 'warmup':
      return status === 'reject'
        ? [
            `needs ${cfg.warmup.daily_bars} ${cfg.bias.timeframe} + ${cfg.warmup.decision_bars} ${cfg.structure.timeframe} bars, EMA, ATR`,
          ]
        : [
            `${cfg.bias.timeframe} EMA ${cfg.bias.ema_period}, ${cfg.structure.timeframe} ATR ${cfg.stop.atr_period} ready`,
          ];
    case 'bias':
      if (t.bias_close === null) return [];
      return [
        `${cfg.bias.timeframe} close ${fmtPrice(t.bias_close)} vs EMA${cfg.bias.ema_period} ${fmtPrice(t.bias_ema)}`,
        `→ ${dirWord(t.bias_dir)}${cfg.bias.neutral_band > 0 ? ` (neutral band ${cfg.bias.neutral_band})` : ''}`,
      ];
    case 'structure': {
      if (status === 'not reached') return [];
      const tf = t.structure_tf ?? cfg.structure.timeframe;
      if (status === 'reject') {
        const why: Record<string, string> = {
          none: 'no break known yet',
          against_bias: 'latest break is against the bias',
          stale: `latest break older than ${cfg.structure.max_age_bars} bars`,
          invalidated: 'a close went beyond the leg origin',
          ok: 'ok',
        };
        return [
          `${tf}: ${why[t.structure_status ?? 'none'] ?? t.structure_status}`,
          ...(cfg.structure.accept_1h_fallback ? ['1h fallback: none valid either'] : []),
        ];
      }
      return [
        `${tf} ${t.structure_kind === 'CHOCH' ? 'CHoCH' : 'BOS'} ${arrow(t.structure_dir)} through ${fmtPrice(t.structure_level)}`,
        `known ${utc(t.structure_known_ts)}, age ${t.structure_age_bars ?? '—'} of max ${cfg.structure.max_age_bars} bars`,
        `leg ${fmtPrice(t.leg_origin)} → ${fmtPrice(t.leg_extreme)}`,
      ];
    }
    case 'regime':
      if (status === 'not reached') return [];
      return [
        `${t.regime ?? '—'}: leg ${fixed(t.leg_atr, 1)} × 4h ATR, ATR pct ${fixed(t.atr_percentile, 2)}`,
        `allowed: ${cfg.regimes.allowed.join(', ')}`,
      ];
    case 'ote':
      if (status === 'not reached') return [];
      if (!cfg.ote.enabled) return ['OTE gate disabled'];
      return [
        `retracement ${fixed(t.retracement, 3)} ${status === 'pass' ? 'inside' : 'outside'} [${fixed(t.ote_low, 3)}, ${fixed(t.ote_high, 3)}]`,
      ];
    case 'targets':
      if (status === 'not reached') return [];
      return [
        `stop ${fmtPrice(d.stop)} (origin ∓ ${fixed(t.stop_atr_mult, 2)} × ATR)`,
        `TP1 ${fmtPrice(d.tp1)}, RR ${fixed(t.rr_tp1, 2)} (min ${cfg.targets.min_rr})`,
      ];
    case 'score': {
      if (status === 'not reached') return [];
      const n = (x: number | null) => (x === null ? '—' : String(Math.round(x * 10) / 10));
      return [
        `${n(d.score)} vs threshold ${cfg.score.threshold}`,
        `structure ${n(t.score_structure)} + OTE ${n(t.score_ote)} + regime ${n(t.score_regime)}`,
        `+ OB ${n(t.score_order_block)} + FVG ${n(t.score_fvg)} + HTF ${n(t.score_htf_alignment)}`,
      ];
    }
  }
}

/** The trace of `d` gate by gate (the first failing gate rejects; later gates were not evaluated). */
export function gateRows(d: SmcDecision, cfg: StrategyConfig): GateRow[] {
  const failed = d.trace.gate_failed;
  const failedIdx = failed === null ? GATES.length : GATES.indexOf(failed);
  return GATES.map((gate, i) => {
    const status: GateStatus = i < failedIdx ? 'pass' : i === failedIdx ? 'reject' : 'not reached';
    return {
      gate,
      status,
      reason: status === 'reject' ? (d.reasons[0] ?? null) : null,
      details: gateDetails(gate, d, cfg, status),
    };
  });
}

/** One-line verdict: "LONG, score 75 (BOS_4H_OB)" or "NO_SIGNAL: ENTRY_NOT_IN_OTE". */
export function verdict(d: SmcDecision): string {
  if (d.action === 'NO_SIGNAL') return `NO_SIGNAL: ${d.reasons[0] ?? 'unknown'}`;
  return `${d.action}, score ${d.score === null ? '—' : Math.round(d.score)}${d.setupType ? ` (${d.setupType})` : ''}`;
}
