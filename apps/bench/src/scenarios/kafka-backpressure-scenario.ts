import { GraphStore, graphNamespaces } from "@rdg/graph";
import {
  GENERATOR_VALIDATION, IngestJob, KafkaEventProducer, KafkaSource, MemberJourneyGenerator, MemoryDeadLetterSink, mapMemberEvent,
  memberJourneyRouting, memberJourneyTopicNames, refuseUndecodable, type MemberEvent, type UndecodableRecord,
} from "@rdg/ingest";
import { RedisKvStore } from "@rdg/kv-redis";
import { memberJourneySchema } from "@rdg/model";
import { PrivateRedis } from "../drivers/private-redis.js";
import { BROKERS, PARTITIONS, makeTopics, runPrefix } from "./kafka-support.js";
import type { Scenario } from "./scenario.js";

type Ev = MemberEvent | UndecodableRecord;

/** The bench's own Redis for this scenario: a port no service or test uses. */
const PORT = 16398;
const MB = 1024 * 1024;

interface Sample {
  readonly t: number;
  readonly rss: number;
  readonly heap: number;
  readonly external: number;
  readonly eventsIn: number;
  readonly batchesWritten: number;
}

/**
 * Backpressure: a Kafka ingestion job into a graph on Redis whose server stops answering
 * (SIGSTOP) for `seconds` in the middle of a stream with far more records waiting than the job
 * may hold. The consumer must stop reading once its bounded buffers are full (the job waits on
 * its writes in flight, the source pauses its partitions), so memory stays flat while the store
 * is stalled; once the store answers again the job must finish the stream with nothing lost.
 * Samples process memory and the events read every 250 ms.
 */
export const kafkaBackpressureScenario: Scenario = async (s) => {
  const records = 1_000_000;
  const stallMs = s.seconds * 1000;
  const startTime = Date.now() - 6 * 3_600_000;
  const prefix = runPrefix("backpressure");
  const names = memberJourneyTopicNames(`${prefix}.`);
  const topics = Object.values(names);
  s.progress(`kafka-backpressure: generating and publishing ${records.toLocaleString("en-US")} events (not timed)`);
  const dropTopics = await makeTopics(topics);
  const redis = await PrivateRedis.start(PORT);
  try {
    {
      // In chunks: the process's memory before the run is not the whole stream's.
      const generator = new MemberJourneyGenerator({ startTime });
      const producer = new KafkaEventProducer<MemberEvent>({ brokers: BROKERS, clientId: "rdg-bench-backpressure", ...memberJourneyRouting(`${prefix}.`) });
      try {
        for (let sent = 0; sent < records; sent += 10_000) await producer.send(generator.next(Math.min(10_000, records - sent)));
        await producer.flush();
      } finally {
        await producer.close();
      }
    }
    global.gc?.();
    // No retry during the stall: a socket timeout well past it.
    const kv = new RedisKvStore({ url: redis.url, keyPrefix: `${prefix}:`, namespaces: graphNamespaces(memberJourneySchema), socketTimeoutMs: stallMs + 60_000 });
    const source = new KafkaSource<MemberEvent>({ brokers: BROKERS, clientId: "rdg-bench-backpressure", topics, group: `${prefix}.ingest`, maxRecords: records, idleMs: 30_000 });
    const samples: Sample[] = [];
    let stall = { from: 0, to: 0 };
    try {
      const graph = new GraphStore({ kv, schema: memberJourneySchema });
      const catalog = [...new MemberJourneyGenerator({ startTime }).catalog()];
      for (let i = 0; i < catalog.length; i += 20_000) await graph.write(catalog.slice(i, i + 20_000));
      // The job's settings are rdg ingest's defaults (IngestJob's), as a user would run it.
      const job = new IngestJob<Ev>({
        name: "backpressure", source, graph, deadLetters: new MemoryDeadLetterSink(), map: refuseUndecodable(mapMemberEvent),
        eventTime: (e) => ("time" in e && typeof e.time === "number" ? e.time : 0), validation: GENERATOR_VALIDATION,
      });
      const t0 = performance.now();
      const sample = (): void => {
        const m = process.memoryUsage();
        samples.push({ t: performance.now() - t0, rss: m.rss, heap: m.heapUsed, external: m.external + m.arrayBuffers, eventsIn: job.metrics.eventsIn, batchesWritten: job.metrics.batchesWritten });
      };
      const sampler = setInterval(sample, 250);
      const stallTimer = (async () => {
        // Stall once the job has read a sixth of the stream: far more waits in Kafka than the job may hold.
        while (job.metrics.eventsIn < records / 6 && performance.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 50));
        s.progress(`kafka-backpressure: store stalled (SIGSTOP) for ${s.seconds} s at ${job.metrics.eventsIn.toLocaleString("en-US")} events read`);
        sample();
        stall = { from: performance.now() - t0, to: 0 };
        redis.pause();
        const until = performance.now() + stallMs;
        while (performance.now() < until) {
          await new Promise((r) => setTimeout(r, 1000));
          s.progress(`kafka-backpressure: stalled, ${job.metrics.eventsIn.toLocaleString("en-US")} events read, rss ${Math.round(process.memoryUsage().rss / MB)} MB`);
        }
        sample();
        stall.to = performance.now() - t0;
        redis.resume();
        s.progress("kafka-backpressure: store answers again");
      })();
      let m;
      try {
        m = await job.run();
      } finally {
        clearInterval(sampler);
        await stallTimer;
      }
      sample();
      const seconds = (performance.now() - t0) / 1000;
      const during = samples.filter((x) => x.t >= stall.from && x.t <= stall.to);
      const before = samples.filter((x) => x.t < stall.from);
      const first = during[0]!;
      const last = during.at(-1)!;
      const half = during.filter((x) => x.t >= stall.from + stallMs / 2);
      const readInSecondHalf = half.length > 0 ? half.at(-1)!.eventsIn - half[0]!.eventsIn : 0;
      const maxOf = (xs: Sample[], k: keyof Sample): number => Math.max(...xs.map((x) => x[k]));
      const waiting = records - first.eventsIn;
      const readDuringStall = last.eventsIn - first.eventsIn;
      return {
        scenario: "kafka-backpressure",
        settings: { records, stallSeconds: s.seconds, partitionsPerTopic: PARTITIONS, job: "IngestJob defaults (batchSize 100,000 mutations, maxPendingEvents 4 x batchSize, concurrency 2); KafkaSource defaults (batchSize 5,000, pause at 2 batches queued)", store: `a private redis-server on port ${PORT}, stalled with SIGSTOP` },
        figures: {
          "events read when the store stalled": { value: first.eventsIn, unit: "events" },
          "events waiting in Kafka when the store stalled": { value: waiting, unit: "events" },
          "events read during the stall": { value: readDuringStall, unit: "events" },
          "events read in the second half of the stall": { value: readInSecondHalf, unit: "events" },
          "rss when the store stalled": { value: first.rss / MB, unit: "MiB" },
          "rss at most during the stall": { value: maxOf(during, "rss") / MB, unit: "MiB" },
          "rss at the end of the stall": { value: last.rss / MB, unit: "MiB" },
          "rss at most before the stall": { value: before.length > 0 ? maxOf(before, "rss") / MB : first.rss / MB, unit: "MiB" },
          "rss at most over the run": { value: maxOf(samples, "rss") / MB, unit: "MiB" },
          "heap used at most during the stall": { value: maxOf(during, "heap") / MB, unit: "MiB" },
          "buffers (external + array buffers) at most during the stall": { value: maxOf(during, "external") / MB, unit: "MiB" },
          "events ingested in all": { value: m.eventsIn, unit: "events" },
          "event rate over the run, stall included": { value: m.eventsIn / seconds, unit: "events/s" },
          "write retries": { value: m.writeRetries, unit: "retries" },
        },
        ratios: {
          "events read during the stall / events waiting in Kafka": readDuringStall / Math.max(1, waiting),
          "rss at most during the stall / rss when the store stalled": maxOf(during, "rss") / first.rss,
        },
        targets: {},
        notes: [
          `${records} generated member-journey events published to the five topics (${PARTITIONS} partitions each) before the run; one IngestJob with a KafkaSource into a graph on the bench's own redis-server. When the job has read a sixth of the stream, the Redis process is stopped with SIGSTOP for ${s.seconds} s (connections stay open, nothing answers; the store's socket timeout is set past the stall so the job waits instead of retrying), then continued with SIGCONT; the job then reads the rest and ends when the stream is done.`,
          "While the store is stalled the job holds at most its writes in flight (concurrency 2) plus the events it gathers for the next write (bounded by maxPendingEvents), and the source at most two of its batches plus a fetch in flight; then it stops reading: the events read in the second half of the stall show whether reading stopped, and the rss figures how much memory the stall cost.",
          "Memory is the process's (process.memoryUsage), sampled every 250 ms; the Kafka client, the generator's catalog and the graph's caches are in it too.",
        ],
      };
    } finally {
      redis.resume();
      await source.close().catch(() => undefined);
      await kv.close().catch(() => undefined);
    }
  } finally {
    await redis.stop();
    await dropTopics();
  }
};
