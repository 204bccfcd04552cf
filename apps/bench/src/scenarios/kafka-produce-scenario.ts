import { KafkaEventProducer, memberEventKey, type MemberEvent } from "@rdg/ingest";
import { BROKERS, PARTITIONS, generateEvents, makeTopics, meanSizes, median, runKafkaTool, runPrefix } from "./kafka-support.js";
import type { Scenario } from "./scenario.js";

const ROUNDS = 3;
/** Events per produce request of ours (KafkaEventProducer's default). */
const OUR_BATCH = 1000;
const LINGER_MS = 5;

/**
 * Our KafkaEventProducer publishing generated member-journey events as JSON, keyed by member,
 * beside Kafka's own ProducerPerformance (kafka-producer-perf-test) with the same record count,
 * value size (our mean JSON size), acks=all, idempotence, batch bytes per partition and partition
 * count. The two alternate for three rounds, each into a fresh topic; medians are compared.
 */
export const kafkaProduceScenario: Scenario = async (s) => {
  const records = Math.max(20_000, Math.round(s.seconds * 50_000));
  const prefix = runPrefix("produce");
  s.progress(`kafka-produce: generating ${records.toLocaleString("en-US")} events`);
  const { events } = generateEvents(records, Date.UTC(2026, 0, 1));
  const size = meanSizes(events, memberEventKey);
  const recordSize = Math.round(size.value);
  const members = new Set(events.map(memberEventKey)).size;
  // Bytes of one of our requests that land in one partition: the Java producer's batch.size.
  const batchBytes = Math.ceil((OUR_BATCH * (size.value + size.key)) / PARTITIONS);
  const topics = Array.from({ length: ROUNDS }, (_, r) => [`${prefix}.ours-${r}`, `${prefix}.perf-${r}`] as const);
  const dropTopics = await makeTopics(topics.flat());
  const ours: number[] = [];
  const theirs: number[] = [];
  const latencies: number[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const [ourTopic, perfTopic] = topics[r]!;
      s.progress(`kafka-produce: round ${r + 1}: kafka-producer-perf-test, ${records} records of ${recordSize} B`);
      const out = await runKafkaTool("org.apache.kafka.tools.ProducerPerformance", [
        "--bootstrap-server", BROKERS.join(","), "--topic", perfTopic,
        "--num-records", String(records), "--record-size", String(recordSize), "--throughput", "-1",
        "--key-distribution", "random", "--record-key-range", String(members),
        "--producer-props", "acks=all", "enable.idempotence=true", `batch.size=${batchBytes}`, `linger.ms=${LINGER_MS}`, "compression.type=none",
      ], 180_000);
      const m = /(\d+) records sent, ([\d.]+) records\/sec.*?([\d.]+) ms avg latency/.exec(out);
      if (m === null) throw new Error(`cannot read ProducerPerformance's summary:\n${out.slice(-1500)}`);
      theirs.push(Number(m[2]));
      latencies.push(Number(m[3]));
      s.progress(`kafka-produce: round ${r + 1}: KafkaEventProducer`);
      ours.push(await produceOurs(events, ourTopic, s.progress));
    }
  } finally {
    await dropTopics();
  }
  const o = median(ours);
  const c = median(theirs);
  const ratio = o / c;
  return {
    scenario: "kafka-produce",
    settings: {
      records, rounds: ROUNDS, partitions: PARTITIONS, acks: "all", idempotent: true, compression: "none",
      oursEventsPerRequest: OUR_BATCH, oursRequestsInFlight: 1, perfTestBatchSizeBytes: batchBytes, perfTestLingerMs: LINGER_MS,
      recordValueBytes: recordSize, perfTestKeys: `random integers in [0, ${members})`, brokers: BROKERS,
    },
    figures: {
      "producer (KafkaEventProducer) records/s, median": { value: o, unit: "records/s" },
      "kafka-producer-perf-test records/s, median": { value: c, unit: "records/s" },
      "producer MB/s (values), median": { value: (o * size.value) / 1e6, unit: "MB/s" },
      "kafka-producer-perf-test MB/s (values), median": { value: (c * recordSize) / 1e6, unit: "MB/s" },
      "kafka-producer-perf-test mean latency, median": { value: median(latencies), unit: "ms" },
      "mean JSON record value": { value: size.value, unit: "B" },
      "mean record key (ours)": { value: size.key, unit: "B" },
      "records per round": { value: records, unit: "records" },
    },
    ratios: { "producer / kafka-producer-perf-test": ratio },
    targets: { "producer / kafka-producer-perf-test >= 0.5": { target: 0.5, actual: ratio, met: ratio >= 0.5 } },
    notes: [
      `Both sides: ${records} records a round into a fresh topic of ${PARTITIONS} partitions on one local broker, acks=all with the idempotent producer, no compression, values of ${recordSize} B (our mean JSON event; theirs random bytes of that size), keys spread over ${members} members (ours the member id, ${size.key.toFixed(1)} B mean; theirs random integers in that range, so the same spread over partitions).`,
      `Batching: ours sends ${OUR_BATCH} events per produce request, one request at a time (KafkaEventProducer keeps one in flight for key order); the Java producer gets batch.size=${batchBytes} B (one of our requests' bytes per partition) and linger.ms=${LINGER_MS}, with its default of up to 5 requests in flight per connection (idempotence keeps their order), which is not matched.`,
      "Ours is timed from the first send to the last acknowledgement and includes JSON.stringify of each event; events are generated before timing. ProducerPerformance times itself from its first send and excludes JVM start.",
      `Each round, records/s: producer ${ours.map((x) => Math.round(x)).join(", ")}; kafka-producer-perf-test ${theirs.map((x) => Math.round(x)).join(", ")}.`,
      "Rounds alternate (perf test, then ours); the medians of three rounds are compared. The machine has 2 cores shared by the broker, the client and other work.",
    ],
  };
};

async function produceOurs(events: readonly MemberEvent[], topic: string, progress: (t: string) => void): Promise<number> {
  const producer = new KafkaEventProducer<MemberEvent>({ brokers: BROKERS, clientId: "rdg-bench-produce", topicOf: () => topic, keyOf: memberEventKey, batchSize: OUR_BATCH });
  try {
    const started = performance.now();
    for (let i = 0; i < events.length; i += 10_000) {
      await producer.send(events.slice(i, i + 10_000));
      const sec = (performance.now() - started) / 1000;
      progress(`kafka-produce: ours ${Math.round(producer.stats().acknowledged / sec).toLocaleString("en-US")} records/s`);
    }
    await producer.flush();
    const acknowledged = producer.stats().acknowledged;
    if (acknowledged !== events.length) throw new Error(`KafkaEventProducer acknowledged ${acknowledged} of ${events.length} records`);
    return events.length / ((performance.now() - started) / 1000);
  } finally {
    await producer.close();
  }
}
