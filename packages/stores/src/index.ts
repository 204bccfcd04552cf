export {
  DEFAULT_REDIS_KEY_PREFIX, STORE_KINDS, describeStore, storeKey,
  type CassandraStoreConfig, type LmdbStoreConfig, type RedisClusterStoreConfig, type RedisStoreConfig, type StoreConfig,
} from "./store-config.js";
export { parseStoreConfig, type ParseStoreConfigOptions } from "./parse-store-config.js";
export { openGraphStore, type OpenGraphStoreOptions, type OpenedGraphStore } from "./open-graph-store.js";
export { StoreError } from "./store-error.js";
