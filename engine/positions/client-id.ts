import type { OrderRole, TpLevel } from './types.ts';

/**
 * Client order ids tie every order and fill back to its position and role: `<positionId>_entry`,
 * `<positionId>_sl-<n>`, `<positionId>_tp<level>-<n>`, `<positionId>_close-<n>`. They are the
 * idempotency keys of the write-ahead intents (a retried intent reuses its id). Position ids contain no
 * underscore (see {@link positionIdFor}).
 */

export function positionIdFor(symbol: string, ts: number, origin: 'sig' | 'imp' = 'sig'): string {
  return `${origin}-${symbol.replace(/[^A-Za-z0-9]/g, '')}-${ts}`;
}

export function entryClientId(positionId: string): string {
  return `${positionId}_entry`;
}

export function stopClientId(positionId: string, seq: number): string {
  return `${positionId}_sl-${seq}`;
}

export function tpClientId(positionId: string, level: TpLevel, seq: number): string {
  return `${positionId}_tp${level}-${seq}`;
}

export function closeClientId(positionId: string, seq: number): string {
  return `${positionId}_close-${seq}`;
}

export interface ParsedClientId {
  readonly positionId: string;
  readonly role: OrderRole;
  readonly level?: TpLevel;
}

const PATTERN = /^([^_]+)_(entry|sl|tp[123]|close)(?:-(\d+))?$/;

/** Reads a client id written by this module; null for anything else (an order the bot did not place). */
export function parseClientId(clientId: string): ParsedClientId | null {
  const m = PATTERN.exec(clientId);
  if (m === null) return null;
  const [, positionId, tag] = m;
  if (tag === 'entry') return { positionId, role: 'entry' };
  if (tag === 'sl') return { positionId, role: 'stop' };
  if (tag === 'close') return { positionId, role: 'close' };
  return { positionId, role: 'tp', level: Number(tag.slice(2)) as TpLevel };
}
