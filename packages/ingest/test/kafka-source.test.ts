import { Consumer, MessagesStreamModes, Producer, ProduceAcks } from "@platformatic/kafka";
import { describe, expect, it } from "vitest";
import { MemoryKvStore } from "@rdg/kv";
import { GraphStore, graphNamespaces } from "@rdg/graph";
import { memberJourneySchema } from "@rdg/model";
import {
  ArraySource, DEAD_LETTER_HEADERS, GENERATOR_VALIDATION, IngestJob, KafkaDeadLetterSink, KafkaEventProducer, KafkaSource,
  MemberJourneyGenerator, MemoryDeadLetterSink, mapMemberEvent, memberEventKey, memberJourneyRouting, memberJourneyTopicNames, refuseUndecodable,
  type DeadLetterSink, type EventSource, type MemberEvent, type UndecodableRecord,
} from "../src/index.js";
import { BROKERS, topicAdminForFile, uniquePrefix } from "./support/kafka-test-broker.js";

const kafka = topicAdminForFile();

type Ev = MemberEvent | UndecodableRecord;
const NOW = Date.UTC(2030, 0, 1);
const eventTime = (e: Ev): number => ("time" in e && typeof e.time === "number" ? e.time : 0);

const newGraph = (): GraphStore =>
  new GraphStore({ kv: new MemoryKvStore({ namespaces: graphNamespaces(memberJourneySchema) }), schema: memberJourneySchema, now: () => NOW });

async function exportLines(graph: GraphStore): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of graph.export()) lines.push(line);
  return lines;
}

async function ingest(graph: GraphStore, source: EventSource<Ev>, deadLetters: DeadLetterSink<Ev> = new MemoryDeadLetterSink(), signal?: AbortSignal, onProgress?: (eventsIn: number) => void) {
  const job = new IngestJob<Ev>({
    name: "kafka-test", source, graph, deadLetters, eventTime, map: refuseUndecodable(mapMemberEvent),
    validation: GENERATOR_VALIDATION, batchSize: 700, coalesceWindowMs: 5000,
    onProgress: (m) => onProgress?.(m.eventsIn),
  });
  return job.run(signal);
}

/** The five member-journey topics under a fresh prefix, created with `partitions`. */
async function topicSet(what: string, partitions = 3): Promise<{ prefix: string; topics: string[] }> {
  const prefix = uniquePrefix(what);
  const topics = Object.values(memberJourneyTopicNames(prefix));
  kafka.made(...topics);
  await kafka.admin().ensure(topics, { partitions });
  return { prefix, topics };
}

async function produce(prefix: string, events: readonly MemberEvent[]): Promise<void> {
  const producer = new KafkaEventProducer<MemberEvent>({ brokers: BROKERS, ...memberJourneyRouting(prefix), batchSize: 500 });
  try {
    await producer.send(events);
    await producer.flush();
  } finally {
    await producer.close();
  }
}

const group = (what: string): string => `rdg-test-${what}-${process.pid}-${Date.now().toString(36)}`;

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("KafkaSource (real broker, services/kafka.sh)", () => {
  const events = new MemberJourneyGenerator({ seed: 11, accounts: 200, concurrentSessions: 150 }).next(3000);

  it("in-order and shuffled-twice delivery give the graph an in-process ingest gives", async () => {
    const reference = newGraph();
    await ingest(reference, new ArraySource<Ev>(events, 500));
    const want = await exportLines(reference);
    expect(want.length).toBeGreaterThan(500);

    const inOrder = await topicSet("in-order");
    await produce(inOrder.prefix, events);
    const twice = await topicSet("shuffled");
    await produce(twice.prefix, shuffled(events, 1));
    await produce(twice.prefix, shuffled(events, 2));

    for (const [set, count] of [[inOrder, events.length], [twice, 2 * events.length]] as const) {
      const graph = newGraph();
      const m = await ingest(graph, new KafkaSource<MemberEvent>({ brokers: BROKERS, topics: set.topics, group: group("order"), batchSize: 400, maxRecords: count }));
      expect(m.eventsIn).toBe(count);
      expect(m.deadLetters).toBe(0);
      expect(await exportLines(graph), set.prefix).toEqual(want);
    }
  }, 120_000);

  it("sends undecodable records and refused events to the dead-letter topic with their bytes and reason, and keeps going", async () => {
    const prefix = uniquePrefix("dead-letters");
    const source = `${prefix}playback`;
    const dlq = `${prefix}dead-letters`;
    kafka.made(source, dlq);
    await kafka.admin().ensure([source, dlq], { partitions: 2 });

    const good = events.filter((e) => e.topic === "playback").slice(0, 400);
    const bad: { key: string; value: Buffer; reason: RegExp }[] = [
      { key: "k-bin", value: Buffer.from([0xff, 0xfe, 0x00, 0x7b]), reason: /is not JSON/ },
      { key: "k-text", value: Buffer.from("{not json"), reason: /is not JSON/ },
      { key: "k-array", value: Buffer.from("[1,2]"), reason: /not an object \(array\)/ },
      { key: "k-type", value: Buffer.from(JSON.stringify({ ...good[0]!, type: "teleport" })), reason: /unknown|type/ },
      { key: "k-time", value: Buffer.from(JSON.stringify({ ...good[1]!, time: "yesterday" })), reason: /event\.time/ },
      { key: "k-old", value: Buffer.from(JSON.stringify({ ...good[2]!, time: Date.UTC(1990, 0, 1) })), reason: /time/ },
    ];
    // Idempotent, one request: a plain producer's retries wrote some records twice here.
    const producer = new Producer({ clientId: "rdg-test", bootstrapBrokers: [...BROKERS], acks: ProduceAcks.ALL, idempotent: true, retries: 3 });
    const records = [
      ...good.map((e) => ({ topic: source, key: Buffer.from(memberEventKey(e)), value: Buffer.from(JSON.stringify(e)) })),
      ...bad.map((b) => ({ topic: source, key: Buffer.from(b.key), value: b.value })),
    ];
    try {
      // Bad records spread among the good ones.
      await producer.send({ messages: shuffled(records, 3) });
    } finally {
      await producer.close();
    }

    expect(await recordCount(source), "records in the topic, each once").toBe(records.length);

    const sink = new KafkaDeadLetterSink<Ev>({ brokers: BROKERS, topic: dlq });
    const graph = newGraph();
    try {
      const m = await ingest(graph, new KafkaSource<MemberEvent>({ brokers: BROKERS, topics: [source], group: group("dlq"), batchSize: 100, maxRecords: records.length }), sink);
      expect(m.eventsIn).toBe(records.length);
      expect(m.deadLetters).toBe(bad.length);
      expect(sink.sent).toBe(bad.length);
    } finally {
      await sink.close();
    }
    const reference = newGraph();
    await ingest(reference, new ArraySource<Ev>(good, 100));
    expect(await exportLines(graph)).toEqual(await exportLines(reference));

    const letters = await readAll(dlq, bad.length);
    expect(letters).toHaveLength(bad.length);
    for (const b of bad) {
      const letter = letters.find((l) => l.key === b.key);
      expect(letter, b.key).toBeDefined();
      expect(letter!.value.equals(b.value), `${b.key}: original bytes`).toBe(true);
      expect(letter!.headers.get(DEAD_LETTER_HEADERS.sourceTopic)).toBe(source);
      expect(letter!.headers.get(DEAD_LETTER_HEADERS.reason), b.key).toMatch(b.reason);
      const partition = Number(letter!.headers.get(DEAD_LETTER_HEADERS.sourcePartition));
      const offset = BigInt(letter!.headers.get(DEAD_LETTER_HEADERS.sourceOffset)!);
      const original = await readAt(source, partition, offset);
      expect(original.equals(b.value), `${b.key}: partition and offset point at the original`).toBe(true);
    }
  }, 120_000);

  it("a job stopped mid-stream and a new one in the same group on the same graph give the uninterrupted graph; offsets never pass what was written", async () => {
    const set = await topicSet("resume");
    await produce(set.prefix, events);
    const reference = newGraph();
    await ingest(reference, new ArraySource<Ev>(events, 500));

    const graph = newGraph();
    const g = group("resume");
    const stop = new AbortController();
    const first = await ingest(graph, new KafkaSource<MemberEvent>({ brokers: BROKERS, topics: set.topics, group: g, batchSize: 200 }), undefined, stop.signal, (n) => {
      if (n >= events.length / 3) stop.abort();
    });
    expect(first.eventsIn).toBeGreaterThan(0);
    expect(first.eventsIn).toBeLessThan(events.length);
    // A clean stop commits exactly what it read and wrote, nothing beyond.
    expect(await committedTotal(g, set.topics)).toBe(first.eventsIn);

    const second = await ingest(graph, new KafkaSource<MemberEvent>({ brokers: BROKERS, topics: set.topics, group: g, batchSize: 500, idleMs: 3000 }));
    expect(first.eventsIn + second.eventsIn).toBe(events.length);
    expect(await committedTotal(g, set.topics)).toBe(events.length);
    expect(await exportLines(graph)).toEqual(await exportLines(reference));
  }, 120_000);

  it("idleMs counts only the time spent waiting for records, not the time the job takes", async () => {
    const set = await topicSet("idle", 1);
    const some = events.slice(0, 1000);
    await produce(set.prefix, some);
    const source = new KafkaSource<MemberEvent>({ brokers: BROKERS, topics: set.topics, group: group("idle"), batchSize: 100, idleMs: 300 });
    let read = 0;
    try {
      for await (const batch of source.batches(new AbortController().signal)) {
        read += batch.events.length;
        // A job busy longer than idleMs right after taking a batch, with no I/O before it asks
        // for more (CPU-bound, as mapping and coalescing are): records cannot arrive meanwhile,
        // so this is no idle time. (It ended the source at 40,000 of 100,000 records once.)
        const until = Date.now() + 350;
        while (Date.now() < until) { /* busy */ }
      }
    } finally {
      await source.close();
    }
    expect(read).toBe(some.length);
  }, 60_000);

  it("refuses bad options and an unreachable broker with messages that say what to change", async () => {
    expect(() => new KafkaSource({ topics: [], group: "g" })).toThrow(/topics: is empty/);
    expect(() => new KafkaSource({ topics: ["t"], group: "" })).toThrow(/group: is empty/);
    expect(() => new KafkaSource({ topics: ["t"], group: "g", batchSize: 0 })).toThrow(/batchSize: must be a positive integer/);
    const source = new KafkaSource({ brokers: ["127.0.0.1:1"], topics: ["t"], group: "g", retries: 0, connectTimeoutMs: 1000 });
    await expect(source.batches(new AbortController().signal).next()).rejects.toThrow(/services\/kafka\.sh start/);
    await source.close();
  }, 30_000);
});

interface Letter { readonly key: string; readonly value: Buffer; readonly headers: Map<string, string> }

async function readAll(topic: string, count: number): Promise<Letter[]> {
  const consumer = new Consumer<Buffer, Buffer, string, string>({
    clientId: "rdg-test", groupId: group("read"), bootstrapBrokers: [...BROKERS], maxWaitTime: 200,
    deserializers: { headerKey: (b) => b?.toString(), headerValue: (b) => b?.toString() },
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

async function readAt(topic: string, partition: number, offset: bigint): Promise<Buffer> {
  const consumer = new Consumer({ clientId: "rdg-test", groupId: group("at"), bootstrapBrokers: [...BROKERS], maxWaitTime: 200 });
  try {
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false });
    try {
      for await (const m of stream) if (m.partition === partition && m.offset === offset) return m.value;
    } finally {
      await stream.close();
    }
  } finally {
    await consumer.close(true);
  }
  throw new Error(`no record at ${topic}[${partition}]@${offset}`);
}

/** Records in `topic`: the sum of its partitions' end offsets (all start at 0). */
async function recordCount(topic: string): Promise<number> {
  const consumer = new Consumer({ clientId: "rdg-test", groupId: group("count"), bootstrapBrokers: [...BROKERS] });
  try {
    const offsets = await consumer.listOffsets({ topics: [topic] });
    return Number((offsets.get(topic) ?? []).reduce((a, b) => a + b, 0n));
  } finally {
    await consumer.close(true);
  }
}

/** The sum of the group's committed offsets over every partition of `topics` (all start at 0). */
async function committedTotal(groupId: string, topics: readonly string[]): Promise<number> {
  const consumer = new Consumer({ clientId: "rdg-test", groupId, bootstrapBrokers: [...BROKERS] });
  try {
    const partitions = await kafka.admin().partitions(topics);
    const offsets = await consumer.listCommittedOffsets({ topics: topics.map((topic) => ({ topic, partitions: [...Array(partitions.get(topic)).keys()] })) });
    let total = 0n;
    for (const list of offsets.values()) for (const o of list) if (o > 0n) total += o;
    return Number(total);
  } finally {
    await consumer.close(true);
  }
}


