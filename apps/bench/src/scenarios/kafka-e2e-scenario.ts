import { join } from "node:path";
import { GraphStore, graphNamespaces } from "@rdg/graph";
import {
  GENERATOR_VALIDATION, GeneratorSource, IngestJob, KafkaEventProducer, KafkaSource, MemberJourneyGenerator, MemoryDeadLetterSink, mapMemberEvent,
  memberJourneyRouting, memberJourneyTopicNames, refuseUndecodable, type JobMetrics, type MemberEvent, type UndecodableRecord,
} from "@rdg/ingest";
import type { KvStore } from "@rdg/kv";
import { CassandraKvStore } from "@rdg/kv-cassandra";
import { LmdbKvStore } from "@rdg/kv-lmdb";
import { RedisKvStore } from "@rdg/kv-redis";
import { dropKeysAt } from "../drivers/redis-keys.js";
import { memberJourneySchema } from "@rdg/model";
import { BROKERS, PARTITIONS, generateEvents, makeTopics, runPrefix } from "./kafka-support.js";
import { connect } from "./kv-cassandra-scenario.js";
import type { Scenario, ScenarioSettings } from "./scenario.js";

const REDIS_URL = process.env.RDG_BENCH_REDIS_URL ?? "redis://127.0.0.1:16379";

/** The stores a Kafka end-to-end scenario writes to, each with the events per measured second it is sized by. */
const STORES = {
  lmdb: { label: "LMDB", eventsPerSecond: 20_000, minEvents: 100_000 },
  redis: { label: "Redis", eventsPerSecond: 4_000, minEvents: 40_000 },
  cassandra: { label: "Cassandra", eventsPerSecond: 1_500, minEvents: 20_000 },
} as const;
type StoreKind = keyof typeof STORES;

/** A fresh, empty graph store of `kind` for one side of the run; `close` also removes what it wrote. */
async function openStore(kind: StoreKind, s: ScenarioSettings, side: string, run: string): Promise<{ kv: KvStore; close: () => Promise<void>; about: string }> {
  const namespaces = graphNamespaces(memberJourneySchema);
  if (kind === "lmdb") {
    const kv = new LmdbKvStore({ path: join(s.dataDir, `${side}-graph`), namespaces, noSync: !s.sync });
    return { kv, close: () => kv.close(), about: `LMDB at a fresh path, fsync at commit ${s.sync ? "on" : "off"}` };
  }
  if (kind === "redis") {
    const keyPrefix = `rdg-bench-${run}-${side}:`;
    const kv = new RedisKvStore({ url: REDIS_URL, keyPrefix, namespaces });
    return {
      kv,
      about: `Redis (single node, ${REDIS_URL}, services/redis.sh), a fresh key prefix`,
      close: async () => {
        await kv.close();
        await dropKeysAt(REDIS_URL, `${keyPrefix}*`);
      },
    };
  }
  const client = await connect();
  const keyspace = `rdg_bench_${run.replace(/[^a-z0-9]/g, "_")}_${side}`.slice(0, 48);
  const kv = new CassandraKvStore({ client, keyspace, namespaces });
  return {
    kv,
    about: "Cassandra 5.0 (one node, services/cassandra.sh), a fresh keyspace, the store's default consistency",
    close: async () => {
      try {
        await kv.close();
        await client.execute(`DROP KEYSPACE IF EXISTS "${keyspace}"`);
      } finally {
        await client.shutdown();
      }
    },
  };
}

type Ev = MemberEvent | UndecodableRecord;

// What the last side opened, for the result's notes.
let aboutStore = "";

interface Side {
  readonly m: JobMetrics;
  readonly seconds: number;
}

/**
 * The same generated member-journey events through the ingestion job into a fresh graph on
 * `kind`, twice in one run: read from Kafka by a KafkaSource (published beforehand, not timed),
 * and straight from the in-process generator. Events/s, mutations/s and the coalescing ratio of each.
 */
export const kafkaE2eScenario = (kind: StoreKind): Scenario => async (s) => {
  const store = STORES[kind];
  const name = `kafka-e2e-${kind}`;
  const K = `Kafka to ${store.label}`;
  const L = `in-process to ${store.label}`;
  const records = Math.max(store.minEvents, Math.round(s.seconds * store.eventsPerSecond));
  const startTime = Date.now() - 6 * 3_600_000;
  const prefix = runPrefix(`e2e-${kind}`);
  const names = memberJourneyTopicNames(`${prefix}.`);
  const topics = Object.values(names);
  s.progress(`${name}: generating ${records.toLocaleString("en-US")} events`);
  const { events } = generateEvents(records, startTime);
  const dropTopics = await makeTopics(topics);
  let kafka: Side;
  let local: Side;
  let publishRate = 0;
  try {
    const producer = new KafkaEventProducer<MemberEvent>({ brokers: BROKERS, clientId: "rdg-bench-e2e", ...memberJourneyRouting(`${prefix}.`) });
    try {
      const t0 = performance.now();
      for (let i = 0; i < events.length; i += 10_000) {
        await producer.send(events.slice(i, i + 10_000));
        s.progress(`${name}: publishing (not timed), ${producer.stats().acknowledged.toLocaleString("en-US")} acknowledged`);
      }
      await producer.flush();
      publishRate = records / ((performance.now() - t0) / 1000);
    } finally {
      await producer.close();
    }
    events.length = 0;
    s.progress(`${name}: ${K}`);
    const source = new KafkaSource<MemberEvent>({ brokers: BROKERS, clientId: "rdg-bench-e2e", topics, group: `${prefix}.ingest`, maxRecords: records, idleMs: 30_000 });
    try {
      kafka = await ingest(await openStore(kind, s, "kafka", prefix), startTime, source, K, name, s.progress);
    } finally {
      await source.close();
    }
    if (kafka.m.eventsIn < records) throw new Error(`the Kafka job read ${kafka.m.eventsIn} of ${records} events`);
  } finally {
    await dropTopics();
  }
  s.progress(`${name}: ${L}`);
  local = await ingest(await openStore(kind, s, "local", prefix), startTime, new GeneratorSource(new MemberJourneyGenerator({ startTime }), { maxEvents: records }), L, name, s.progress);
  const rate = (x: Side): number => x.m.eventsIn / x.seconds;
  const ratio = rate(kafka) / rate(local);
  const figures = (label: string, x: Side) => ({
    [`${label}: events ingested`]: { value: x.m.eventsIn, unit: "events" },
    [`${label}: wall time`]: { value: x.seconds, unit: "s" },
    [`${label}: event rate`]: { value: rate(x), unit: "events/s" },
    [`${label}: graph mutation rate`]: { value: x.m.mutationsWritten / x.seconds, unit: "mutations/s" },
    [`${label}: coalescing ratio`]: { value: x.m.eventsIn / Math.max(1, x.m.mutationsWritten), unit: "events per stored mutation" },
    [`${label}: dead letters`]: { value: x.m.deadLetters, unit: "events" },
    [`${label}: write batches`]: { value: x.m.batchesWritten, unit: "batches" },
  });
  return {
    scenario: name,
    settings: { records, sync: s.sync, partitionsPerTopic: PARTITIONS, topics: Object.keys(names), sourceBatchSize: 5000, jobDefaults: "coalesce window, batch size and write concurrency as IngestJob's defaults, both sides", brokers: BROKERS },
    figures: {
      ...figures(K, kafka),
      ...figures(L, local),
      "publishing to Kafka beforehand (not timed)": { value: publishRate, unit: "events/s" },
    },
    ratios: {
      [`${K} / ${L}`]: ratio,
      [`graph mutations/s: ${K} / ${L}`]: (kafka.m.mutationsWritten / kafka.seconds) / (local.m.mutationsWritten / local.seconds),
    },
    // The issue sets a target for LMDB only; the other stores are reported beside their in-process side.
    targets: kind === "lmdb" ? { [`${K} / ${L} >= 0.8`]: { target: 0.8, actual: ratio, met: ratio >= 0.8 } } : {},
    notes: [
      `${records} generated member-journey events, published by KafkaEventProducer to the five member-journey topics (${PARTITIONS} partitions each, keyed by member) before timing; then one IngestJob with a KafkaSource on all five topics (fresh group, from the earliest offset) into a fresh graph, timed from job start (group join included) to its last commit; then the same events from the in-process generator (same start time and seed) into another fresh graph on the same store. Both graphs get the catalog first, untimed.`,
      `Store: ${aboutStore}; fsync at commit (LMDB): ${s.sync ? "on" : "off"}. Both jobs use the generator's validation limits (no "ahead of now" check) and the same job defaults; both map through refuseUndecodable(mapMemberEvent) as rdg ingest --source kafka does.`,
      "The Kafka side reads each partition in order but interleaves partitions and topics as fetches arrive, so events reach the job less time-ordered than from the generator; its coalescing ratio differs for that reason: a KafkaSource batch holds runs of one partition's records (a fetch returns a chunk per partition) that span more simulated time for fewer members, so more events of one edge meet within a coalescing window and fewer mutations are stored. The events/s ratio (the issue's) therefore flatters the Kafka side when its coalescing ratio is higher; the graph mutations/s ratio is beside it.",
      "The sides run one after the other (Kafka first), once each; the machine has 2 cores shared by the broker, the job and other work.",
    ],
  };
};

async function ingest(store: { kv: KvStore; close: () => Promise<void>; about: string }, startTime: number, source: KafkaSource<MemberEvent> | GeneratorSource, label: string, name: string, progress: (t: string) => void): Promise<Side> {
  const kv = store.kv;
  aboutStore = store.about;
  try {
    const graph = new GraphStore({ kv, schema: memberJourneySchema });
    const catalog = [...new MemberJourneyGenerator({ startTime }).catalog()];
    for (let i = 0; i < catalog.length; i += 20_000) await graph.write(catalog.slice(i, i + 20_000));
    const started = performance.now();
    const job = new IngestJob<Ev>({
      name: label,
      source: source as KafkaSource<MemberEvent>,
      // Both sides map alike, as rdg ingest --source kafka does.
      map: refuseUndecodable(mapMemberEvent),
      graph,
      deadLetters: new MemoryDeadLetterSink(),
      eventTime: (e) => ("time" in e && typeof e.time === "number" ? e.time : 0),
      validation: GENERATOR_VALIDATION,
      onProgress: (m) => {
        const sec = (performance.now() - started) / 1000;
        progress(`${name}: ${label}: ${m.eventsIn.toLocaleString("en-US")} events, ${Math.round(m.eventsIn / sec).toLocaleString("en-US")} events/s`);
      },
    });
    const m = await job.run();
    return { m, seconds: (performance.now() - started) / 1000 };
  } finally {
    await store.close();
  }
}
