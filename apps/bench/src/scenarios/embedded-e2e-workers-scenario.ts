import { join } from "node:path";
import { GraphStore, graphNamespaces } from "@rdg/graph";
import {
  GENERATOR_VALIDATION, GeneratorSource, IngestJob, MemberJourneyGenerator, MemoryDeadLetterSink, ParallelIngestJob, defaultWorkers, mapMemberEvent,
  memberEventTime, memberJourneyWorker, type JobMetrics, type MemberEvent,
} from "@rdg/ingest";
import { LmdbKvStore } from "@rdg/kv-lmdb";
import { memberJourneySchema } from "@rdg/model";
import { batchedWriteRate } from "../drivers/batched-writes.js";
import { RawLmdbDriver } from "../drivers/raw-lmdb-driver.js";
import type { Scenario, ScenarioSettings } from "./scenario.js";

const VALUE = Buffer.alloc(100, 7);
const EPOCH_EVENTS = 100_000;

interface Side {
  readonly m: JobMetrics;
  readonly seconds: number;
  /** CPU of the whole process (every thread), user + system, microseconds. */
  readonly cpuUs: number;
}

async function openGraph(path: string, sync: boolean): Promise<{ kv: LmdbKvStore; graph: GraphStore; generator: MemberJourneyGenerator }> {
  const kv = new LmdbKvStore({ path, namespaces: graphNamespaces(memberJourneySchema), noSync: !sync });
  const graph = new GraphStore({ kv, schema: memberJourneySchema });
  const generator = new MemberJourneyGenerator({ startTime: Date.now() - 6 * 3_600_000 });
  const catalog = [...generator.catalog()];
  for (let i = 0; i < catalog.length; i += 20_000) await graph.write(catalog.slice(i, i + 20_000));
  return { kv, graph, generator };
}

async function measured(run: () => Promise<JobMetrics>): Promise<Side> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const m = await run();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { m, seconds, cpuUs: used.user + used.system };
}

/** Today's path: one thread generates, maps, coalesces, plans and writes (`IngestJob`). */
async function singleThreaded(s: ScenarioSettings, seconds: number): Promise<Side> {
  const { kv, graph, generator } = await openGraph(join(s.dataDir, "single"), s.sync);
  try {
    return await measured(() =>
      new IngestJob<MemberEvent>({
        name: "member-journeys", source: new GeneratorSource(generator, { durationMs: seconds * 1000 }), map: mapMemberEvent, graph,
        deadLetters: new MemoryDeadLetterSink(), eventTime: memberEventTime, validation: GENERATOR_VALIDATION,
        onProgress: (m) => s.progress(`embedded-e2e-workers: single thread ${m.eventsIn.toLocaleString("en-US")} events`),
      }).run(),
    );
  } finally {
    await kv.close();
  }
}

async function parallel(s: ScenarioSettings, workers: number): Promise<Side> {
  const path = join(s.dataDir, "parallel");
  const { kv, graph, generator } = await openGraph(path, s.sync);
  try {
    const started = performance.now();
    return await measured(() =>
      new ParallelIngestJob<MemberEvent>({
        name: "member-journeys", graph, workers, durationMs: s.seconds * 1000, epochEvents: EPOCH_EVENTS, deadLetters: new MemoryDeadLetterSink(),
        worker: { module: memberJourneyWorker, options: { lmdbPath: path, generator: generator.options } },
        onProgress: (m) => {
          const sec = (performance.now() - started) / 1000;
          s.progress(`embedded-e2e-workers: ${workers} workers ${Math.round(m.eventsIn / sec).toLocaleString("en-US")} events/s, ${Math.round(m.kvOperations / sec).toLocaleString("en-US")} KV writes/s`);
        },
      }).run(),
    );
  } finally {
    await kv.close();
  }
}

/** Raw lmdb-js puts of 100-byte values, `batch` a transaction, two in flight; keys scattered, or sorted within each transaction. */
async function rawPuts(dataDir: string, sync: boolean, ms: number, batch: number, sorted: boolean): Promise<number> {
  const raw = new RawLmdbDriver(join(dataDir, sorted ? "raw-sorted" : "raw-random"), sync);
  try {
    const hashes = new Float64Array(batch);
    const { rate } = await batchedWriteRate(ms, batch, 2, (b) => {
      // The keys of scatteredKey; sorted as numbers (fixed-width hex sorts alike), so both sides make keys at the same cost.
      for (let i = 0; i < batch; i++) hashes[i] = ((b * batch + i) * 2654435761) >>> 0;
      if (sorted) hashes.sort();
      const keys: Buffer[] = [];
      for (let i = 0; i < batch; i++) keys.push(Buffer.from(`r0-${hashes[i]!.toString(16).padStart(8, "0")}`));
      return raw.putBatch(keys, VALUE);
    });
    return rate;
  } finally {
    await raw.close();
  }
}

/**
 * The embedded pipeline on every core: worker threads generate, map, validate, coalesce and plan
 * member-journey events into encoded, key-sorted KV batches; the main thread only applies
 * last-write-wins and writes them to LMDB. Beside it, in the same run: today's single-threaded
 * job (for CPU per event) and raw lmdb-js random and sorted puts of the same transaction size.
 * `RDG_BENCH_WORKERS` sets the worker count (default cores - 1).
 */
export const embeddedE2eWorkersScenario: Scenario = async (s) => {
  const workers = process.env.RDG_BENCH_WORKERS === undefined ? defaultWorkers() : Number(process.env.RDG_BENCH_WORKERS);
  const singleSeconds = Math.max(10, Math.round(s.seconds / 4));
  s.progress(`embedded-e2e-workers: single-threaded side, ${singleSeconds} s`);
  const single = await singleThreaded(s, singleSeconds);
  s.progress(`embedded-e2e-workers: ${workers} workers, ${s.seconds} s`);
  const par = await parallel(s, workers);
  const { m, seconds } = par;
  const perTransaction = Math.max(1000, Math.min(1_000_000, Math.round(m.kvOperations / Math.max(1, m.batchesWritten))));
  const ceilingMs = Math.min(10_000, Math.max(3000, (s.seconds * 1000) / 6));
  s.progress(`embedded-e2e-workers: raw lmdb-js random and sorted puts (${perTransaction} a transaction)`);
  const random = await rawPuts(s.dataDir, s.sync, ceilingMs, perTransaction, false);
  const sorted = await rawPuts(s.dataDir, s.sync, ceilingMs, perTransaction, true);
  const events = m.eventsIn / seconds;
  const kvWrites = m.kvOperations / seconds;
  const cpuPerEvent = par.cpuUs / Math.max(1, m.eventsIn);
  const singleCpuPerEvent = single.cpuUs / Math.max(1, single.m.eventsIn);
  const singleEvents = single.m.eventsIn / single.seconds;
  return {
    scenario: "embedded-e2e-workers",
    settings: { seconds: s.seconds, sync: s.sync, workers, epochEvents: EPOCH_EVENTS, singleThreadedSeconds: singleSeconds, generator: { seed: 42, accounts: 50_000, concurrentSessions: 20_000 } },
    figures: {
      "events ingested": { value: m.eventsIn, unit: "events" },
      "wall time": { value: seconds, unit: "s" },
      "event rate": { value: events, unit: "events/s" },
      "graph mutation rate": { value: m.mutationsWritten / seconds, unit: "mutations/s" },
      "KV write rate": { value: kvWrites, unit: "writes/s" },
      "coalescing ratio": { value: m.mutationsMapped / Math.max(1, m.mutationsWritten), unit: "mapped mutations per stored mutation" },
      "freshness (last epoch)": { value: m.freshnessLastMs, unit: "ms" },
      "freshness (worst epoch)": { value: m.freshnessMaxMs, unit: "ms" },
      "CPU per event": { value: cpuPerEvent, unit: "µs/event" },
      "KV writes per transaction": { value: perTransaction, unit: "writes" },
      "raw lmdb-js random puts (same transaction size)": { value: random, unit: "puts/s" },
      "raw lmdb-js sorted puts (same transaction size)": { value: sorted, unit: "puts/s" },
      "single-threaded event rate": { value: singleEvents, unit: "events/s" },
      "single-threaded KV write rate": { value: single.m.kvOperations / single.seconds, unit: "writes/s" },
      "single-threaded CPU per event": { value: singleCpuPerEvent, unit: "µs/event" },
    },
    ratios: {
      "KV writes / raw random puts": kvWrites / random,
      "KV writes / raw sorted puts": kvWrites / sorted,
      "events/s / single-threaded events/s": events / singleEvents,
      "CPU per event / single-threaded CPU per event": cpuPerEvent / singleCpuPerEvent,
    },
    targets: {
      "events/s >= 150000": { target: 150_000, actual: events, met: events >= 150_000 },
      "KV writes / raw random puts >= 1": { target: 1, actual: kvWrites / random, met: kvWrites >= random },
      "CPU per event <= 1/3 of single-threaded": { target: singleCpuPerEvent / 3, actual: cpuPerEvent, met: cpuPerEvent <= singleCpuPerEvent / 3 },
    },
    notes: [
      "KV writes count item writes (puts and item deletes) plus record deletes, as the store is asked to do them; the single-threaded side counts KV operations (one per record touched), so its KV write rate is lower than its item writes.",
      "CPU per event is process.cpuUsage() (user + system, every thread) over events ingested.",
    ],
  };
};
