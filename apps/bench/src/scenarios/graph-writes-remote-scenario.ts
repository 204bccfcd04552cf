import { GraphStore, graphNamespaces } from "@rdg/graph";
import type { KvStore } from "@rdg/kv";
import { CassandraKvStore } from "@rdg/kv-cassandra";
import { RedisKvStore } from "@rdg/kv-redis";
import { memberJourneySchema } from "@rdg/model";
import { concurrent } from "cassandra-driver";
import { batchedWriteRate, scatteredKey } from "../drivers/batched-writes.js";
import type { BenchResult } from "../report/bench-result.js";
import { prepareMutationBatches } from "./graph-writes-scenario.js";
import { connect } from "./kv-cassandra-scenario.js";
import { RawRedisDriver } from "./kv-redis-scenario.js";
import type { Scenario, ScenarioSettings } from "./scenario.js";

const BATCH = 2000;
const ITEM = Buffer.from("v");
const VALUE = Buffer.alloc(100, 7);
const REDIS_URL = process.env.RDG_BENCH_REDIS_URL ?? "redis://127.0.0.1:16379";

/** Writes prepared member-journey batches through a GraphStore on `kv` for `ms`. */
async function graphWriteRate(kv: KvStore, ms: number, progress: (t: string) => void): Promise<{ mutations: number; kvOps: number }> {
  const batches = prepareMutationBatches(BATCH, 200);
  const graph = new GraphStore({ kv, schema: memberJourneySchema });
  // Untimed warm-up: the first write creates the tables (Cassandra) and prepares statements.
  progress("graph writes: warm-up (schema, prepared statements)");
  for (const batch of batches.slice(-3)) await graph.write(batch, { validate: false });
  let mutations = 0;
  let kvOps = 0;
  const started = performance.now();
  await batchedWriteRate(ms, 1, 2, async (b) => {
    const batch = batches[b % batches.length]!;
    const written = await graph.write(batch, { validate: false });
    mutations += batch.length;
    kvOps += written;
    progress(`graph writes: ${Math.round(mutations / ((performance.now() - started) / 1000))} mutations/s`);
  });
  const seconds = (performance.now() - started) / 1000;
  return { mutations: mutations / seconds, kvOps: kvOps / seconds };
}

function result(store: string, s: ScenarioSettings, graph: { mutations: number; kvOps: number }, ceiling: number, ceilingAbout: string): Omit<BenchResult, "startedAt" | "machine" | "durationSec"> {
  return {
    scenario: `graph-writes-${store}`,
    settings: { seconds: s.seconds, mutationsPerBatch: BATCH, inflightBatches: 2 },
    figures: {
      "graph mutation rate": { value: graph.mutations, unit: "mutations/s" },
      "graph KV operation rate": { value: graph.kvOps, unit: "ops/s" },
      [`raw ${ceilingAbout}`]: { value: ceiling, unit: "puts/s" },
    },
    ratios: { "graph mutations / raw puts": graph.mutations / ceiling, "graph KV operations / raw puts": graph.kvOps / ceiling },
    targets: {},
    notes: [
      "A graph mutation of an edge writes its state record and its two adjacency entries, removes the two entries it supersedes when its time moves, and writes a bucket index entry the first time a node's bucket is written; the raw side writes one single-item record per put.",
      "Prepared batches are replayed once exhausted; replays are no-op ties under last-write-wins.",
    ],
  };
}

/** Graph writes end to end on Redis (single node) against pipelined raw HSET+ZADD puts. */
export const graphWritesRedisScenario: Scenario = async (s) => {
  const ms = (s.seconds * 1000) / 2;
  const kv = new RedisKvStore({ url: REDIS_URL, keyPrefix: `rdg-bench-graph-${Date.now().toString(36)}:`, namespaces: graphNamespaces(memberJourneySchema) });
  let graph: { mutations: number; kvOps: number };
  try {
    s.progress("graph-writes-redis: writing through GraphStore");
    graph = await graphWriteRate(kv, ms, s.progress);
  } finally {
    await kv.close();
  }
  const raw = new RawRedisDriver(`rdg-bench-raw-${Date.now().toString(36)}:`);
  try {
    s.progress("graph-writes-redis: raw ioredis puts");
    const { rate } = await batchedWriteRate(ms, 1000, 2, (b) => raw.putBatch(Array.from({ length: 1000 }, (_, i) => scatteredKey(0, b * 1000 + i)), ITEM, VALUE));
    await raw.client.flushdb();
    return result("redis", s, graph, rate, "ioredis puts (pipelined HSET+ZADD, 1000 a pipeline)");
  } finally {
    raw.client.disconnect();
  }
};

/** Graph writes end to end on Cassandra (one node) against raw concurrent prepared INSERTs. */
export const graphWritesCassandraScenario: Scenario = async (s) => {
  const ms = (s.seconds * 1000) / 2;
  const client = await connect();
  try {
    const keyspace = "rdg_bench_graph";
    const kv = new CassandraKvStore({ client, keyspace, namespaces: graphNamespaces(memberJourneySchema) });
    s.progress("graph-writes-cassandra: writing through GraphStore");
    const graph = await graphWriteRate(kv, ms, s.progress);
    await kv.putItems("bench.raw", "warm-up", [{ key: ITEM, value: VALUE }]);
    const { table } = kv.namespaceTable("bench.raw");
    await kv.close();
    const insert = `INSERT INTO "${keyspace}"."${table}" (id, key, value) VALUES (?, ?, ?) USING TIMESTAMP ?`;
    s.progress("graph-writes-cassandra: raw driver puts");
    const { rate } = await batchedWriteRate(ms, 1000, 2, (b) =>
      concurrent.executeConcurrent(client, insert, Array.from({ length: 1000 }, (_, i) => [scatteredKey(0, b * 1000 + i), ITEM, VALUE, 1_000_000n]), {
        concurrencyLevel: 32,
        executionProfile: "raw",
        raiseOnFirstError: true,
      }),
    );
    return result("cassandra", s, graph, rate, "cassandra-driver puts (prepared INSERT, 32 in flight)");
  } finally {
    await client.shutdown();
  }
};
