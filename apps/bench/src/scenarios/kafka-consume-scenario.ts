import { Consumer, MessagesStreamFallbackModes, MessagesStreamModes } from "@platformatic/kafka";
import { KafkaEventProducer, KafkaSource, memberEventKey, type MemberEvent } from "@rdg/ingest";
import { BROKERS, PARTITIONS, generateEvents, makeTopics, meanSizes, median, runKafkaTool, runPrefix } from "./kafka-support.js";
import type { Scenario } from "./scenario.js";

const ROUNDS = 5;
/** Records per batch our source hands out (KafkaSource's default). */
const OUR_BATCH = 5000;
/** Fetch sizes of every side: the Java consumer's defaults, which KafkaSource also uses by default. */
const PARTITION_FETCH_BYTES = 1_048_576;
const FETCH_BYTES = 52_428_800;

/**
 * Our KafkaSource with no processing (iterate its batches, commit each) beside Kafka's own
 * ConsumerPerformance (kafka-consumer-perf-test), both reading the same pre-produced topic from
 * the start in a fresh consumer group each. Like the Java tool, which reads raw bytes, our
 * compared side does not decode values (its decode hands the value Buffer on as the event); the
 * same source with its default JSON decode is measured beside it, so the decode's cost shows on
 * its own. The bare @platformatic/kafka message stream (no queue, no batches, no commit) shows how
 * much of the gap is the Node client itself, with the same fetch sizes and with the client's own
 * defaults. The sides alternate for five rounds (the Java tool's rate swings most with the load of a shared machine); medians compared.
 */
export const kafkaConsumeScenario: Scenario = async (s) => {
  const records = Math.max(50_000, Math.round(s.seconds * 50_000));
  const prefix = runPrefix("consume");
  const topic = `${prefix}.events`;
  s.progress(`kafka-consume: generating ${records.toLocaleString("en-US")} events`);
  const { events } = generateEvents(records, Date.UTC(2026, 0, 1));
  const size = meanSizes(events, memberEventKey);
  // What our source's decode stage costs alone: JSON.parse of the same record values.
  const values = events.map((e) => Buffer.from(JSON.stringify(e)));
  const p0 = performance.now();
  for (const v of values) JSON.parse(v.toString("utf8"));
  const parseRate = values.length / ((performance.now() - p0) / 1000);
  values.length = 0;
  const dropTopics = await makeTopics([topic]);
  const ours: { total: number; fetch: number }[] = [];
  const oursJson: { total: number; fetch: number }[] = [];
  const theirs: { total: number; fetch: number; rebalanceMs: number }[] = [];
  const bare: number[] = [];
  const bareDefaults: number[] = [];
  let produceRate = 0;
  try {
    const producer = new KafkaEventProducer<MemberEvent>({ brokers: BROKERS, clientId: "rdg-bench-consume", topicOf: () => topic, keyOf: memberEventKey });
    try {
      const t0 = performance.now();
      for (let i = 0; i < events.length; i += 10_000) {
        await producer.send(events.slice(i, i + 10_000));
        s.progress(`kafka-consume: publishing the topic (not timed), ${producer.stats().acknowledged.toLocaleString("en-US")} acknowledged`);
      }
      await producer.flush();
      produceRate = records / ((performance.now() - t0) / 1000);
    } finally {
      await producer.close();
    }
    for (let r = 0; r < ROUNDS; r++) {
      s.progress(`kafka-consume: round ${r + 1}: kafka-consumer-perf-test`);
      const out = await runKafkaTool("org.apache.kafka.tools.ConsumerPerformance", [
        "--bootstrap-server", BROKERS.join(","), "--topic", topic, "--num-records", String(records),
        "--group", `${prefix}.perf-${r}`, "--timeout", "30000",
      ], 180_000);
      theirs.push(parseConsumerPerformance(out));
      s.progress(`kafka-consume: round ${r + 1}: KafkaSource`);
      ours.push(await consumeOurs(topic, `${prefix}.ours-${r}`, records, false, s.progress));
      s.progress(`kafka-consume: round ${r + 1}: KafkaSource with JSON decode`);
      oursJson.push(await consumeOurs(topic, `${prefix}.ours-json-${r}`, records, true, s.progress));
      s.progress(`kafka-consume: round ${r + 1}: bare @platformatic/kafka stream`);
      bare.push(await consumeBare(topic, `${prefix}.bare-${r}`, records, true));
      s.progress(`kafka-consume: round ${r + 1}: bare @platformatic/kafka stream, the client's default fetch sizes`);
      bareDefaults.push(await consumeBare(topic, `${prefix}.bare-defaults-${r}`, records, false));
    }
  } finally {
    await dropTopics();
  }
  const o = median(ours.map((x) => x.total));
  const oj = median(oursJson.map((x) => x.total));
  const c = median(theirs.map((x) => x.total));
  const b = median(bare);
  const bd = median(bareDefaults);
  const ratio = o / c;
  return {
    scenario: "kafka-consume",
    settings: {
      records, rounds: ROUNDS, partitions: PARTITIONS, oursBatchSize: OUR_BATCH, oursCommitsEveryBatch: true, oursDecodes: false,
      maxPartitionFetchBytes: PARTITION_FETCH_BYTES, maxFetchBytes: FETCH_BYTES, brokers: BROKERS,
    },
    figures: {
      "consumer (KafkaSource) records/s, median": { value: o, unit: "records/s" },
      "kafka-consumer-perf-test records/s, median": { value: c, unit: "records/s" },
      "consumer with JSON decode (KafkaSource's default decode) records/s, median": { value: oj, unit: "records/s" },
      "bare @platformatic/kafka stream records/s, median": { value: b, unit: "records/s" },
      "bare @platformatic/kafka stream with the client's default fetch sizes records/s, median": { value: bd, unit: "records/s" },
      "consumer records/s after the first batch, median": { value: median(ours.map((x) => x.fetch)), unit: "records/s" },
      "kafka-consumer-perf-test fetch records/s (after joining), median": { value: median(theirs.map((x) => x.fetch)), unit: "records/s" },
      "kafka-consumer-perf-test group join (rebalance.time.ms), median": { value: median(theirs.map((x) => x.rebalanceMs)), unit: "ms" },
      "consumer MB/s (values), median": { value: (o * size.value) / 1e6, unit: "MB/s" },
      "JSON.parse of the same values alone (our decode stage, no Kafka)": { value: parseRate, unit: "records/s" },
      "mean JSON record value": { value: size.value, unit: "B" },
      "records per round": { value: records, unit: "records" },
      "publishing the topic beforehand (not compared)": { value: produceRate, unit: "records/s" },
    },
    ratios: {
      "consumer / kafka-consumer-perf-test": ratio,
      "consumer with JSON decode / kafka-consumer-perf-test": oj / c,
      "bare @platformatic/kafka stream / kafka-consumer-perf-test": b / c,
      "consumer / bare @platformatic/kafka stream": o / b,
      "consumer with JSON decode / consumer": oj / o,
      "consumer after the first batch / kafka-consumer-perf-test after joining": median(ours.map((x) => x.fetch)) / median(theirs.map((x) => x.fetch)),
    },
    targets: { "consumer / kafka-consumer-perf-test >= 0.5": { target: 0.5, actual: ratio, met: ratio >= 0.5 } },
    notes: [
      `Both read the same topic (${records} JSON member-journey events of ${size.value.toFixed(0)} B mean, keyed by member, ${PARTITIONS} partitions, published by KafkaEventProducer before timing) from the earliest offset, each round in a fresh consumer group, until ${records} records are read.`,
      "The compared rates are records over the whole run including the group join, on both sides (ConsumerPerformance's nMsg.sec; ours from the first call for batches to the last commit). The rates after the join are beside them: ConsumerPerformance's fetch.nMsg.sec, and ours from the first batch handed out to the last commit.",
      `Ours: KafkaSource with its defaults (${OUR_BATCH}-record batches, 100 ms linger, 500 ms max fetch wait, fetches of at most ${PARTITION_FETCH_BYTES / 1_048_576} MiB per partition and ${FETCH_BYTES / 1_048_576} MiB in all, the Java consumer's defaults), each batch's offsets committed before the next is read (ConsumerPerformance commits automatically in the background). Like ConsumerPerformance, which does not deserialize values, the compared side does no decoding: its decode hands each value Buffer on as the event, so everything else the source does per record (group membership, queue and backpressure, the rebalance checks, the origin kept for the dead-letter sink, batches, commits) is measured. "Consumer with JSON decode" is the same source with its default decode stage (JSON.parse of each value), measured in the same rounds: that is the decode's cost, beside JSON.parse of the same values alone.`,
      `The bare stream is @platformatic/kafka's Consumer.consume (the client KafkaSource is built on) with the same fetch wait and fetch sizes, counting messages until the last, with no queue, no decode and no commit; it is the ceiling of any source on this client. The client's own default fetch sizes (50 MiB per partition) are measured beside it: the client parses a response by scanning its socket chunks from the first for every field it reads, so a large response costs the square of its size, and that is why KafkaSource asks for 1 MiB per partition.`,
      `Each round, records/s: consumer ${ours.map((x) => Math.round(x.total)).join(", ")}; consumer with JSON decode ${oursJson.map((x) => Math.round(x.total)).join(", ")}; kafka-consumer-perf-test ${theirs.map((x) => Math.round(x.total)).join(", ")}; bare stream ${bare.map((x) => Math.round(x)).join(", ")}; bare stream with the client's default fetch sizes ${bareDefaults.map((x) => Math.round(x)).join(", ")}. Rounds alternate (perf test, ours, ours with JSON decode, bare stream, bare stream with default fetch sizes). The machine has 2 cores shared by the broker, the client and other work.`,
    ],
  };
};

function parseConsumerPerformance(out: string): { total: number; fetch: number; rebalanceMs: number } {
  const lines = out.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const h = lines.findIndex((l) => l.startsWith("start.time"));
  if (h < 0 || lines[h + 1] === undefined) throw new Error(`cannot read ConsumerPerformance's summary:\n${out.slice(-1500)}`);
  const names = lines[h]!.split(",").map((x) => x.trim());
  const values = lines[h + 1]!.split(",").map((x) => x.trim());
  const get = (n: string): number => {
    const v = Number(values[names.indexOf(n)]);
    if (!Number.isFinite(v)) throw new Error(`ConsumerPerformance printed no ${n}:\n${out.slice(-1500)}`);
    return v;
  };
  return { total: get("nMsg.sec"), fetch: get("fetch.nMsg.sec"), rebalanceMs: get("rebalance.time.ms") };
}

async function consumeOurs(topic: string, group: string, records: number, json: boolean, progress: (t: string) => void): Promise<{ total: number; fetch: number }> {
  const source = new KafkaSource<MemberEvent>({
    brokers: BROKERS, clientId: "rdg-bench-consume", topics: [topic], group, maxRecords: records, batchSize: OUR_BATCH, idleMs: 30_000,
    maxPartitionFetchBytes: PARTITION_FETCH_BYTES, maxFetchBytes: FETCH_BYTES,
    // No processing: the value Buffer is the event (a Buffer is an object, so the source takes it as decoded).
    ...(json ? {} : { decode: (value: Buffer) => value }),
  });
  const controller = new AbortController();
  try {
    const started = performance.now();
    let first = 0;
    let firstCount = 0;
    let read = 0;
    for await (const batch of source.batches(controller.signal)) {
      if (first === 0) {
        first = performance.now();
        firstCount = batch.events.length;
      }
      read += batch.events.length;
      await batch.commit();
      progress(`kafka-consume: ours${json ? " with JSON decode" : ""} ${read.toLocaleString("en-US")} records, ${Math.round(read / ((performance.now() - started) / 1000)).toLocaleString("en-US")} records/s`);
    }
    const end = performance.now();
    if (read < records) throw new Error(`KafkaSource read ${read} of ${records} records before 30 s without any`);
    return { total: read / ((end - started) / 1000), fetch: (read - firstCount) / Math.max(1e-3, (end - first) / 1000) };
  } finally {
    await source.close();
  }
}

async function consumeBare(topic: string, group: string, records: number, sameFetchSizes: boolean): Promise<number> {
  const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({ clientId: "rdg-bench-consume-bare", bootstrapBrokers: [...BROKERS], groupId: group, maxWaitTime: 500 });
  try {
    const started = performance.now();
    const stream = await consumer.consume({
      topics: [topic], mode: MessagesStreamModes.COMMITTED, fallbackMode: MessagesStreamFallbackModes.EARLIEST, autocommit: false,
      ...(sameFetchSizes ? { maxBytes: FETCH_BYTES, maxBytesPerPartition: PARTITION_FETCH_BYTES } : {}),
    });
    let read = 0;
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`the bare stream read ${read} of ${records} records in 120 s`)), 120_000);
      stream.on("error", (e: unknown) => {
        clearTimeout(timer);
        fail(e instanceof Error ? e : new Error(String(e)));
      });
      stream.on("data", () => {
        if (++read === records) {
          clearTimeout(timer);
          ok();
        }
      });
    });
    const rate = records / ((performance.now() - started) / 1000);
    await stream.close();
    return rate;
  } finally {
    await consumer.close(true);
  }
}
