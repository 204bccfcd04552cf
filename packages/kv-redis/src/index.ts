export { RedisKvStore } from "./redis-kv-store.js";
export type { RedisKvStoreOptions } from "./redis-kv-store-options.js";
export type { RecordKeys } from "./layout/redis-key-layout.js";
export { RedisOptionsError } from "./errors/redis-options-error.js";
