import { actionName } from '../strategy.ts';
import { REGIMES } from './config.ts';
import { KIND_BOS } from './context/structure-leg.ts';
import {
  GATES,
  type Gate,
  REASON_GATE_INDEX,
  REASON_NAMES,
  type SmcDecision,
  type SmcTrace,
  STRUCTURE_STATUS,
} from './decision.ts';
import type { GateScratch } from './evaluate.ts';

export const SMC_STRATEGY_ID = 'smc';

const GATE_ORDER: Readonly<Record<Gate, number>> = Object.fromEntries(GATES.map((g, i) => [g, i])) as Record<
  Gate,
  number
>;

// Module-level helpers rather than closures in describeScratch: it runs once per signal, and a closure
// per call is measurable there.
/** A gate's values exist when evaluation got past the gate before it. */
function reachedGate(failedIdx: number, g: Gate): boolean {
  return failedIdx >= GATE_ORDER[g];
}
function passedGate(failedIdx: number, g: Gate): boolean {
  return failedIdx > GATE_ORDER[g];
}
/** Inputs read before a warm-up rejection are reported; evaluate clears them when it read none. */
function num(x: number, ok: boolean): number | null {
  return ok && Number.isFinite(x) ? x : null;
}

/**
 * Builds the full Decision from one evaluation's scratch. Values of gates after the failing one are
 * null: they were not computed for this bar.
 */
export function describeScratch(sc: GateScratch, symbol: string, decisionTime: number): SmcDecision {
  const failedIdx = sc.reason === 0 ? GATES.length : REASON_GATE_INDEX[sc.reason];
  const failed: Gate | null = sc.reason === 0 ? null : GATES[failedIdx];

  const structureOk = passedGate(failedIdx, 'structure');
  const regimeDone = reachedGate(failedIdx, 'regime') && structureOk;
  const targetsDone = reachedGate(failedIdx, 'targets') && passedGate(failedIdx, 'ote');
  const scoreDone = reachedGate(failedIdx, 'score') && passedGate(failedIdx, 'targets');
  const kind = structureOk ? (sc.sKind === KIND_BOS ? 'BOS' : 'CHOCH') : null;
  const trace: SmcTrace = {
    bar: sc.bar,
    gate_failed: failed,
    bias_dir: reachedGate(failedIdx, 'bias') ? sc.biasDir : null,
    bias_close: num(sc.biasClose, true),
    bias_ema: num(sc.biasEma, true),
    structure_tf: structureOk ? sc.sTimeframe : null,
    structure_status: reachedGate(failedIdx, 'structure') ? STRUCTURE_STATUS[sc.primaryStatus] : null,
    structure_kind: kind,
    structure_dir: structureOk ? sc.sDir : null,
    structure_level: num(sc.sLevel, structureOk),
    structure_known_ts: num(sc.sKnownTs, structureOk),
    structure_age_bars: structureOk ? sc.sAge : null,
    leg_origin: num(sc.origin, structureOk),
    leg_extreme: num(sc.extreme, structureOk),
    regime: regimeDone ? REGIMES[sc.regime] : null,
    leg_atr: num(sc.legAtr, regimeDone),
    atr: num(sc.atr, true),
    atr_percentile: num(sc.atrPct, true),
    retracement: num(sc.retracement, reachedGate(failedIdx, 'ote')),
    ote_low: num(sc.oteLow, reachedGate(failedIdx, 'ote')),
    ote_high: num(sc.oteHigh, reachedGate(failedIdx, 'ote')),
    stop_atr_mult: num(sc.stopMult, targetsDone),
    rr_tp1: num(sc.rr, targetsDone),
    score_structure: scoreDone ? sc.scStructure : null,
    score_ote: scoreDone ? sc.scOte : null,
    score_regime: scoreDone ? sc.scRegime : null,
    score_order_block: scoreDone ? sc.scOb : null,
    score_fvg: scoreDone ? sc.scFvg : null,
    score_htf_alignment: scoreDone ? sc.scHtf : null,
  };
  const setupType =
    structureOk && kind !== null
      ? `${kind}_${sc.sTimeframe.toUpperCase()}${sc.usedFallback ? '_FALLBACK' : ''}${scoreDone && sc.scOb > 0 ? '_OB' : ''}`
      : null;
  return {
    strategyId: SMC_STRATEGY_ID,
    symbol,
    ts: decisionTime,
    action: actionName(sc.action),
    reasons: sc.reason === 0 ? [] : [REASON_NAMES[sc.reason]],
    entry: num(sc.entry, structureOk),
    stop: num(sc.stop, targetsDone),
    tp1: num(sc.tp1, targetsDone),
    tp2: num(sc.tp2, targetsDone),
    tp3: num(sc.tp3, targetsDone),
    score: num(sc.score, scoreDone),
    setupType,
    trace,
  };
}
