import { GraphStore, graphNamespaces, type GraphStoreOptions } from "@rdg/graph";
import type { KvStore } from "@rdg/kv";
import { CASSANDRA_KV_DEFAULTS, CassandraKvStore } from "@rdg/kv-cassandra";
import { LmdbKvStore } from "@rdg/kv-lmdb";
import { RedisKvStore } from "@rdg/kv-redis";
import { RdgError, type Schema } from "@rdg/model";
import { describeStore, type StoreConfig } from "./store-config.js";
import { StoreError } from "./store-error.js";

/** A graph on an opened store; close `kv` when done (the graph holds no resources of its own). */
export interface OpenedGraphStore {
  readonly kv: KvStore;
  readonly graph: GraphStore;
}

/** Options of `openGraphStore`: the graph's own, besides its store and schema. */
export type OpenGraphStoreOptions = Omit<GraphStoreOptions, "kv" | "schema">;

/**
 * Opens the store `config` names with the namespaces `schema` needs (`graphNamespaces`), puts
 * the graph on it, and checks the graph's schema against the one the store was written with
 * (recording it in a new store), so a store that is down or holds another graph fails here and
 * not on the first write. The error is a `StoreError` naming the store, with the store's own
 * error as `cause` and its code and `isRetryable`; the store is closed again.
 *
 * For LMDB it opens the directory as given: a command that must not touch directories it did
 * not create checks the path first.
 */
export async function openGraphStore(config: StoreConfig, schema: Schema, options: OpenGraphStoreOptions = {}): Promise<OpenedGraphStore> {
  let kv: KvStore;
  try {
    kv = openKv(config, schema);
  } catch (error) {
    throw failure(config, error);
  }
  try {
    const graph = new GraphStore({ ...options, kv, schema });
    await graph.ready();
    return { kv, graph };
  } catch (error) {
    await kv.close().catch(() => undefined);
    throw failure(config, error);
  }
}

function openKv(config: StoreConfig, schema: Schema): KvStore {
  const namespaces = graphNamespaces(schema);
  switch (config.kind) {
    case "lmdb":
      return new LmdbKvStore({ path: config.path, namespaces, noSync: config.noSync ?? false });
    case "redis":
      return new RedisKvStore({ url: config.url, namespaces, ...(config.keyPrefix === undefined ? {} : { keyPrefix: config.keyPrefix }) });
    case "redis-cluster":
      return new RedisKvStore({ clusterNodes: [...config.nodes], namespaces, ...(config.keyPrefix === undefined ? {} : { keyPrefix: config.keyPrefix }) });
    case "cassandra": {
      const consistency = config.consistency ?? CASSANDRA_KV_DEFAULTS.readConsistency;
      return new CassandraKvStore({
        clientOptions: { contactPoints: [...config.contactPoints], localDataCenter: config.localDataCenter ?? CASSANDRA_KV_DEFAULTS.localDataCenter },
        keyspace: config.keyspace,
        replication: { class: "SimpleStrategy", replication_factor: config.replicationFactor ?? 1 },
        readConsistency: consistency,
        writeConsistency: consistency,
        namespaces,
      });
    }
  }
}

function failure(config: StoreConfig, error: unknown): StoreError {
  const message = error instanceof Error ? error.message : String(error);
  const rdg = RdgError.isInstance(error) ? error : undefined;
  return new StoreError(rdg?.code ?? "BACKEND", undefined, `cannot open ${describeStore(config)}: ${message}`, { cause: error, retryable: rdg?.isRetryable ?? false });
}
