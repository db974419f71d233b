import { alignDown, TIMEFRAME_MS, type Timeframe } from '../../data/timeframes.ts';
import { BrokerError } from '../../engine/broker.ts';
import type { Clock } from '../../engine/clock.ts';
import type { Logger } from '../../engine/log.ts';
import type { CycleSummary, LiveRunner } from './runner.ts';

/**
 * The loops around a started {@link LiveRunner}. A tick is never interrupted: a stop request (SIGINT,
 * SIGTERM → the AbortSignal) is honoured between ticks, so no entry is left without the protection the
 * same tick would have placed.
 */

export interface LoopOptions {
  clock: Clock;
  signal: AbortSignal;
  logger: Logger;
  baseTimeframe: Timeframe;
  /** Longest sleep between ticks (default 60 s): fills, reconciliation and protection run at least this often. */
  pollMs?: number;
  /** Delay after a bar boundary before its tick, so the venue has the bar (default 2 s). */
  settleMs?: number;
  /** After each tick (ops: metrics, health, status file). */
  onCycle?: (s: CycleSummary, at: number) => void;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Sleeps `ms`, waking early (without error) when `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Wall-clock loop: ticks at each base-bar boundary (plus `settleMs`) and at least every `pollMs`, until
 * `signal` aborts. A failed tick is logged and the loop goes on — except an authentication failure,
 * which ends it (a revoked key must not leave a runner looping blind).
 */
export async function runLoop(runner: LiveRunner, o: LoopOptions): Promise<void> {
  const span = TIMEFRAME_MS[o.baseTimeframe];
  const pollMs = o.pollMs ?? 60_000;
  const settle = o.settleMs ?? 2_000;
  const sleep = o.sleep ?? abortableSleep;
  while (!o.signal.aborted) {
    try {
      const s = await runner.tick();
      o.onCycle?.(s, o.clock.now());
    } catch (err) {
      if (err instanceof BrokerError && err.kind === 'authentication') throw err;
      o.logger.error(
        { err: err instanceof Error ? err.message : String(err) },
        'Tick failed: retrying next cycle',
      );
    }
    const now = o.clock.now();
    const nextBar = alignDown(now, o.baseTimeframe) + span + settle;
    await sleep(Math.max(0, Math.min(now + pollMs, nextBar) - now), o.signal);
  }
}

export interface ReplayOptions {
  /** The replay clock both the runner and the fake exchange read. */
  clock: { now(): number; set(t: number): void };
  signal: AbortSignal;
  logger: Logger;
  baseTimeframe: Timeframe;
  /** Last bar close to replay. */
  until: number;
  /** Wall-clock pause between bars (0 = as fast as possible). */
  delayMs?: number;
  /**
   * The live loop's poll period (default 60 s, `smc live --poll-seconds`): after each bar's tick, one more
   * tick this long after the boundary, as the wall-clock loop would run, so an entry filled at the
   * boundary is seen and protected within a poll — not a bar later. 0 (or ≥ one bar) = one tick per bar.
   */
  pollMs?: number;
  onCycle?: (s: CycleSummary, at: number) => void;
}

/**
 * Paper replay: moves the clock one base bar at a time, from its current time to `until`, with a tick at
 * each bar boundary and one a poll period later (see {@link ReplayOptions.pollMs}). Returns the bars
 * replayed.
 *
 * Why the second tick: the venue fills a market entry at once, but the runner learns of fills by polling.
 * With one tick per bar (session-2 finding) every entry stayed without its stop for a whole bar on the
 * replay's clock — against a 90 s grace — so two entries on consecutive bars tripped
 * NAKED_POSITIONS_DETECTED (persistent) and the kill switch, and a stop could not trigger inside the entry
 * bar as it does in a backtest.
 */
export async function runReplay(runner: LiveRunner, o: ReplayOptions): Promise<number> {
  const span = TIMEFRAME_MS[o.baseTimeframe];
  const poll = o.pollMs ?? 60_000;
  let n = 0;
  for (let t = o.clock.now(); t <= o.until && !o.signal.aborted; t += span) {
    o.clock.set(t);
    const s = await runner.tick();
    n++;
    o.onCycle?.(s, t);
    if (poll > 0 && poll < span && !o.signal.aborted) {
      o.clock.set(t + poll);
      o.onCycle?.(await runner.tick(), t + poll);
    }
    if ((o.delayMs ?? 0) > 0) await abortableSleep(o.delayMs ?? 0, o.signal);
  }
  return n;
}
