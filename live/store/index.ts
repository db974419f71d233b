export { type JsonValue, LiveStore, type StoredIntent, type StoredTrade } from './live-store.ts';
export { LIVE_SCHEMA_VERSION } from './schema.ts';
