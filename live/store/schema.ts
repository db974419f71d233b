/**
 * Layout of the live store (one DuckDB file, `.local/live.duckdb` by default). Money and quantities are
 * decimal strings (VARCHAR): exact, and read back into decimal.js without a float in between. Times are
 * UTC ms (BIGINT). Rows are never deleted: finished positions stay with their final state, intents keep
 * their outcome, so the file is also the audit log of the live run.
 *
 * - `positions`: the position FSM state per position id, as the registry's JSON form
 *   (engine/positions/registry.ts `serializePosition`), with `active` for the restart query.
 * - `intents`: write-ahead order intents (engine/positions/actions.ts `IntentRecord`), written before the
 *   order leaves; `status` is `pending` until the venue answered (`ok` or a BrokerError kind). A pending
 *   intent after a restart is an order whose fate is unknown: reconcile it by its client id.
 * - `fills`: every fill seen, keyed by the venue's fill id (recording twice changes nothing).
 * - `trades`: closed round trips with P&L (engine/metrics/trade-record.ts), unique per position.
 * - `state`: small JSON values by key — the halt (kill switch) state, auto-recovery history, counters.
 */
export const LIVE_SCHEMA_VERSION = 1;

export const LIVE_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS live_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
INSERT INTO live_meta VALUES ('schema_version', '${LIVE_SCHEMA_VERSION}') ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS positions (
  id VARCHAR PRIMARY KEY,
  symbol VARCHAR NOT NULL,
  state VARCHAR NOT NULL,
  active BOOLEAN NOT NULL,
  data JSON NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS intent_id_seq START 1;
CREATE TABLE IF NOT EXISTS intents (
  id BIGINT PRIMARY KEY DEFAULT nextval('intent_id_seq'),
  ts BIGINT NOT NULL,
  action_type VARCHAR NOT NULL,
  position_id VARCHAR,
  symbol VARCHAR NOT NULL,
  side VARCHAR NOT NULL,
  qty VARCHAR,
  price VARCHAR,
  client_id VARCHAR,
  order_id VARCHAR,
  reason VARCHAR,
  status VARCHAR NOT NULL,
  result_order_id VARCHAR,
  resolved_at BIGINT
);

CREATE TABLE IF NOT EXISTS fills (
  id VARCHAR PRIMARY KEY,
  order_id VARCHAR NOT NULL,
  client_id VARCHAR NOT NULL,
  symbol VARCHAR NOT NULL,
  side VARCHAR NOT NULL,
  qty VARCHAR NOT NULL,
  price VARCHAR NOT NULL,
  fee VARCHAR NOT NULL,
  liquidity VARCHAR NOT NULL,
  reduce_only BOOLEAN NOT NULL,
  ts BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS trades (
  key VARCHAR PRIMARY KEY,
  position_id VARCHAR,
  strategy_id VARCHAR NOT NULL,
  symbol VARCHAR NOT NULL,
  side VARCHAR NOT NULL,
  entry_ts BIGINT NOT NULL,
  exit_ts BIGINT NOT NULL,
  entry_price VARCHAR NOT NULL,
  exit_price VARCHAR NOT NULL,
  qty VARCHAR NOT NULL,
  fees VARCHAR NOT NULL,
  funding VARCHAR NOT NULL,
  pnl VARCHAR NOT NULL,
  net_pnl VARCHAR NOT NULL,
  exit_reason VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS state (
  key VARCHAR PRIMARY KEY,
  value JSON NOT NULL,
  updated_at BIGINT NOT NULL
);
`;
