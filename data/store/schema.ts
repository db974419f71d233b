/**
 * Layout of the candle store. `series` names each (source, symbol, timeframe) once; `bars` holds the
 * candles against a small integer id, which keeps the file small and range reads a scan of one id's
 * row groups. Uniqueness of (series_id, ts) is kept by CandleStore.upsert (delete-then-insert of changed
 * rows in one transaction) rather than by an index, which made bulk imports 2–3× slower.
 * The `candles` view is for people querying the file by hand (notebooks, the duckdb shell).
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
INSERT INTO store_meta VALUES ('schema_version', '${SCHEMA_VERSION}') ON CONFLICT DO NOTHING;
CREATE SEQUENCE IF NOT EXISTS series_id_seq START 1;
CREATE TABLE IF NOT EXISTS series (
  id INTEGER PRIMARY KEY,
  source VARCHAR NOT NULL,
  symbol VARCHAR NOT NULL,
  timeframe VARCHAR NOT NULL,
  UNIQUE (source, symbol, timeframe)
);
CREATE TABLE IF NOT EXISTS bars (
  series_id INTEGER NOT NULL,
  ts BIGINT NOT NULL,
  open DOUBLE NOT NULL,
  high DOUBLE NOT NULL,
  low DOUBLE NOT NULL,
  "close" DOUBLE NOT NULL,
  volume DOUBLE NOT NULL
);
CREATE VIEW IF NOT EXISTS candles AS
  SELECT s.source, s.symbol, s.timeframe, b.ts, timezone('UTC', epoch_ms(b.ts)) AS time,
         b.open, b.high, b.low, b."close", b.volume
  FROM bars b JOIN series s ON s.id = b.series_id;
`;
