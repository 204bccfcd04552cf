export { LmdbKvStore } from "./lmdb-kv-store.js";
export type { LmdbKvStoreOptions } from "./lmdb-kv-store-options.js";
export { LmdbBytesMap } from "./lmdb-bytes-map.js";
