import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryKvStore, type KvStore } from "@rdg/kv";
import { CassandraKvStore } from "@rdg/kv-cassandra";
import { LmdbKvStore } from "@rdg/kv-lmdb";
import { RedisKvStore } from "@rdg/kv-redis";
import { graphNamespaces } from "../../src/index.js";
import { memberJourneySchema, type Schema } from "@rdg/model";
import { IsolatedKvStore } from "./isolated-kv.js";

/** The servers services/*.sh start, on the project's own ports. */
const REDIS_URL = process.env["RDG_REDIS_URL"] ?? "redis://127.0.0.1:16379";
const REDIS_CLUSTER = ["127.0.0.1:17001", "127.0.0.1:17002", "127.0.0.1:17003"];
const CASSANDRA = process.env["RDG_CASSANDRA_CONTACT_POINT"] ?? "127.0.0.1:19042";
const HOW = "start the real servers with services/redis.sh start --all and services/cassandra.sh start (from the repository root), then run the tests again";

/** A store the graph suite runs on: `open` gives an empty graph's store for one test. */
export interface GraphTestStore {
  readonly name: string;
  /** In the process (memory, LMDB): reads are synchronous. */
  readonly embedded: boolean;
  /** A fresh, empty store for one test; `schema` decides the namespace configuration. */
  open(schema?: Schema): KvStore;
  /** Called once after the suite. */
  shutdown(): Promise<void>;
}

let run = 0;
const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const nextPrefix = (): string => `${runId}-${run++}~`;

function shared(name: string, make: (schema: Schema) => KvStore): GraphTestStore {
  const stores = new Map<Schema, KvStore>();
  return {
    name,
    embedded: false,
    open(schema = memberJourneySchema) {
      let kv = stores.get(schema);
      if (kv === undefined) stores.set(schema, (kv = make(schema)));
      return new IsolatedKvStore(kv, nextPrefix(), false);
    },
    async shutdown() {
      for (const kv of stores.values()) await kv.close();
    },
  };
}

async function ping(name: string, kv: KvStore): Promise<void> {
  try {
    await kv.getItems("rdg.meta", "ping", { limit: 1 });
  } catch (error) {
    throw new Error(`[graph tests] ${name} is not answering (${(error as Error).message}); ${HOW}`);
  }
}

/** Every store, or those named in RDG_GRAPH_STORES (comma-separated: memory,lmdb,redis,redis-cluster,cassandra). */
export function graphTestStores(): GraphTestStore[] {
  const dir = mkdtempSync(join(tmpdir(), "rdg-graph-"));
  let n = 0;
  const all: GraphTestStore[] = [
    { name: "memory", embedded: true, open: (schema = memberJourneySchema) => new MemoryKvStore({ namespaces: graphNamespaces(schema) }), shutdown: async () => undefined },
    {
      name: "lmdb",
      embedded: true,
      open: (schema = memberJourneySchema) => new LmdbKvStore({ path: join(dir, `g${n++}`), namespaces: graphNamespaces(schema), noSync: true }),
      shutdown: async () => rmSync(dir, { recursive: true, force: true }),
    },
    shared("redis", (schema) => new RedisKvStore({ url: REDIS_URL, namespaces: graphNamespaces(schema), keyPrefix: "rdg-graph-test:" })),
    shared("redis-cluster", (schema) => new RedisKvStore({ clusterNodes: REDIS_CLUSTER, namespaces: graphNamespaces(schema), keyPrefix: "rdg-graph-test:" })),
    shared(
      "cassandra",
      (schema) =>
        new CassandraKvStore({
          clientOptions: { contactPoints: [CASSANDRA], localDataCenter: "datacenter1" },
          keyspace: "rdg_graph_test",
          namespaces: graphNamespaces(schema),
          readConsistency: "one",
          writeConsistency: "one",
        }),
    ),
  ];
  const wanted = process.env["RDG_GRAPH_STORES"]?.split(",").map((s) => s.trim());
  return wanted === undefined ? all : all.filter((s) => wanted.includes(s.name));
}

/** Fails with how to start the server when a shared store does not answer. */
export async function requireStore(store: GraphTestStore): Promise<void> {
  const kv = store.open();
  try {
    await ping(store.name, kv);
  } finally {
    await kv.close();
  }
}
