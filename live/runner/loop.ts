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
  onCycle?: (s: CycleSummary, at: number) => void;
}

/** Paper replay: moves the clock one base bar per tick, from its current time to `until`. Returns the ticks run. */
export async function runReplay(runner: LiveRunner, o: ReplayOptions): Promise<number> {
  const span = TIMEFRAME_MS[o.baseTimeframe];
  let n = 0;
  for (let t = o.clock.now(); t <= o.until && !o.signal.aborted; t += span) {
    o.clock.set(t);
    const s = await runner.tick();
    n++;
    o.onCycle?.(s, t);
    if ((o.delayMs ?? 0) > 0) await abortableSleep(o.delayMs ?? 0, o.signal);
  }
  return n;
}
