import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { GraphStore, graphNamespaces } from "@rdg/graph";
import { GENERATOR_VALIDATION, GeneratorSource, IngestJob, MemberJourneyGenerator, MemoryDeadLetterSink, mapMemberEvent, memberEventTime } from "@rdg/ingest";
import type { KvOperation } from "@rdg/kv";
import { CassandraKvStore } from "@rdg/kv-cassandra";
import { memberJourneySchema } from "@rdg/model";
import type { Client } from "cassandra-driver";
import { CAPACITY_FIGURES, CAPACITY_SCENARIO } from "../capacity/capacity-model.js";
import { batchedWriteRate } from "../drivers/batched-writes.js";
import { rate } from "../measure.js";
import { connect } from "./kv-cassandra-scenario.js";
import type { Scenario, ScenarioSettings } from "./scenario.js";

const BATCH = 1000;
const INFLIGHT_BATCHES = 2;
const WRITE_CONCURRENCY = 32;
const READS_IN_FLIGHT = 64;
const VALUE = Buffer.alloc(100, 7);
const ITEM = Buffer.from("v");
const RANGE_RECORDS = 200;
const RANGE_ITEMS = 50;
const SERVICES = process.env.RDG_SERVICES_DIR ?? ".services";
/** JMX port of node i (services/cassandra.sh: 17199, 17299, 17399). */
const jmxPort = (i: number): number => 17199 + 100 * i;

/** Bytes under every directory named `keyspace` below the Cassandra nodes' data directories. */
function keyspaceBytesOnDisk(keyspace: string): number {
  let total = 0;
  const walk = (dir: string, inside: boolean, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < 6 && !["commitlog", "hints", "saved_caches", "lib", "logs", "cdc_raw"].includes(e.name)) walk(path, inside || e.name === keyspace, depth + 1);
      } else if (inside && e.isFile()) total += statSync(path).size;
    }
  };
  walk(join(SERVICES, "cassandra"), false, 0);
  return total;
}

/** Flushes the keyspace's memtables on every node (nodetool over JMX), so its bytes are on disk. */
function flush(keyspace: string, nodes: number): void {
  for (let i = 0; i < nodes; i++) {
    const r = spawnSync("bash", ["services/cassandra.sh", "nodetool", "flush", keyspace], { encoding: "utf8", env: { ...process.env, NODETOOL_JMX_PORT: String(jmxPort(i)) }, timeout: 120_000 });
    if (r.status !== 0) throw new Error(`[bench] nodetool flush ${keyspace} on node ${i + 1} failed: ${(r.stderr || r.stdout).trim().slice(0, 300)}`);
  }
}

async function pooled(count: number, inflight: number, call: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await call(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inflight, count) }, worker));
}

/** KV writes, point gets and 50-item ranges of the whole cluster, at QUORUM. */
async function kvRates(kv: CassandraKvStore, ms: number, s: ScenarioSettings): Promise<{ writes: number; gets: number; ranges: number; written: number }> {
  s.progress("capacity-cassandra: KV writes");
  const write = await batchedWriteRate(ms, BATCH, INFLIGHT_BATCHES, (b) => {
    const ops: KvOperation[] = [];
    for (let i = 0; i < BATCH; i++) ops.push({ op: "put", ns: "capacity.puts", id: `w${b * BATCH + i}`, items: [{ key: ITEM, value: VALUE }], writeTime: 1_000_000n });
    return kv.mutate(ops);
  });
  const written = write.batches * BATCH;
  s.progress("capacity-cassandra: point gets");
  const gets = await rate(ms, READS_IN_FLIGHT, (step) => pooled(READS_IN_FLIGHT, READS_IN_FLIGHT, (i) => kv.getItems("capacity.puts", `w${((step * READS_IN_FLIGHT + i) * 7919) % written}`, { keys: [ITEM] })));
  s.progress("capacity-cassandra: 50-item ranges");
  const items = Array.from({ length: RANGE_ITEMS }, (_, i) => ({ key: Buffer.from([i]), value: VALUE }));
  for (let r = 0; r < RANGE_RECORDS; r += 20) await Promise.all(Array.from({ length: 20 }, (_, i) => kv.putItems("capacity.ranges", `r${r + i}`, items, { writeTime: 1_000_000n })));
  const ranges = await rate(ms, READS_IN_FLIGHT, (step) => pooled(READS_IN_FLIGHT, READS_IN_FLIGHT, (i) => kv.getItems("capacity.ranges", `r${(step * READS_IN_FLIGHT + i) % RANGE_RECORDS}`, { limit: RANGE_ITEMS })));
  return { writes: write.rate, gets, ranges, written };
}

async function nodeCount(client: Client): Promise<number> {
  const rs = await client.execute("SELECT peer FROM system.peers");
  return rs.rowLength + 1;
}

/**
 * What one Cassandra cluster of this machine serves through @rdg/kv-cassandra at QUORUM:
 * KV writes, point gets and ranges, one ingestion job's write rate into a graph on it, and the
 * graph's bytes per node and per edge (logical, and on disk after a flush). Run on one node and
 * again on three (services/cassandra.sh start --nodes 3): the capacity model reads both.
 */
export const capacityCassandraScenario: Scenario = async (s) => {
  const client = await connect();
  const stamp = Date.now().toString(36);
  const keyspace = `rdg_capacity_${stamp}`;
  const graphKeyspace = `rdg_capacity_graph_${stamp}`;
  try {
    const nodes = await nodeCount(client);
    const rf = Math.min(3, nodes);
    const replication = { class: "SimpleStrategy", replication_factor: rf };
    const common = { client, replication, readConsistency: "quorum", writeConsistency: "quorum", writeConcurrency: WRITE_CONCURRENCY } as const;
    const ms = (s.seconds * 1000) / 4;
    s.progress(`capacity-cassandra: ${nodes} node(s), replication factor ${rf}, QUORUM`);
    const kv = new CassandraKvStore({ ...common, keyspace });
    const k = await kvRates(kv, ms, s);
    await kv.close();
    s.progress("capacity-cassandra: one ingestion job into a graph on the cluster");
    const gkv = new CassandraKvStore({ ...common, keyspace: graphKeyspace, namespaces: graphNamespaces(memberJourneySchema) });
    const graph = new GraphStore({ kv: gkv, schema: memberJourneySchema });
    const generator = new MemberJourneyGenerator({ seed: 42, startTime: Date.now() - 6 * 3_600_000 });
    const events = Math.max(10_000, Math.round(s.seconds * 1500));
    const started = performance.now();
    const m = await new IngestJob({
      name: "capacity", source: new GeneratorSource(generator, { maxEvents: events }), map: mapMemberEvent, graph,
      deadLetters: new MemoryDeadLetterSink(), eventTime: memberEventTime, validation: GENERATOR_VALIDATION,
    }).run();
    const sec = (performance.now() - started) / 1000;
    s.progress("capacity-cassandra: graph stats and bytes on disk");
    const stats = await graph.stats();
    const nodeTypes = new Set(Object.keys(stats.nodes).map((t) => `node.${t}`));
    const nodeBytes = stats.namespaces.filter((n) => nodeTypes.has(n.namespace)).reduce((a, n) => a + n.bytes, 0);
    const edgeBytes = stats.namespaces.filter((n) => n.namespace.startsWith("edge.")).reduce((a, n) => a + n.bytes, 0);
    const graphNodes = Object.values(stats.nodes).reduce((a, b) => a + b, 0);
    const graphEdges = Object.values(stats.edges).reduce((a, b) => a + b, 0);
    const logical = stats.namespaces.reduce((a, n) => a + n.bytes, 0);
    flush(graphKeyspace, nodes);
    const disk = keyspaceBytesOnDisk(graphKeyspace);
    await gkv.close();
    const f = (value: number, unit: string) => ({ value, unit });
    return {
      scenario: CAPACITY_SCENARIO,
      settings: { seconds: s.seconds, nodes, replicationFactor: rf, consistency: "QUORUM", batch: BATCH, inflightBatches: INFLIGHT_BATCHES, writeConcurrency: WRITE_CONCURRENCY, readsInFlight: READS_IN_FLIGHT, valueBytes: VALUE.length, rangeItems: RANGE_ITEMS },
      figures: {
        [CAPACITY_FIGURES.writes]: f(k.writes, "writes/s"),
        [CAPACITY_FIGURES.gets]: f(k.gets, "gets/s"),
        [CAPACITY_FIGURES.ranges]: f(k.ranges, "ranges/s"),
        "ingest process: events": f(m.eventsIn / sec, "events/s"),
        [CAPACITY_FIGURES.ingestMutations]: f(m.mutationsWritten / sec, "mutations/s"),
        [CAPACITY_FIGURES.ingestKvWrites]: f(m.kvOperations / sec, "writes/s"),
        "graph nodes loaded": f(graphNodes, "nodes"),
        "graph edges loaded": f(graphEdges, "edges"),
        [CAPACITY_FIGURES.bytesPerNode]: f(nodeBytes / Math.max(1, graphNodes), "bytes"),
        [CAPACITY_FIGURES.bytesPerEdge]: f(edgeBytes / Math.max(1, graphEdges), "bytes"),
        "graph logical bytes": f(logical, "bytes"),
        "graph bytes on disk, all replicas": f(disk, "bytes"),
        [CAPACITY_FIGURES.diskPerLogical]: f(disk / rf / Math.max(1, logical), "ratio"),
      },
      ratios: { "ingest KV writes / plain KV writes": m.kvOperations / sec / k.writes },
      targets: {},
      notes: [
        `${nodes} Cassandra node(s) on this machine (services/cassandra.sh${nodes === 3 ? " start --nodes 3" : " start"}), keyspaces with SimpleStrategy replication factor ${rf}, reads and writes at QUORUM through @rdg/kv-cassandra; the bench process (the client) shares the machine's cores with the node(s).`,
        `KV writes: batches of ${BATCH} one-item puts (${VALUE.length}-byte values), ${INFLIGHT_BATCHES} batches in flight, ${WRITE_CONCURRENCY} requests in flight per batch; point gets and ${RANGE_ITEMS}-item ranges ${READS_IN_FLIGHT} in flight; each phase ${(ms / 1000).toFixed(1)} s.`,
        `Then one IngestJob (in-process generator, rdg ingest's defaults) into a graph in a keyspace of its own, ${events.toLocaleString("en-US")} events (seconds x 1,500): ${m.eventsIn.toLocaleString("en-US")} events, ${m.mutationsWritten.toLocaleString("en-US")} graph mutations, ${m.kvOperations.toLocaleString("en-US")} KV writes. graph.stats() counts its nodes, live edges and the keys' and values' bytes per namespace (edge bytes: adjacency in both directions, bucket indexes and edge records, over live edges); the bytes on disk are the keyspace's files on every node after nodetool flush (before compaction merges overwritten rows, so an upper bound).`,
        "The keyspaces are left for services/cassandra.sh reset to remove (dropping them takes a snapshot per table, which costs more disk than the data).",
      ],
    };
  } finally {
    await client.shutdown();
  }
};
