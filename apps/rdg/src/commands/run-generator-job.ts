import type { GraphStore } from "@rdg/graph";
import {
  GENERATOR_VALIDATION, GeneratorSource, IngestJob, MemberJourneyGenerator, MemoryDeadLetterSink, ParallelIngestJob, mapMemberEvent, memberEventTime, memberJourneyWorker,
  type IngestPrometheusMetrics, type JobMetrics, type MemberEvent, type MemberJourneyOptions,
} from "@rdg/ingest";
import { ProgressLine, describeMetrics, fmt } from "../progress.js";

/** Options shared by `demo` and `ingest --source generator`. */
export interface GeneratorJobOptions {
  readonly events?: number;
  readonly durationMs?: number;
  readonly generator?: MemberJourneyOptions;
  readonly batchSize?: number;
  readonly coalesceWindowMs?: number;
  /** Report the job's metrics here (`--metrics-port`). */
  readonly prometheus?: IngestPrometheusMetrics;
  /** Worker threads (`ParallelIngestJob`); 0 runs everything on this thread. @default cores - 1 with `lmdbPath`, else 0 */
  readonly workers?: number;
  /** The graph's LMDB directory, which the workers open to read edge times; needed for workers. */
  readonly lmdbPath?: string;
}

/** Writes the catalogue, then runs the generator job with a progress line. */
export async function runGeneratorJob(graph: GraphStore, o: GeneratorJobOptions): Promise<{ metrics: JobMetrics; seconds: number; catalog: number; generator: MemberJourneyGenerator }> {
  const generator = new MemberJourneyGenerator(o.generator);
  const progress = new ProgressLine();
  let catalog = 0;
  let batch = [];
  for (const m of generator.catalog()) {
    batch.push(m);
    if (batch.length === 20_000) {
      catalog += batch.length;
      await graph.write(batch);
      batch = [];
      progress.update(`catalogue: ${fmt(catalog)} nodes and edges`);
    }
  }
  catalog += batch.length;
  await graph.write(batch);
  progress.done(`catalogue: ${fmt(catalog)} titles, games, live events and accounts written`);
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once("SIGINT", stop);
  const started = performance.now();
  const observed = o.prometheus?.job("member-journeys");
  const workers = o.workers ?? (o.lmdbPath === undefined ? 0 : undefined);
  const job =
    workers !== 0 && o.lmdbPath !== undefined
      ? new ParallelIngestJob<MemberEvent>({
          name: "member-journeys",
          graph,
          ...(workers === undefined ? {} : { workers }),
          ...(o.events === undefined ? {} : { maxEvents: o.events }),
          ...(o.durationMs === undefined ? {} : { durationMs: o.durationMs }),
          ...(o.coalesceWindowMs === undefined ? {} : { coalesceWindowMs: o.coalesceWindowMs }),
          deadLetters: new MemoryDeadLetterSink(),
          // The workers generate from the generator's options: the catalogue above came from the same seed.
          worker: { module: memberJourneyWorker, options: { lmdbPath: o.lmdbPath, generator: generator.options } },
          onProgress: (m) => progress.update(describeMetrics(m, (performance.now() - started) / 1000)),
          onBatchWritten: observed?.onBatchWritten,
        })
      : new IngestJob({
    name: "member-journeys",
    source: new GeneratorSource(generator, { maxEvents: o.events, durationMs: o.durationMs }),
    map: mapMemberEvent,
    graph,
    deadLetters: new MemoryDeadLetterSink(),
    eventTime: memberEventTime,
    validation: GENERATOR_VALIDATION,
    batchSize: o.batchSize,
    coalesceWindowMs: o.coalesceWindowMs,
    onProgress: (m) => progress.update(describeMetrics(m, (performance.now() - started) / 1000)),
    onBatchWritten: observed?.onBatchWritten,
  });
  observed?.follow(job.metrics);
  try {
    const metrics = await job.run(controller.signal);
    const seconds = (performance.now() - started) / 1000;
    progress.done(`ingested: ${describeMetrics(metrics, seconds)}`);
    return { metrics, seconds, catalog, generator };
  } finally {
    process.off("SIGINT", stop);
  }
}
