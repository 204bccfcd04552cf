import { describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { MemoryKvStore } from "@rdg/kv";
import { GraphStore, graphNamespaces } from "@rdg/graph";
import { memberJourneySchema } from "@rdg/model";
import {
  ArraySource, GENERATOR_VALIDATION, GeneratorSource, IngestJob, IngestOptionsError, IngestPrometheusMetrics, MemberJourneyGenerator, MemoryDeadLetterSink,
  mapMemberEvent, memberEventTime, type EventSource, type MemberEvent, type PartitionLag,
} from "../src/index.js";
import { sample, samples } from "./support/prometheus-text.js";

const graph = (): GraphStore => new GraphStore({ kv: new MemoryKvStore({ namespaces: graphNamespaces(memberJourneySchema) }), schema: memberJourneySchema });

const ev = (over: Partial<MemberEvent>): MemberEvent => ({
  topic: "playback", type: "heartbeat", time: Date.now(), accountId: "a1", profileId: "p1", deviceId: "d1", deviceKind: "tv",
  titleId: "t1", gameId: "", liveEventId: "", seconds: 0, query: "", ...over,
});

/** Runs a member-journey job reporting to `prometheus` under `name`. */
async function runJob(prometheus: IngestPrometheusMetrics, name: string, source: EventSource<MemberEvent>, g = graph()) {
  const observed = prometheus.job(name);
  const job = new IngestJob<MemberEvent>({
    name, source, map: mapMemberEvent, graph: g, deadLetters: new MemoryDeadLetterSink(), eventTime: memberEventTime,
    validation: GENERATOR_VALIDATION, batchSize: 2000, onBatchWritten: observed.onBatchWritten,
  });
  observed.follow(job.metrics);
  return { observed, metrics: await job.run() };
}

describe("IngestPrometheusMetrics", () => {
  it("counts what a generator job did on the in-memory store, with a write-latency and a freshness observation per batch", async () => {
    const prometheus = new IngestPrometheusMetrics();
    const before = await prometheus.metrics();
    expect(sample(before, "rdg_ingest_events_total", { job: "gen" })).toBeUndefined();

    const { metrics: m } = await runJob(prometheus, "gen", new GeneratorSource(new MemberJourneyGenerator({ seed: 3 }), { maxEvents: 10_000, batchSize: 1000 }));
    const text = await prometheus.metrics();
    const job = { job: "gen" };
    expect(m.eventsIn).toBe(10_000);
    expect(sample(text, "rdg_ingest_events_total", job)).toBe(10_000);
    expect(sample(text, "rdg_ingest_mutations_mapped_total", job)).toBe(m.mutationsMapped);
    expect(sample(text, "rdg_ingest_mutations_written_total", job)).toBe(m.mutationsWritten);
    expect(m.mutationsWritten).toBeGreaterThan(0);
    expect(sample(text, "rdg_ingest_kv_operations_total", job)).toBe(m.kvOperations);
    expect(sample(text, "rdg_ingest_batches_written_total", job)).toBe(m.batchesWritten);
    expect(sample(text, "rdg_ingest_dead_letters_total", job)).toBe(0);
    expect(m.batchesWritten).toBeGreaterThan(1);
    expect(sample(text, "rdg_ingest_batch_write_seconds_count", job)).toBe(m.batchesWritten);
    expect(sample(text, "rdg_ingest_freshness_seconds_count", job)).toBe(m.batchesWritten);
    expect(sample(text, "rdg_ingest_batch_write_seconds_sum", job)).toBeGreaterThan(0);
    // Buckets from 1 ms to 60 s, then +Inf.
    expect(samples(text, "rdg_ingest_batch_write_seconds_bucket").map((s) => s.labels.le)).toEqual(
      ["0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "+Inf"],
    );
    // Operators see the process too: memory and event loop lag.
    expect(sample(text, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
    // No source with lag, no lag series.
    expect(samples(text, "rdg_ingest_consumer_lag")).toEqual([]);
  });

  it("counts dead letters per job, and freshness runs from the oldest event time of a batch to durable", async () => {
    const prometheus = new IngestPrometheusMetrics({ processMetrics: false });
    const now = Date.now();
    const events = [
      ev({ type: "playStart", time: now - 3000 }),
      ev({ type: "heartbeat", time: now - 2000, seconds: 30, profileId: "" }), // refused: no profile
      ev({ type: "heartbeat", time: now - 1000, seconds: 30 }),
      ev({ type: "heartbeat", time: now, profileId: "", seconds: 30 }),
    ];
    const { metrics: m } = await runJob(prometheus, "bad", new ArraySource(events, 10));
    const { metrics: good } = await runJob(prometheus, "good", new ArraySource([ev({ time: now - 500 })], 10));
    const text = await prometheus.metrics();
    expect(m.deadLetters).toBe(2);
    expect(sample(text, "rdg_ingest_dead_letters_total", { job: "bad" })).toBe(2);
    expect(sample(text, "rdg_ingest_events_total", { job: "bad" })).toBe(4);
    expect(sample(text, "rdg_ingest_dead_letters_total", { job: "good" })).toBe(0);
    expect(sample(text, "rdg_ingest_events_total", { job: "good" })).toBe(good.eventsIn);
    // One batch, whose oldest event is 3 s old: above 2.5 s, within 5 s.
    expect(sample(text, "rdg_ingest_freshness_seconds_count", { job: "bad" })).toBe(1);
    expect(sample(text, "rdg_ingest_freshness_seconds_bucket", { job: "bad", le: "2.5" })).toBe(0);
    expect(sample(text, "rdg_ingest_freshness_seconds_bucket", { job: "bad", le: "5" })).toBe(1);
    expect(sample(text, "rdg_ingest_freshness_seconds_bucket", { job: "good", le: "0.5" })).toBe(0);
    expect(sample(text, "rdg_ingest_freshness_seconds_bucket", { job: "good", le: "1" })).toBe(1);
    expect(text).not.toMatch(/^process_/m);
  });

  it("an event time ahead of the clock counts as fresh (zero), not negative", async () => {
    const prometheus = new IngestPrometheusMetrics({ processMetrics: false });
    await runJob(prometheus, "ahead", new ArraySource([ev({ time: Date.now() + 60_000 })], 10));
    const text = await prometheus.metrics();
    expect(sample(text, "rdg_ingest_freshness_seconds_bucket", { job: "ahead", le: "0.001" })).toBe(1);
    expect(sample(text, "rdg_ingest_freshness_seconds_sum", { job: "ahead" })).toBe(0);
  });

  it("counters never go down: a job followed anew under the same name (a restart) adds to what the first one counted", async () => {
    const prometheus = new IngestPrometheusMetrics({ processMetrics: false });
    const observed = prometheus.job("restarted");
    const g = graph();
    for (const n of [3, 2]) {
      const source = new ArraySource(Array.from({ length: n }, (_, i) => ev({ profileId: `p${n}-${i}` })), 10);
      const job = new IngestJob<MemberEvent>({ name: "restarted", source, map: mapMemberEvent, graph: g, deadLetters: new MemoryDeadLetterSink(), eventTime: memberEventTime, onBatchWritten: observed.onBatchWritten });
      observed.follow(job.metrics);
      await job.run();
      // A scrape between the runs, as Prometheus would do.
      expect(sample(await prometheus.metrics(), "rdg_ingest_events_total", { job: "restarted" })).toBe(n === 3 ? 3 : 5);
    }
  });

  it("reports lag per partition of each source that has it, only what it owns now, and counts a source that fails to answer", async () => {
    const errors: string[] = [];
    const prometheus = new IngestPrometheusMetrics({ processMetrics: false, lagTimeoutMs: 200, onLagError: (job, e) => errors.push(`${job}: ${(e as Error).message}`) });
    let owned: PartitionLag[] = [{ topic: "playback", partition: 0, lag: 7 }, { topic: "playback", partition: 1, lag: 0 }];
    const kafka = prometheus.job("kafka");
    kafka.follow(newJobMetrics(), { lag: async () => owned });
    prometheus.job("broken").follow(newJobMetrics(), { lag: () => Promise.reject(new Error("broker gone")) });
    prometheus.job("slow").follow(newJobMetrics(), { lag: () => new Promise(() => undefined) });
    prometheus.job("generator").follow(newJobMetrics(), {});

    let text = await prometheus.metrics();
    expect(samples(text, "rdg_ingest_consumer_lag")).toEqual([
      { labels: { job: "kafka", topic: "playback", partition: "0" }, value: 7 },
      { labels: { job: "kafka", topic: "playback", partition: "1" }, value: 0 },
    ]);
    expect(errors.sort()).toEqual(["broken: broker gone", "slow: no answer within 200 ms"]);

    owned = [{ topic: "playback", partition: 1, lag: 3 }]; // a rebalance took partition 0 away
    text = await prometheus.metrics();
    expect(samples(text, "rdg_ingest_consumer_lag")).toEqual([{ labels: { job: "kafka", topic: "playback", partition: "1" }, value: 3 }]);
    expect(sample(text, "rdg_ingest_lag_errors_total", { job: "broken" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "rdg_ingest_lag_errors_total", { job: "kafka" })).toBe(0);
  });

  it("takes a job name once, adds to a registry it is given, and never touches prom-client's global one", async () => {
    const registry = new Registry();
    const prometheus = new IngestPrometheusMetrics({ registry, processMetrics: false });
    expect(prometheus.registry).toBe(registry);
    prometheus.job("a");
    expect(() => prometheus.job("a")).toThrow(IngestOptionsError);
    expect(() => prometheus.job("a")).toThrow(/"a" already has metrics here/);
    expect(() => prometheus.job("")).toThrow(/job: is empty/);
    expect(await registry.metrics()).toMatch(/^rdg_ingest_events_total\{job="a"\} 0$/m);
    const { register } = await import("prom-client");
    expect(register.getSingleMetric("rdg_ingest_events_total")).toBeUndefined();
    expect(prometheus.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});

function newJobMetrics() {
  return new IngestJob<MemberEvent>({ name: "idle", source: new ArraySource([], 1), map: mapMemberEvent, graph: graph(), deadLetters: new MemoryDeadLetterSink(), eventTime: memberEventTime }).metrics;
}
