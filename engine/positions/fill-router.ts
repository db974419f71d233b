import type { Fill } from '../broker.ts';
import { parseClientId } from './client-id.ts';
import type { PositionRegistry } from './registry.ts';
import type { ManagedPosition, PositionEvent } from './types.ts';

/**
 * Maps a broker fill to the position it belongs to and the FSM event it is, through the client order id
 * (client-id.ts). Null for fills of orders the bot did not place (a manual trade) — reconciliation sees
 * their effect on the exchange position.
 */
export function routeFill(
  registry: PositionRegistry,
  fill: Fill,
): { position: ManagedPosition; event: PositionEvent } | null {
  const parsed = parseClientId(fill.clientId);
  if (parsed === null) return null;
  const position = registry.get(parsed.positionId);
  if (position === undefined) return null;
  switch (parsed.role) {
    case 'entry':
      return { position, event: { type: 'ENTRY_FILL', fill } };
    case 'stop':
      return { position, event: { type: 'STOP_FILL', fill } };
    case 'tp':
      return parsed.level === undefined
        ? null
        : { position, event: { type: 'TP_FILL', level: parsed.level, fill } };
    case 'close':
      return { position, event: { type: 'CLOSE_FILL', fill } };
  }
}
