import { Producer, ProduceAcks } from "@platformatic/kafka";
import { describe, expect, it } from "vitest";
import { MemoryKvStore } from "@rdg/kv";
import { GraphStore, graphNamespaces } from "@rdg/graph";
import { memberJourneySchema } from "@rdg/model";
import { ArraySource, IngestJob, IngestPrometheusMetrics, KafkaSource, MemoryDeadLetterSink, type JobMetrics, type PartitionLag } from "../src/index.js";
import { BROKERS, topicAdminForFile, uniquePrefix } from "./support/kafka-test-broker.js";
import { samples } from "./support/prometheus-text.js";

const kafka = topicAdminForFile();

const byPartition = (lags: readonly PartitionLag[]): Record<string, number> => Object.fromEntries(lags.map((l) => [`${l.topic}[${l.partition}]`, l.lag]));

describe("KafkaSource.lag (real broker, services/kafka.sh)", () => {
  it("is each owned partition's end offset minus the group's committed offset, and moves with each commit", async () => {
    const topic = `${uniquePrefix("lag")}events`;
    kafka.made(topic);
    await kafka.admin().ensure([topic], { partitions: 2 });
    const producer = new Producer({ clientId: "rdg-test", bootstrapBrokers: [...BROKERS], acks: ProduceAcks.ALL, idempotent: true, retries: 3 });
    try {
      // 7 records in partition 0, 3 in partition 1.
      const record = (partition: number, i: number) => ({ topic, partition, key: Buffer.from(`k${i}`), value: Buffer.from(JSON.stringify({ i })) });
      await producer.send({ messages: [...Array.from({ length: 7 }, (_, i) => record(0, i)), ...Array.from({ length: 3 }, (_, i) => record(1, i))] });
    } finally {
      await producer.close();
    }

    const source = new KafkaSource<{ i: number }>({ brokers: BROKERS, topics: [topic], group: `${uniquePrefix("lag")}group`, batchSize: 10, lingerMs: 500 });
    const prometheus = new IngestPrometheusMetrics({ processMetrics: false });
    prometheus.job("lagging").follow(idleJobMetrics(), source);
    expect(await source.lag(), "before joining the group").toEqual([]);
    const controller = new AbortController();
    const batches = source.batches(controller.signal)[Symbol.asyncIterator]();
    try {
      const read: { events: readonly unknown[]; commit(): void | Promise<void> }[] = [];
      let events = 0;
      while (events < 10) {
        const next = await batches.next();
        if (next.done === true) throw new Error("the source ended early");
        read.push(next.value);
        events += next.value.events.length;
      }
      // Read, not committed: everything is lag.
      expect(byPartition(await source.lag())).toEqual({ [`${topic}[0]`]: 7, [`${topic}[1]`]: 3 });
      for (const b of read) await b.commit();
      expect(byPartition(await source.lag())).toEqual({ [`${topic}[0]`]: 0, [`${topic}[1]`]: 0 });

      // The same figures in the metrics, one series per owned partition.
      const text = await prometheus.metrics();
      expect(samples(text, "rdg_ingest_consumer_lag").map((s) => [s.labels.job, s.labels.topic, s.labels.partition, s.value])).toEqual([
        ["lagging", topic, "0", 0],
        ["lagging", topic, "1", 0],
      ]);
    } finally {
      controller.abort();
      await batches.return?.(undefined);
      await source.close();
    }
    expect(await source.lag(), "after close").toEqual([]);
  });
});

/** The counters of a job that never ran: this test is about lag only. */
function idleJobMetrics(): JobMetrics {
  const graph = new GraphStore({ kv: new MemoryKvStore({ namespaces: graphNamespaces(memberJourneySchema) }), schema: memberJourneySchema });
  return new IngestJob({ name: "idle", source: new ArraySource([], 1), map: () => [], graph, deadLetters: new MemoryDeadLetterSink(), eventTime: () => 0 }).metrics;
}
