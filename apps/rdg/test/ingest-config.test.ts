import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Consumer, MessagesStreamModes } from "@platformatic/kafka";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphStore, graphNamespaces } from "@rdg/graph";
import {
  ArraySource, DEAD_LETTER_HEADERS, IngestJob, KafkaEventProducer, KafkaSource, KafkaTopics, MEMBER_JOURNEY_TOPICS, MemoryDeadLetterSink, avroCodec, mapMemberEvent,
  type MemberEvent,
} from "@rdg/ingest";
import { MemoryKvStore } from "@rdg/kv";
import { memberJourneySchema } from "@rdg/model";
import { openGraphStore, type StoreConfig } from "@rdg/stores";
import { deleteTopics, requireKafka } from "./support/kafka-topics.js";

// rdg ingest --config against the real services: Kafka (services/kafka.sh start), Redis
// (services/redis.sh start --all, :16379) and Cassandra (services/cassandra.sh start, :19042).

const root = resolve(import.meta.dirname, "..", "..", "..");
const examples = join(root, "examples", "member-journey");
const cli = join(import.meta.dirname, "..", "dist", "cli.js");
const rdg = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000 });
const run = `${process.pid}-${Date.now().toString(36)}`;
const prefix = `rdg-cli-config-${run}.`;
const avroPrefix = `rdg-cli-config-avro-${run}.`;
const dir = mkdtempSync(join(tmpdir(), "rdg-ingest-config-"));
const keyspace = `rdg_cli_config_${run.replace(/[^a-z0-9]/gi, "_")}`.slice(0, 48);
const redisPrefix = `rdg-cli-config-${run}:`;
const topics: string[] = [];

interface ExampleJob { name: string; topic: string; group: string; deadLetterTopic?: string; schema?: string; store: unknown; [k: string]: unknown }

/** The example's configuration with this test's topics, groups and stores: `edit` changes each job. */
function exampleConfig(file: string, topicPrefix: string, edit: (job: ExampleJob) => ExampleJob): string {
  const c = JSON.parse(readFileSync(join(examples, file), "utf8")) as { jobs: ExampleJob[] };
  c.jobs = c.jobs.map((j) => edit({
    ...j, topic: `${topicPrefix}${j.name}`, group: `${topicPrefix}${j.group}`, deadLetterTopic: `${topicPrefix}${j.name}.dead-letters`,
    ...(j.schema === undefined ? {} : { schema: join(examples, j.schema) }),
  }));
  const out = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(out, JSON.stringify(c, null, 2));
  return out;
}

/** Every record of `topics`, decoded (JSON unless `decode`), read by a group of its own until idle. */
async function readBack(names: readonly string[], decode?: (value: Buffer) => object): Promise<object[]> {
  const source = new KafkaSource<object>({ topics: names, group: `rdg-cli-config-read-${Math.random().toString(36).slice(2)}`, idleMs: 2000, ...(decode === undefined ? {} : { decode }) });
  const out: object[] = [];
  try {
    for await (const batch of source.batches(new AbortController().signal)) out.push(...batch.events);
  } finally {
    await source.close();
  }
  return out;
}

/** The graph an in-process ingest of `events` gives, as export lines. */
async function inProcess(events: readonly object[]): Promise<string[]> {
  const graph = new GraphStore({ kv: new MemoryKvStore({ namespaces: graphNamespaces(memberJourneySchema) }), schema: memberJourneySchema });
  await new IngestJob<MemberEvent>({ name: "reference", source: new ArraySource(events as MemberEvent[], 500), map: mapMemberEvent, graph, deadLetters: new MemoryDeadLetterSink(), eventTime: (e) => e.time }).run();
  return exportLines(graph);
}

async function exportLines(graph: GraphStore): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of graph.export()) lines.push(line);
  return lines;
}

/** `rdg ingest --source file` of `events` into a new graph, then `rdg export` of it. */
function fileIngestExport(name: string, events: readonly object[]): string {
  const file = join(dir, `${name}.jsonl`);
  writeFileSync(file, events.map((e) => JSON.stringify(e)).join("\n") + "\n");
  const ingested = rdg("ingest", "--source", "file", "--file", file, "--path", join(dir, `${name}-graph`), "--dead-letters", join(dir, `${name}-dl.jsonl`));
  expect(ingested.status, ingested.stderr).toBe(0);
  return exported(join(dir, `${name}-graph`));
}

/** `rdg export` of the graph at `path` (to a file: the graph is larger than a pipe's buffer). */
function exported(path: string): string {
  const out = `${path}.export.jsonl`;
  const r = rdg("export", "--path", path, "--out", out);
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(out, "utf8");
}

/** `name: N events` of the summary rdg ingest --config prints per job. */
const eventsOf = (stderr: string, job: string): number => Number(new RegExp(`^  ${job}: ([\\d,]+) events`, "m").exec(stderr)?.[1]?.replaceAll(",", "") ?? Number.NaN);

beforeAll(async () => {
  await requireKafka(`${prefix}probe`);
  const json = rdg("produce", "--events", "3000", "--topic-prefix", prefix, "--partitions", "2", "--seed", "7");
  if (json.status !== 0) throw new Error(`rdg produce: ${json.stderr}`);
  const avro = rdg("produce", "--format", "avro", "--schemas", join(examples, "avro"), "--events", "2000", "--topic-prefix", avroPrefix, "--partitions", "2", "--seed", "9");
  if (avro.status !== 0) throw new Error(`rdg produce --format avro: ${avro.stderr}`);
  for (const p of [prefix, avroPrefix]) for (const t of MEMBER_JOURNEY_TOPICS) topics.push(`${p}${t}`, `${p}${t}.dead-letters`);
}, 180_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await deleteTopics([...topics, `${prefix}failing`]);
  spawnSync("bash", ["-c", `redis-cli -p 16379 --scan --pattern '${redisPrefix}*' | xargs -r redis-cli -p 16379 del`]);
  spawnSync(join(root, "services", "cassandra.sh"), ["cql", `DROP KEYSPACE IF EXISTS ${keyspace}`]);
}, 120_000);

describe("rdg ingest --config (real broker, services/kafka.sh)", () => {
  it("two jobs of the example into LMDB give the graph an in-process ingest of the same events gives; a second run reads nothing", async () => {
    const graph = join(dir, "lmdb-graph");
    const config = exampleConfig("jobs.json", prefix, (j) => ({ ...j, store: { kind: "lmdb", path: graph } }));
    const r = rdg("ingest", "--config", config, "--job", "auth,playback", "--idle-seconds", "2");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/running 2 jobs of .*:\n  auth: .*auth \(json, group .*\) -> LMDB /);
    expect(r.stderr).toMatch(/\(every source ended\)/);
    const events = await readBack([`${prefix}auth`, `${prefix}playback`]);
    expect(eventsOf(r.stderr, "auth") + eventsOf(r.stderr, "playback"), r.stderr).toBe(events.length);
    expect(eventsOf(r.stderr, "playback")).toBeGreaterThan(0);
    expect(r.stderr).not.toMatch(/^  gaming:/m);

    expect(exported(graph)).toBe(fileIngestExport("lmdb-reference", events));

    const again = rdg("ingest", "--config", config, "--job", "auth,playback", "--idle-seconds", "2");
    expect(again.status, again.stderr).toBe(0);
    expect([eventsOf(again.stderr, "auth"), eventsOf(again.stderr, "playback")]).toEqual([0, 0]);
    expect(again.stderr).toMatch(/^  auth: .* lag 0, /m);
  });

  it("Avro: rdg produce --format avro and the example's Avro jobs round-trip; an undecodable record goes to the dead-letter topic with its bytes and reason", async () => {
    const bad = Buffer.from(JSON.stringify({ type: "heartbeat", note: "JSON on an Avro topic" }));
    const producer = new KafkaEventProducer<Buffer>({ topicOf: () => `${avroPrefix}playback`, keyOf: () => "k-bad", encode: (b) => b });
    try {
      await producer.send([bad]);
    } finally {
      await producer.close();
    }
    const graph = join(dir, "avro-graph");
    const config = exampleConfig("jobs-avro.json", avroPrefix, (j) => ({ ...j, store: { kind: "lmdb", path: graph } }));
    const r = rdg("ingest", "--config", config, "--job", "auth,playback", "--idle-seconds", "2");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^  playback: [\\d,]+ events .*, 1 dead letters \\(topic ${avroPrefix.replaceAll(".", "\\.")}playback\\.dead-letters\\)`, "m"));
    expect(r.stderr).toMatch(/^  auth: .*, 0 dead letters, /m);

    const letters = await readTopic(`${avroPrefix}playback.dead-letters`, 1);
    expect(letters).toHaveLength(1);
    expect(letters[0]!.key).toBe("k-bad");
    expect(letters[0]!.value.equals(bad)).toBe(true);
    expect(letters[0]!.headers.get(DEAD_LETTER_HEADERS.sourceTopic)).toBe(`${avroPrefix}playback`);
    expect(letters[0]!.headers.get(DEAD_LETTER_HEADERS.reason)).toMatch(new RegExp(`^\\[ingest\\] bad event: ${avroPrefix.replaceAll(".", "\\.")}playback\\[\\d\\]@\\d+ is not Avro of rdg\\.memberjourney\\.PlaybackEvent \\(`));

    const codecs = Object.fromEntries(["auth", "playback"].map((t) => [t, avroCodec(readFileSync(join(examples, "avro", `${t}.avsc`), "utf8"))]));
    const events = [
      ...(await readBack([`${avroPrefix}auth`], (v) => codecs["auth"]!.decode(v))),
      ...(await readBack([`${avroPrefix}playback`], (v) => codecs["playback"]!.decode(v))).filter((e) => !("undecodable" in e)),
    ];
    expect(eventsOf(r.stderr, "auth") + eventsOf(r.stderr, "playback")).toBe(events.length + 1);
    expect(exported(graph)).toBe(fileIngestExport("avro-reference", events));
  });

  it("one job into Redis (:16379) and one into Cassandra (:19042, a keyspace of the test's own); each graph answers afterwards", async () => {
    const stores: Record<string, StoreConfig> = {
      auth: { kind: "redis", url: "redis://127.0.0.1:16379", keyPrefix: redisPrefix },
      playback: { kind: "cassandra", contactPoints: ["127.0.0.1:19042"], keyspace, consistency: "one" },
    };
    const config = exampleConfig("jobs.json", prefix, (j) => ({ ...j, group: `${j.group}-remote`, store: stores[j.name] ?? j.store }));
    const r = rdg("ingest", "--config", config, "--job", "auth,playback", "--idle-seconds", "2");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/auth: .* -> Redis redis:\/\/127\.0\.0\.1:16379/);
    expect(r.stderr).toMatch(new RegExp(`playback: .* -> Cassandra 127\\.0\\.0\\.1:19042 keyspace ${keyspace}`));
    for (const job of ["auth", "playback"]) {
      const events = await readBack([`${prefix}${job}`]);
      expect(eventsOf(r.stderr, job)).toBe(events.length);
      const { kv, graph } = await openGraphStore(stores[job]!, memberJourneySchema);
      try {
        expect(await exportLines(graph), job).toEqual(await inProcess(events));
        const first = events[0] as MemberEvent;
        const watched = await graph.neighbors(first.profileId, { edge: job === "auth" ? "usesDevice" : "watched", direction: "out", limit: 10 });
        expect(watched.edges.length, `${job}: ${first.profileId}'s edges`).toBeGreaterThan(0);
      } finally {
        await kv.close();
      }
    }
  });

  it("a job that fails stops the others cleanly (they commit what they wrote) and the command exits 1 naming it", async () => {
    const failing = `${prefix}failing`;
    const admin = new KafkaTopics();
    const producer = new KafkaEventProducer<string>({ topicOf: () => failing, keyOf: () => "k", serialize: (v) => v });
    try {
      await admin.ensure([failing], { partitions: 1 });
      await producer.send(["{not json"]);
    } finally {
      await producer.close();
      await admin.close();
    }
    // Its dead letters go to the fallback file, which is a directory here: the first one fails the job.
    const notAFile = join(dir, "dead-letters-dir");
    mkdirSync(notAFile);
    const group = `${prefix}failing-group`;
    const config = exampleConfig("jobs.json", prefix, (j) => ({ ...j, group: `${group}-${j.name}`, store: { kind: "lmdb", path: join(dir, "failing-graph") } }));
    const withFailing = JSON.parse(readFileSync(config, "utf8")) as { jobs: ExampleJob[] };
    withFailing.jobs.push({ name: "failing", topic: failing, group: `${group}-failing`, format: "json", processor: "member-journey", eventTimeField: "time", store: withFailing.jobs[0]!.store });
    writeFileSync(config, JSON.stringify(withFailing));

    const r = rdg("ingest", "--config", config, "--job", "auth,failing", "--dead-letters", notAFile);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/\(stopped by a failed job\)/);
    expect(r.stderr).toMatch(/^  auth: .*; stopped$/m);
    expect(r.stderr).toMatch(/^  failing: 1 events .*; failed: .*EISDIR/m);
    expect(r.stderr).toMatch(/^rdg: job "failing": .*EISDIR/m);

    // What auth read before it stopped was committed: the rest of the topic, and no more, follows.
    const rest = rdg("ingest", "--config", config, "--job", "auth", "--idle-seconds", "2");
    expect(rest.status, rest.stderr).toBe(0);
    const total = (await readBack([`${prefix}auth`])).length;
    expect(eventsOf(r.stderr, "auth") + eventsOf(rest.stderr, "auth")).toBe(total);
  });
});

describe("rdg ingest --config refusals (exit 2, nothing touched)", () => {
  it("a configuration error names the entry and field, before anything connects or is created", () => {
    const graph = join(dir, "never-created");
    const config = exampleConfig("jobs.json", prefix, (j) => ({ ...j, store: { kind: "lmdb", path: graph }, ...(j.name === "playback" ? { batchSize: -3 } : {}) }));
    const r = rdg("ingest", "--config", config);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`rdg: ${config}: jobs[1] "playback".batchSize: must be a positive integer, got -3\n`);
    expect(spawnSync("test", ["-e", graph]).status).toBe(1);
  });

  it("--job with an unknown name lists the jobs of the file", () => {
    const config = join(examples, "jobs.json");
    const r = rdg("ingest", "--config", config, "--job", "playback,watching");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`rdg: --job: no job named "watching" in ${config}; its jobs are auth, playback, gaming, live, search\n`);
  });

  it("a missing file, flags of the single-job forms, --job alone, and an LMDB path rdg did not create", () => {
    const missing = rdg("ingest", "--config", join(dir, "nope.json"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^rdg: .*nope\.json: no such file; give the path of a jobs configuration/);
    const flags = rdg("ingest", "--config", join(examples, "jobs.json"), "--group", "g", "--path", "x");
    expect(flags.status).toBe(2);
    expect(flags.stderr).toMatch(/^rdg: --path, --group go with the single-job forms of rdg ingest; with --config, each job's source, topic, group and store are in /);
    const alone = rdg("ingest", "--job", "auth");
    expect(alone.status).toBe(2);
    expect(alone.stderr).toMatch(/^rdg: --job goes with --config <file>/);
    const foreign = join(dir, "foreign");
    mkdirSync(foreign);
    writeFileSync(join(foreign, "notes.txt"), "mine");
    const config = exampleConfig("jobs.json", prefix, (j) => ({ ...j, store: { kind: "lmdb", path: foreign } }));
    const r = rdg("ingest", "--config", config, "--job", "live");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^rdg: job "live" store\.path: .*foreign is not empty and holds no rdg-graph\.json, so rdg did not create it/);
    expect(readFileSync(join(foreign, "notes.txt"), "utf8")).toBe("mine");
  });

  it("rdg produce: --format avro needs --schemas, and knows json and avro only", () => {
    const noSchemas = rdg("produce", "--events", "1", "--format", "avro");
    expect(noSchemas.status).toBe(2);
    expect(noSchemas.stderr).toMatch(/^rdg: --format avro needs --schemas <dir>/);
    const xml = rdg("produce", "--events", "1", "--format", "xml");
    expect(xml.status).toBe(2);
    expect(xml.stderr).toMatch(/^rdg: --format must be json or avro, got "xml"/);
    const empty = rdg("produce", "--events", "1", "--format", "avro", "--schemas", dir);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/^rdg: --schemas: no auth\.avsc in /);
  });
});

interface Letter { key: string; value: Buffer; headers: Map<string, string> }

/** The first `count` records of `topic`, with their headers. */
async function readTopic(topic: string, count: number): Promise<Letter[]> {
  const consumer = new Consumer<Buffer, Buffer, string, string>({
    clientId: "rdg-test", groupId: `rdg-cli-config-letters-${Math.random().toString(36).slice(2)}`, bootstrapBrokers: ["127.0.0.1:19092"], maxWaitTime: 200,
    deserializers: { headerKey: (b) => b?.toString() ?? "", headerValue: (b) => b?.toString() ?? "" },
  });
  const out: Letter[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false });
    const deadline = setTimeout(() => void stream.close(), 20_000);
    try {
      for await (const m of stream) {
        out.push({ key: m.key.toString(), value: m.value, headers: m.headers });
        if (out.length >= count) break;
      }
    } finally {
      clearTimeout(deadline);
      await stream.close();
    }
  } finally {
    await consumer.close(true);
  }
  return out;
}
