import type { GraphStore } from "@rdg/graph";
import type { Schema, ValidationOptions } from "@rdg/model";
import { BadEventError } from "../errors/bad-event-error.js";
import { IngestJobError } from "../errors/ingest-job-error.js";
import { IngestOptionsError } from "../errors/ingest-options-error.js";
import { KafkaDeadLetterSink } from "../kafka/kafka-dead-letter-sink.js";
import { KafkaSource, refuseUndecodable, type UndecodableRecord } from "../kafka/kafka-source.js";
import { KafkaTopics } from "../kafka/kafka-topics.js";
import { newMetrics, type JobMetrics } from "../metrics/job-metrics.js";
import { IngestJob } from "../runtime/ingest-job.js";
import type { BatchWritten, DeadLetterSink, EventMapper } from "../runtime/ingest-types.js";
import type { JobConfig, JobsConfig } from "../config/jobs-config.js";
import { show } from "../config/load-jobs-config.js";

/** A graph on an opened store, as `JobsRunnerOptions.openStore` gives it. */
export interface OpenedJobStore {
  readonly graph: GraphStore;
  close(): Promise<void>;
}

/** A dead-letter sink the runner closes when it is done. */
export interface ClosableDeadLetterSink extends DeadLetterSink<unknown> {
  /** Where the letters go, for status lines: `file .data/dead-letters.jsonl`. */
  readonly where?: string;
  close?(): void | Promise<void>;
}

/** Options of a `JobsRunner`. */
export interface JobsRunnerOptions<S> {
  readonly config: JobsConfig<S>;
  /** Names of the jobs to run. @default every job of the configuration */
  readonly only?: readonly string[];
  /**
   * Opens the graph on a store for `schema` (`openGraphStore` of `@rdg/stores`, after whatever
   * checks the caller makes). Called once per store: jobs with one `storeKey` share it.
   */
  readonly openStore: (store: S, schema: Schema, jobs: readonly JobConfig<S>[]) => Promise<OpenedJobStore>;
  /**
   * The dead-letter sink of a job that names no `deadLetterTopic`.
   * @default none: such a job is refused when the runner starts
   */
  readonly fallbackDeadLetters?: (job: JobConfig<S>) => ClosableDeadLetterSink;
  /** Each job stops after this many records (the rest stays uncommitted). @default no limit */
  readonly maxRecords?: number;
  /** Each job stops when no record arrived for this long. @default never: until aborted */
  readonly idleMs?: number;
  /** Limits of event validation beyond the schema. @default those of `ValidationOptions` */
  readonly validation?: ValidationOptions;
  /** Milliseconds between readings of each job's consumer lag from the brokers. @default 2000 */
  readonly lagIntervalMs?: number;
  /**
   * Observers of a job as it is built (e.g. `IngestPrometheusMetrics.job(name)`): `onBatchWritten`
   * becomes the job's, and `follow` gets its metrics and source. @default none
   */
  readonly observe?: (job: JobConfig<S>) => JobObserver | undefined;
  /** Notices worth a line (a dead-letter topic created). @default none */
  readonly log?: (line: string) => void;
}

/** What `JobsRunnerOptions.observe` gives for a job. */
export interface JobObserver {
  readonly onBatchWritten?: (batch: BatchWritten) => void;
  follow?(metrics: Readonly<JobMetrics>, source: KafkaSource<object>): void;
}

/** What a running job looks like from outside: read it at any time. */
export interface RunnerJob<S> {
  readonly config: JobConfig<S>;
  /** `starting` until its store and source are ready; `failed` with `error` set. */
  readonly state: "starting" | "running" | "stopped" | "failed";
  /** The job's counters (live). */
  readonly metrics: Readonly<JobMetrics>;
  /** Records of the topic the group has not committed, summed over the partitions this process owns; undefined until read. */
  readonly lag: number | undefined;
  /** Where its dead letters go: `topic playback.dead-letters`, or the fallback sink's `where`. */
  readonly deadLetters: string;
  readonly error?: unknown;
}

/** How a run ended, when no job failed. */
export interface JobsRunResult<S> {
  readonly jobs: readonly RunnerJob<S>[];
  /** True when `signal` stopped the run; false when every job's source ended (`maxRecords`, `idleMs`). */
  readonly aborted: boolean;
}

interface Slot<S> {
  config: JobConfig<S>;
  state: RunnerJob<S>["state"];
  metrics: Readonly<JobMetrics>;
  lag: number | undefined;
  deadLetters: string;
  error?: unknown;
  source?: KafkaSource<object>;
  sink?: ClosableDeadLetterSink;
}

/**
 * Runs the jobs of a configuration in one process, each its own `IngestJob`: a `KafkaSource`
 * with the job's decoder, its processor (undecodable records and events without an event time
 * are dead-lettered), a `KafkaDeadLetterSink` when it names a dead-letter topic, and the graph
 * on its store, opened once per store. `run` opens every store before Kafka is touched, then
 * runs the jobs concurrently until each source ends or `signal` aborts; then each flushes,
 * writes, commits and leaves its group. A job that fails stops the others the same way, and
 * `run` throws an `IngestJobError` naming it.
 */
export class JobsRunner<S> {
  readonly #o: JobsRunnerOptions<S>;
  readonly #slots: Slot<S>[];
  #started = false;

  constructor(options: JobsRunnerOptions<S>) {
    const all = options.config.jobs;
    const unknown = (options.only ?? []).filter((n) => !all.some((j) => j.name === n));
    if (unknown.length > 0) throw new IngestOptionsError("only", `no job named ${unknown.map((n) => `"${n}"`).join(", ")} in ${options.config.file}; its jobs are ${all.map((j) => j.name).join(", ")}`);
    const chosen = options.only === undefined ? all : all.filter((j) => options.only!.includes(j.name));
    const homeless = chosen.filter((j) => j.deadLetterTopic === undefined);
    if (homeless.length > 0 && options.fallbackDeadLetters === undefined) {
      throw new IngestOptionsError("fallbackDeadLetters", `is needed: job ${homeless.map((j) => `"${j.name}"`).join(", ")} names no deadLetterTopic; name one in the configuration, or give the runner a fallback sink`);
    }
    this.#o = options;
    this.#slots = chosen.map((config) => ({ config, state: "starting", metrics: newMetrics(), lag: undefined, deadLetters: config.deadLetterTopic === undefined ? "" : `topic ${config.deadLetterTopic}` }));
  }

  /** The jobs this runner runs, in the configuration's order (live views). */
  get jobs(): readonly RunnerJob<S>[] {
    return this.#slots;
  }

  /** Runs every job until their sources end or `signal` aborts; once per runner. */
  async run(signal: AbortSignal = new AbortController().signal): Promise<JobsRunResult<S>> {
    if (this.#started) throw new IngestOptionsError("run", "runs once per JobsRunner; make a new one");
    this.#started = true;
    const stores = new Map<string, OpenedJobStore>();
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    signal.addEventListener("abort", stop, { once: true });
    if (signal.aborted) stop();
    let timer: NodeJS.Timeout | undefined;
    let failure: IngestJobError | undefined;
    try {
      await this.#openStores(stores);
      await this.#ensureDeadLetterTopics();
      const jobs = this.#slots.map((slot) => {
        try {
          return this.#build(slot, stores.get(slot.config.storeKey)!.graph);
        } catch (error) {
          throw new IngestJobError(slot.config.name, error);
        }
      });
      timer = setInterval(() => void this.#readLag(), this.#o.lagIntervalMs ?? 2000);
      await Promise.all(this.#slots.map(async (slot, i) => {
        slot.state = "running";
        try {
          await jobs[i]!.run(controller.signal);
          slot.state = "stopped";
        } catch (error) {
          slot.state = "failed";
          slot.error = error;
          failure ??= new IngestJobError(slot.config.name, error);
          controller.abort(); // the others flush, write, commit and leave their groups
        }
      }));
      await this.#readLag();
    } finally {
      clearInterval(timer);
      signal.removeEventListener("abort", stop);
      const closing = await this.#closeAll(stores);
      failure ??= closing;
    }
    if (failure !== undefined) throw failure;
    return { jobs: this.#slots, aborted: signal.aborted };
  }

  async #openStores(stores: Map<string, OpenedJobStore>): Promise<void> {
    for (const slot of this.#slots) {
      const key = slot.config.storeKey;
      if (stores.has(key)) continue;
      const sharing = this.#slots.filter((s) => s.config.storeKey === key);
      try {
        stores.set(key, await this.#o.openStore(slot.config.store, slot.config.processor.schema, sharing.map((s) => s.config)));
      } catch (error) {
        for (const s of sharing) {
          s.state = "failed";
          s.error = error;
        }
        throw new IngestJobError(sharing.map((s) => s.config.name).join(", "), error);
      }
    }
  }

  async #ensureDeadLetterTopics(): Promise<void> {
    const topics = [...new Set(this.#slots.flatMap((s) => (s.config.deadLetterTopic === undefined ? [] : [s.config.deadLetterTopic])))];
    if (topics.length === 0) return;
    const { brokers, clientId = "rdg-ingest" } = this.#o.config.kafka;
    const admin = new KafkaTopics({ brokers, clientId });
    try {
      const ensured = await admin.ensure(topics, { partitions: 1 });
      for (const t of ensured.topics) if (t.created) this.#o.log?.(`created dead-letter topic ${t.topic}`);
    } catch (error) {
      const users = this.#slots.filter((s) => s.config.deadLetterTopic !== undefined).map((s) => s.config.name);
      throw new IngestJobError(users.join(", "), error);
    } finally {
      await admin.close();
    }
  }

  #build(slot: Slot<S>, graph: GraphStore): IngestJob<object | UndecodableRecord> {
    const c = slot.config;
    const { brokers, clientId = "rdg-ingest" } = this.#o.config.kafka;
    slot.source = new KafkaSource<object>({
      brokers, clientId, topics: [c.topic], group: c.group, batchSize: c.batchSize, maxRecords: this.#o.maxRecords, idleMs: this.#o.idleMs,
      ...(c.avro === undefined ? {} : { decode: c.avro.decode }),
    });
    if (c.deadLetterTopic !== undefined) {
      slot.sink = new KafkaDeadLetterSink<object>({ brokers, clientId: `${clientId}-dead-letters`, topic: c.deadLetterTopic });
    } else {
      slot.sink = this.#o.fallbackDeadLetters!(c);
      slot.deadLetters = slot.sink.where ?? "the fallback sink";
    }
    const time = fieldReader(c.eventTimeField);
    const observer = this.#o.observe?.(c);
    const job = new IngestJob<object | UndecodableRecord>({
      name: c.name,
      source: lastLagOnClose(slot.source, (lag) => (slot.lag = lag)),
      map: refuseUndecodable(timed(c.processor.map, time, c.eventTimeField)),
      graph,
      deadLetters: slot.sink,
      eventTime: (e) => time(e) as number,
      coalesceWindowMs: c.coalesceWindowMs,
      batchSize: c.batchSize,
      concurrency: c.concurrency,
      validation: this.#o.validation,
      onBatchWritten: observer?.onBatchWritten,
    });
    slot.metrics = job.metrics;
    observer?.follow?.(job.metrics, slot.source);
    return job;
  }

  async #readLag(): Promise<void> {
    await Promise.all(this.#slots.map(async (slot) => {
      if (slot.state !== "running" || slot.source === undefined) return;
      const lag = await sourceLag(slot.source);
      if (lag !== null) slot.lag = lag;
    }));
  }

  /** Closes every source, sink and store; the first failure, naming its job, or undefined. */
  async #closeAll(stores: Map<string, OpenedJobStore>): Promise<IngestJobError | undefined> {
    let failure: IngestJobError | undefined;
    for (const slot of this.#slots) {
      for (const close of [() => slot.source?.close(), () => slot.sink?.close?.()]) {
        try {
          await close();
        } catch (error) {
          failure ??= new IngestJobError(slot.config.name, error);
        }
      }
    }
    for (const [key, store] of stores) {
      try {
        await store.close();
      } catch (error) {
        failure ??= new IngestJobError(this.#slots.filter((s) => s.config.storeKey === key).map((s) => s.config.name).join(", "), error);
      }
    }
    return failure;
  }
}

/**
 * The lag of the partitions `source` owns: undefined when it cannot be read (shown as unknown;
 * the job's own reads report a broker that stays down), null while the group (re)joins (keep
 * the last figure). Duck-typed: a source without `lag` has none.
 */
async function sourceLag(source: KafkaSource<object>): Promise<number | undefined | null> {
  const reader = source as { lag?: () => Promise<readonly { lag: number }[]> };
  if (typeof reader.lag !== "function") return undefined;
  try {
    const partitions = await reader.lag();
    return partitions.length === 0 ? null : partitions.reduce((n, p) => n + p.lag, 0);
  } catch {
    return undefined;
  }
}

/**
 * `source` with a `close` that first reads its lag: the job closes its source after its last
 * commit, so that reading is what the group has left. Everything else is the source's own.
 */
function lastLagOnClose(source: KafkaSource<object>, onLag: (lag: number | undefined) => void): KafkaSource<object> {
  const close = async (): Promise<void> => {
    const lag = await sourceLag(source);
    if (lag !== null) onLag(lag);
    await source.close();
  };
  return new Proxy(source, {
    get(target, key) {
      if (key === "close") return close;
      const value: unknown = Reflect.get(target, key, target);
      // Bound to the source itself: its methods use private fields, which a proxy does not have.
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Reads a field, dots reaching into nested records (`meta.time`). */
function fieldReader(field: string): (event: object) => unknown {
  const parts = field.split(".");
  return (event) => {
    let v: unknown = event;
    for (const p of parts) {
      if (typeof v !== "object" || v === null) return undefined;
      v = (v as Record<string, unknown>)[p];
    }
    return v;
  };
}

/** `map` for events whose time field holds milliseconds; an event without one is refused with the field. */
function timed(map: EventMapper<object>, time: (event: object) => unknown, field: string): EventMapper<object> {
  return (event) => {
    const t = time(event);
    if (typeof t !== "number" || !Number.isFinite(t)) throw new BadEventError(`must be the event time in milliseconds, got ${show(t)}`, { field });
    return map(event);
  };
}
