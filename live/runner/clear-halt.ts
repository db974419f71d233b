import type { Logger } from '../../engine/log.ts';
import { KillSwitch } from '../../engine/safety/kill-switch.ts';
import { type HaltState, NO_HALT } from '../../engine/safety/types.ts';
import type { JsonValue, LiveStore } from '../store/live-store.ts';
import { STATE_KEYS } from './state-keys.ts';

/**
 * An operator lifts a persisted halt (seed §7 "Persisted State Files Can Block Startup": a halted system
 * stays halted across restarts until someone clears it). Same semantics as
 * `SafetySupervisor.clearManually`: the kill switch is cleared `by: 'manual'` (logged "Kill switch
 * cleared"), and the cleared state is written where the runner reads it at startup — the halt record and
 * the copy inside the safety snapshot. The invariant monitor's state is kept: if the cause is still there,
 * the next check halts again. Returns the halt that was cleared, or null when none was active.
 *
 * Needs the store to itself: DuckDB refuses a second process, so a running `smc live` on the same store
 * makes `LiveStore.open` fail before this is reached.
 */
export async function clearStoredHalt(
  store: Pick<LiveStore, 'loadHaltState' | 'saveHaltState' | 'getState' | 'setState'>,
  now: number,
  logger: Logger,
): Promise<HaltState | null> {
  const halt = await store.loadHaltState();
  if (!halt.active) return null;
  const ks = new KillSwitch(logger, halt);
  ks.clear(now, 'manual');
  await store.saveHaltState(ks.state, now);
  const snap = await store.getState(STATE_KEYS.safety);
  if (snap !== null && typeof snap === 'object' && !Array.isArray(snap) && 'halt' in snap) {
    await store.setState(STATE_KEYS.safety, { ...snap, halt: { ...NO_HALT } as JsonValue }, now);
  }
  return halt;
}
