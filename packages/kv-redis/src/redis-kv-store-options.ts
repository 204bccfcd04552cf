import type { NamespaceConfig } from "@rdg/kv";
import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from "ioredis";

/**
 * Options of `RedisKvStore`: a ready ioredis client, or what it takes to make one. Give exactly
 * one of `client`, `url` and `clusterNodes`.
 */
export interface RedisKvStoreOptions {
  /**
   * A ready ioredis client, single node (`Redis`) or `Cluster`. The store uses it as it is
   * and never closes it. For typed retryable errors during an outage instead of calls that
   * wait for the server, configure it as the store does its own (see `maxRetriesPerRequest`).
   * Do not set ioredis' `keyPrefix` on it: use `keyPrefix` here.
   */
  readonly client?: Redis | Cluster;
  /** URL of a single node, e.g. `redis://127.0.0.1:16379`; the store creates and closes the client. */
  readonly url?: string;
  /** Startup nodes of a Redis Cluster, e.g. `["127.0.0.1:17001"]`; the store creates and closes the client. */
  readonly clusterNodes?: readonly ClusterNode[];
  /**
   * Extra ioredis options for a client the store creates (for a cluster, the per-node
   * `redisOptions`). They override the store's defaults.
   * @default {}
   */
  readonly redisOptions?: RedisOptions;
  /** Extra ioredis `Cluster` options for a cluster client the store creates. @default {} */
  readonly clusterOptions?: ClusterOptions;
  /**
   * How often a command is retried over a reconnect before it fails with a retryable
   * `KvConnectionError` (ioredis `maxRetriesPerRequest`), for clients the store creates.
   * @default 1
   */
  readonly maxRetriesPerRequest?: number;
  /** Longest wait between reconnect attempts, in ms, for clients the store creates. @default 1000 */
  readonly maxReconnectDelayMs?: number;
  /**
   * A call made while the client is not connected (starting, or reconnecting during an
   * outage) waits this long for the connection, then fails with a retryable
   * `KvConnectionError`. Applies to every client, given or created.
   * @default 3000
   */
  readonly readyTimeoutMs?: number;
  /**
   * While calls wait for replies and nothing arrives for this long, the connection is dropped
   * and those calls fail with a retryable `KvConnectionError` (ioredis `socketTimeout`), for
   * clients the store creates.
   * @default 10000
   */
  readonly socketTimeoutMs?: number;
  /** Prefix of every key the store writes, so several stores can share a database. @default "rdg:" */
  readonly keyPrefix?: string;
  /** Configuration per namespace. @default {} */
  readonly namespaces?: Readonly<Record<string, NamespaceConfig>>;
  /** Configuration of namespaces not listed. @default {} */
  readonly defaultNamespace?: NamespaceConfig;
  /**
   * A record whose every value was written with a TTL is removed from Redis this long after
   * its last item expired (key-level PEXPIREAT). Until then its expired items keep shadowing
   * older late writes, as tombstones do (Cassandra's gc_grace). `0` keeps such records until
   * they are deleted.
   * @default 86400000 (one day)
   */
  readonly expiredRecordGraceMs?: number;
  /**
   * On a Redis Cluster, send the records of a `mutate` that live on one master as one write
   * script call (up to 200 records a call; the script declares `allow-cross-slot-keys`, Redis
   * 7.0), instead of one call per slot. A call that meets a slot moved since the client last
   * read the slot map is sent again one record a call. `false` gives one call per slot, for
   * proxies that refuse scripts touching undeclared keys.
   * @default true
   */
  readonly groupClusterWrites?: boolean;
}
