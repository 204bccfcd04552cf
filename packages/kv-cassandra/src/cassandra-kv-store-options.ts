import type { NamespaceConfig } from "@rdg/kv";
import type { Client, DseClientOptions } from "cassandra-driver";

/**
 * Consistency levels a namespace may read or write at (names of cassandra-driver's
 * `types.consistencies`). The serial levels are left out: this store uses no lightweight
 * transactions.
 */
export type CassandraConsistency = "any" | "one" | "two" | "three" | "quorum" | "all" | "localQuorum" | "eachQuorum" | "localOne";

/**
 * Replication of a keyspace, as in `CREATE KEYSPACE ... WITH replication = {...}`:
 * `{ class: "SimpleStrategy", replication_factor: 3 }` or
 * `{ class: "NetworkTopologyStrategy", dc1: 3, dc2: 3 }`.
 */
export interface CassandraReplication {
  readonly class: string;
  readonly [option: string]: string | number;
}

/** Configuration of one namespace: the shared `NamespaceConfig` plus where and how it lives in Cassandra. */
export interface CassandraNamespaceConfig extends NamespaceConfig {
  /** Keyspace of the namespace's table. @default the store's `keyspace` */
  readonly keyspace?: string;
  /**
   * Replication of `keyspace`, used only when the store creates it; an existing keyspace is
   * never altered. @default the store's `replication`
   */
  readonly replication?: CassandraReplication;
  /** Table name. @default derived from the namespace by `tableNameFor` */
  readonly table?: string;
  /** Consistency of reads (`getItems`, `countItems`, `scan`). @default the store's `readConsistency` */
  readonly readConsistency?: CassandraConsistency;
  /** Consistency of writes. @default the store's `writeConsistency` */
  readonly writeConsistency?: CassandraConsistency;
}

/**
 * Options of `CassandraKvStore`: a ready cassandra-driver `Client`, or the options to make
 * one. A store closes only a client it made.
 */
export interface CassandraKvStoreOptions {
  /** A ready client; the store never shuts it down. Give this or `clientOptions`. */
  readonly client?: Client;
  /**
   * Options of the client the store makes (and shuts down on `close()`). Give this or `client`.
   * Merged over the store's client defaults: `localDataCenter: "datacenter1"`, a constant
   * 1 s reconnection delay, `socketOptions.readTimeout` 10 s, `connectTimeout` 5 s, and
   * `encoding.useBigIntAsLong: true`.
   */
  readonly clientOptions?: DseClientOptions;
  /** Keyspace of namespaces that do not name their own. @default "rdg" */
  readonly keyspace?: string;
  /** Replication of keyspaces the store creates. @default { class: "SimpleStrategy", replication_factor: 1 } */
  readonly replication?: CassandraReplication;
  /** Read consistency of namespaces that do not set their own. @default "localQuorum" */
  readonly readConsistency?: CassandraConsistency;
  /** Write consistency of namespaces that do not set their own. @default "localQuorum" */
  readonly writeConsistency?: CassandraConsistency;
  /** Configuration per namespace. @default {} */
  readonly namespaces?: Readonly<Record<string, CassandraNamespaceConfig>>;
  /** Configuration of namespaces not listed in `namespaces`. @default {} */
  readonly defaultNamespace?: CassandraNamespaceConfig;
  /**
   * Create keyspaces and tables on first use (`IF NOT EXISTS`). Turn off where schema is
   * managed by migrations. @default true
   */
  readonly createSchema?: boolean;
  /** Partition batches of one `mutate` in flight at once. @default 32 */
  readonly writeConcurrency?: number;
  /**
   * Largest batch sent for one partition, in bytes of keys and values; a larger partition
   * write is split into several batches. Keep it well below the server's
   * `native_transport_max_frame_size` (16 MiB) and half its commitlog segment. @default 4 MiB
   */
  readonly maxBatchBytes?: number;
}

/** The store's defaults, for documentation and tools. */
export const CASSANDRA_KV_DEFAULTS: Readonly<{
  keyspace: string;
  replication: CassandraReplication;
  readConsistency: CassandraConsistency;
  writeConsistency: CassandraConsistency;
  localDataCenter: string;
  reconnectDelayMs: number;
  readTimeoutMs: number;
  connectTimeoutMs: number;
  writeConcurrency: number;
  maxBatchBytes: number;
}> = Object.freeze({
  keyspace: "rdg",
  replication: Object.freeze({ class: "SimpleStrategy", replication_factor: 1 }),
  readConsistency: "localQuorum",
  writeConsistency: "localQuorum",
  localDataCenter: "datacenter1",
  reconnectDelayMs: 1000,
  readTimeoutMs: 10_000,
  connectTimeoutMs: 5000,
  writeConcurrency: 32,
  maxBatchBytes: 4 * 1024 * 1024,
});
