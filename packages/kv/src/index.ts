export type {
  Awaitable,
  DeleteOptions,
  GetQuery,
  Item,
  ItemInput,
  KeyRange,
  KeysQuery,
  KvCapabilities,
  KvOperation,
  KvStore,
  NamespaceConfig,
  Page,
  PutOptions,
  RangeQuery,
  ReadOptions,
  ScannedRecord,
} from "./contract/kv-types.js";
export { KV_LIMITS } from "./contract/validate-arguments.js";
export * from "./errors/index.js";
export { MemoryKvStore, type MemoryKvStoreOptions } from "./memory/memory-kv-store.js";
export { NamespaceRouter, type NamespaceRoute, type NamespaceRouterOptions } from "./router/namespace-router.js";
export { KvStoreBase } from "./contract/kv-store-base.js";
export { EngineKvStore } from "./engine/engine-kv-store.js";
export { OrderedKvEngine, type NamespaceMaps } from "./engine/ordered-kv-engine.js";
export type { MapEntry, OrderedBytesMap } from "./engine/ordered-bytes-map.js";
export { compareBytes, concatBytes, prefixEnd, prefixRange, utf8, fromUtf8, bytesEqual } from "./util/bytes.js";
export { nowMicros, millisToMicros } from "./util/time.js";
// For store adapters: the shared checks, page tokens and the one last-write-wins rule.
export { checkId, checkItems, checkKey, checkManyQuery, checkNamespace, checkOperation, checkQuery, checkTtl, checkWriteTime } from "./contract/validate-arguments.js";
export { decodePageToken, encodePageToken, queryFingerprint } from "./contract/page-token.js";
export { incomingWins } from "./engine/last-write-wins.js";
/** How the engine lays records out in an ordered map: for tools that read an LMDB store directly (the raw read ceiling of the bench). */
export { recordPrefix, recordEnd } from "./engine/record-key-codec.js";
export { EncodedBatchBuilder, encodedBatchItems } from "./engine/encoded-batch.js";
