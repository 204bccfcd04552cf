import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { IngestOptionsError } from "../errors/ingest-options-error.js";
import type { BatchWritten, PartitionLag } from "../runtime/ingest-types.js";
import type { JobMetrics } from "./job-metrics.js";

/** Buckets of the latency histograms, seconds: 1 ms to 60 s. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = Object.freeze([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]);

type CountedField = "eventsIn" | "mutationsMapped" | "mutationsWritten" | "kvOperations" | "deadLetters" | "batchesWritten" | "writeRetries";

/** The counters fed from a job's `JobMetrics`: name, help, the field they count. */
const COUNTERS: readonly (readonly [name: string, help: string, field: CountedField])[] = [
  ["rdg_ingest_events_total", "Events read from the source, bad ones included", "eventsIn"],
  ["rdg_ingest_mutations_mapped_total", "Mutations the mapper produced, before coalescing", "mutationsMapped"],
  ["rdg_ingest_mutations_written_total", "Mutations written to the graph, after coalescing", "mutationsWritten"],
  ["rdg_ingest_kv_operations_total", "Key-value operations the graph writes made", "kvOperations"],
  ["rdg_ingest_dead_letters_total", "Events sent to the dead-letter sink, with their reason", "deadLetters"],
  ["rdg_ingest_batches_written_total", "Coalesced batches written to the graph", "batchesWritten"],
  ["rdg_ingest_write_retries_total", "Graph writes retried after a retryable error", "writeRetries"],
];

/** What reports consumer lag per partition, such as a `KafkaSource`; other sources have no `lag`. */
export interface LagReporter {
  lag?(): Promise<Iterable<PartitionLag>>;
}

/** Options of `IngestPrometheusMetrics`. */
export interface IngestPrometheusMetricsOptions {
  /**
   * The registry to add the metrics to, e.g. one a server already exposes. Its metric names must
   * not be taken (one `IngestPrometheusMetrics` per registry).
   * @default a new registry of its own (never prom-client's global one)
   */
  readonly registry?: Registry;
  /**
   * Also collect prom-client's process metrics into the registry: resident memory, heap, CPU,
   * event loop lag, garbage collection, open handles.
   * @default true
   */
  readonly processMetrics?: boolean;
  /** Milliseconds a scrape waits for a job's lag; past it, that job's lag series are left out of the scrape. @default 2000 */
  readonly lagTimeoutMs?: number;
  /** Told when a job's lag could not be read (it is counted in `rdg_ingest_lag_errors_total` too). @default nothing more */
  readonly onLagError?: (job: string, error: unknown) => void;
}

const ZERO: Readonly<Record<CountedField, number>> = Object.freeze(Object.fromEntries(COUNTERS.map(([, , f]) => [f, 0])) as Record<CountedField, number>);

/**
 * The Prometheus series of one job, under its `job` label: pass `onBatchWritten` to the job's
 * options, then `follow` the job's metrics (and its source, for lag).
 */
export interface PrometheusJobMetrics {
  /** The `job` label of the series. */
  readonly name: string;
  /** The job's `IngestJobOptions.onBatchWritten`: observes the write latency and freshness of each batch. */
  readonly onBatchWritten: (batch: BatchWritten) => void;
  /**
   * Counts what `metrics` (an `IngestJob`'s `metrics`) counts, read at each scrape; reports the lag of
   * `source` when it has a `lag` method (`KafkaSource`). Following a new job under the same name (a
   * restart) adds to the counts of the previous one: counters never go down.
   */
  follow(metrics: Readonly<JobMetrics>, source?: LagReporter): void;
}

class JobSeries implements PrometheusJobMetrics {
  readonly name: string;
  readonly onBatchWritten: (batch: BatchWritten) => void;
  // What earlier jobs of this name counted (a restart), and what the last scrape reported.
  readonly #base: Record<CountedField, number> = { ...ZERO };
  readonly #reported: Record<CountedField, number> = { ...ZERO };
  #current: Readonly<JobMetrics> | undefined;
  #source: LagReporter | undefined;

  constructor(name: string, onBatchWritten: (batch: BatchWritten) => void) {
    this.name = name;
    this.onBatchWritten = onBatchWritten;
  }

  follow(metrics: Readonly<JobMetrics>, source?: LagReporter): void {
    if (this.#current !== undefined && this.#current !== metrics) {
      for (const [, , f] of COUNTERS) this.#base[f] += this.#current[f];
    }
    this.#current = metrics;
    this.#source = source;
  }

  /** How much `field` grew since the last scrape. */
  growth(field: CountedField): number {
    const total = this.#base[field] + (this.#current?.[field] ?? 0);
    const grown = total - this.#reported[field];
    this.#reported[field] = total;
    return Math.max(0, grown);
  }

  /** The source's lag, or undefined when it reports none. */
  lag(): Promise<Iterable<PartitionLag>> | undefined {
    return this.#source?.lag?.();
  }
}

/**
 * Prometheus metrics of ingestion jobs in one registry: several jobs (one per topic) share it,
 * told apart by the `job` label. Counters come from each job's `JobMetrics`, read at scrape time;
 * histograms from its `onBatchWritten` hook; consumer lag per partition is asked of the source at
 * each scrape. Serve it with `MetricsServer`, or add `registry` to a server of your own.
 *
 * ```ts
 * const prometheus = new IngestPrometheusMetrics();
 * const server = await MetricsServer.listen(prometheus, { port: 9464 });
 * const playback = prometheus.job("playback");
 * const job = new IngestJob({ ...options, onBatchWritten: playback.onBatchWritten });
 * playback.follow(job.metrics, source);
 * ```
 */
export class IngestPrometheusMetrics {
  readonly registry: Registry;
  readonly #jobs = new Map<string, JobSeries>();
  readonly #writeSeconds: Histogram<"job">;
  readonly #freshnessSeconds: Histogram<"job">;
  readonly #lagErrors: Counter<"job">;
  readonly #lagTimeoutMs: number;
  readonly #onLagError: ((job: string, error: unknown) => void) | undefined;

  constructor(options: IngestPrometheusMetricsOptions = {}) {
    this.registry = options.registry ?? new Registry();
    this.#lagTimeoutMs = options.lagTimeoutMs ?? 2000;
    if (!(this.#lagTimeoutMs > 0)) throw new IngestOptionsError("lagTimeoutMs", `must be a positive number of milliseconds, got ${this.#lagTimeoutMs}`);
    this.#onLagError = options.onLagError;
    const registers = [this.registry];
    const jobs = this.#jobs;
    for (const [name, help, field] of COUNTERS) {
      new Counter({
        name, help, labelNames: ["job"], registers,
        collect() {
          for (const j of jobs.values()) this.inc({ job: j.name }, j.growth(field));
        },
      });
    }
    const buckets = [...LATENCY_BUCKETS_SECONDS];
    this.#writeSeconds = new Histogram({ name: "rdg_ingest_batch_write_seconds", help: "Seconds from the start of a batch's graph write to durable, retries included", labelNames: ["job"], buckets, registers });
    this.#freshnessSeconds = new Histogram({ name: "rdg_ingest_freshness_seconds", help: "Seconds from the event time of a batch's oldest event to its write being durable (queryable)", labelNames: ["job"], buckets, registers });
    this.#lagErrors = new Counter({ name: "rdg_ingest_lag_errors_total", help: "Scrapes that could not read a job's consumer lag", labelNames: ["job"], registers });
    const collectLag = (gauge: Gauge<"job" | "topic" | "partition">): Promise<void> => this.#collectLag(gauge);
    new Gauge({
      name: "rdg_ingest_consumer_lag", help: "Records of a partition the consumer group has not committed (end offset minus committed offset)",
      labelNames: ["job", "topic", "partition"], registers,
      collect() {
        return collectLag(this);
      },
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Prometheus' text exposition format's content type. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in Prometheus text format: what a scrape returns. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** The series of the job named `name` (its `job` label); a name is taken once. */
  job(name: string): PrometheusJobMetrics {
    if (name === "") throw new IngestOptionsError("job", "is empty; name the job (its metrics' job label)");
    if (this.#jobs.has(name)) throw new IngestOptionsError("job", `"${name}" already has metrics here; give each job its own name, or follow the new job with the same PrometheusJobMetrics`);
    const labels = { job: name };
    const job = new JobSeries(name, (b) => {
      this.#writeSeconds.observe(labels, b.writeMs / 1000);
      // An event time ahead of this clock (skew, a simulated clock) counts as fresh, not negative.
      this.#freshnessSeconds.observe(labels, Math.max(0, b.durableAt - b.oldestEventTime) / 1000);
    });
    // Series exist from the start, at zero, so a rate is defined before the first batch.
    this.#writeSeconds.zero(labels);
    this.#freshnessSeconds.zero(labels);
    this.#lagErrors.inc(labels, 0);
    this.#jobs.set(name, job);
    return job;
  }

  async #collectLag(gauge: Gauge<"job" | "topic" | "partition">): Promise<void> {
    const asked = [...this.#jobs.values()].flatMap((j) => {
      const lag = j.lag();
      return lag === undefined ? [] : [{ job: j.name, lag: withTimeout(lag, this.#lagTimeoutMs) }];
    });
    const answers = await Promise.allSettled(asked.map((a) => a.lag));
    // Partitions move between members: only what the sources own now is reported.
    gauge.reset();
    answers.forEach((answer, i) => {
      const job = asked[i]!.job;
      if (answer.status === "rejected") {
        this.#lagErrors.inc({ job });
        this.#onLagError?.(job, answer.reason);
        return;
      }
      for (const p of answer.value) gauge.set({ job, topic: p.topic, partition: String(p.partition) }, p.lag);
    });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
