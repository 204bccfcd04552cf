import type { CassandraConsistency } from "@rdg/kv-cassandra";

/** The embedded store: LMDB in a directory of this machine. */
export interface LmdbStoreConfig {
  readonly kind: "lmdb";
  /** Directory of the LMDB environment (created if absent). */
  readonly path: string;
  /** Skip fsync at commit: faster; a machine crash (not a process crash) may lose the last commits. @default false */
  readonly noSync?: boolean;
}

/** One Redis server. */
export interface RedisStoreConfig {
  readonly kind: "redis";
  /** `redis://host:port` (or `rediss://` for TLS), e.g. `redis://127.0.0.1:16379`. */
  readonly url: string;
  /** Prefix of every key, so several graphs can share a database. @default "rdg:" */
  readonly keyPrefix?: string;
}

/** A Redis Cluster. */
export interface RedisClusterStoreConfig {
  readonly kind: "redis-cluster";
  /** Startup nodes, `host:port` each, e.g. `["127.0.0.1:17001"]`; the client finds the others. */
  readonly nodes: readonly string[];
  /** Prefix of every key, so several graphs can share a cluster. @default "rdg:" */
  readonly keyPrefix?: string;
}

/** A Cassandra cluster: one table per namespace in `keyspace`. */
export interface CassandraStoreConfig {
  readonly kind: "cassandra";
  /** Contact points, `host` or `host:port` each, e.g. `["127.0.0.1:19042"]`. */
  readonly contactPoints: readonly string[];
  /** Keyspace of the graph's tables; created (with `replicationFactor`) when missing. */
  readonly keyspace: string;
  /** The data center the driver treats as local. @default "datacenter1" */
  readonly localDataCenter?: string;
  /** Consistency of reads and writes (cassandra-driver names). @default "localQuorum" */
  readonly consistency?: CassandraConsistency;
  /** Replication factor of a keyspace the store creates (SimpleStrategy); an existing one is left as it is. @default 1 */
  readonly replicationFactor?: number;
}

/** Where a graph lives: the one configuration `rdg serve`, `rdg ingest` and the bench open a store from. */
export type StoreConfig = LmdbStoreConfig | RedisStoreConfig | RedisClusterStoreConfig | CassandraStoreConfig;

/** Every `kind` of `StoreConfig`. */
export const STORE_KINDS: readonly StoreConfig["kind"][] = Object.freeze(["lmdb", "redis", "redis-cluster", "cassandra"]);

/** The key prefix Redis stores use when the configuration names none. */
export const DEFAULT_REDIS_KEY_PREFIX = "rdg:";

/**
 * Where a store lives, as one string: two configurations with the same key are the same store
 * (the same LMDB directory, Redis database and key prefix, Cassandra keyspace), whatever their
 * other options. A process opens such a store once and shares it.
 */
export function storeKey(config: StoreConfig): string {
  switch (config.kind) {
    case "lmdb":
      return `lmdb:${config.path}`;
    case "redis":
      return `redis:${config.url}#${config.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX}`;
    case "redis-cluster":
      return `redis-cluster:${[...config.nodes].sort().join(",")}#${config.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX}`;
    case "cassandra":
      return `cassandra:${[...config.contactPoints].sort().join(",")}/${config.keyspace}`;
  }
}

/** One line naming the store, for status lines and errors: `redis redis://127.0.0.1:16379 (keys rdg:*)`. */
export function describeStore(config: StoreConfig): string {
  switch (config.kind) {
    case "lmdb":
      return `LMDB ${config.path}`;
    case "redis":
      return `Redis ${config.url} (keys ${config.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX}*)`;
    case "redis-cluster":
      return `Redis Cluster ${config.nodes.join(",")} (keys ${config.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX}*)`;
    case "cassandra":
      return `Cassandra ${config.contactPoints.join(",")} keyspace ${config.keyspace}`;
  }
}
