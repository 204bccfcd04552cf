import type { GraphStore } from "@rdg/graph";
import { validateMutation, type Mutation } from "@rdg/model";
import { Coalescer } from "../coalesce/coalescer.js";
import { newMetrics, type JobMetrics } from "../metrics/job-metrics.js";
import type { DeadLetterSink, EventMapper, EventSource, EventTime } from "./ingest-types.js";

/** Settings of one job; each topic's job is tuned on its own. */
export interface IngestJobOptions<E> {
  /** Shown in logs and metrics, e.g. "playback". */
  readonly name: string;
  readonly source: EventSource<E>;
  readonly map: EventMapper<E>;
  readonly graph: GraphStore;
  readonly deadLetters: DeadLetterSink<E>;
  readonly eventTime: EventTime<E>;
  /** Coalescing window in event time: updates of one node or edge inside it become one write. @default 60000 */
  readonly coalesceWindowMs?: number;
  /** Flush when this many distinct mutations are waiting, whatever the window: the memory bound. @default 100000 */
  readonly batchSize?: number;
  /** Batches being written at once; the source waits beyond it (backpressure). @default 2 */
  readonly concurrency?: number;
  /** Attempts of a write that fails with a retryable error. @default 5 */
  readonly maxAttempts?: number;
  /** Called after every batch written. */
  readonly onProgress?: (metrics: Readonly<JobMetrics>) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const isRetryable = (e: unknown): boolean => typeof e === "object" && e !== null && (e as { isRetryable?: unknown }).isRetryable === true;

/**
 * One job: decode -> validate -> map -> coalesce -> batched writes -> commit. A source batch is
 * committed only after every write that holds its events is durable, in source order, so a
 * crash replays from the last commit and last-write-wins makes the replay harmless. A bad event
 * goes to the dead-letter sink with its reason and the job goes on.
 */
export class IngestJob<E> {
  readonly metrics: JobMetrics = newMetrics();
  readonly #o: IngestJobOptions<E>;

  constructor(options: IngestJobOptions<E>) {
    this.#o = options;
  }

  /** Runs until the source ends or `signal` aborts; then flushes, commits and returns the metrics. */
  async run(signal: AbortSignal = new AbortController().signal): Promise<JobMetrics> {
    const o = this.#o;
    const windowMs = o.coalesceWindowMs ?? 60_000;
    const batchSize = o.batchSize ?? 100_000;
    const concurrency = o.concurrency ?? 2;
    const coalescer = new Coalescer();
    const inflight = new Set<Promise<void>>();
    let commits: (() => void | Promise<void>)[] = [];
    let committed: Promise<void> = Promise.resolve();
    let windowStart = -1;
    // When the oldest event waiting in the coalescer was read: freshness runs from there.
    let oldestReadAt = 0;
    let failure: unknown;

    const flush = async (): Promise<void> => {
      const mutations = coalescer.drain();
      const toCommit = commits;
      const readAt = oldestReadAt;
      commits = [];
      windowStart = -1;
      oldestReadAt = 0;
      const write = this.#write(mutations).then(async () => {
        if (readAt === 0) return;
        this.metrics.freshnessLastMs = Date.now() - readAt;
        this.metrics.freshnessMaxMs = Math.max(this.metrics.freshnessMaxMs, this.metrics.freshnessLastMs);
      });
      // Commits run in source order, each after its own write and every earlier commit.
      const done = Promise.all([committed, write]).then(async () => {
        for (const commit of toCommit) await commit();
        o.onProgress?.(this.metrics);
      });
      // A failed write fails every later commit too: committing a later batch would move the
      // source past events that were never stored.
      committed = done;
      committed.catch(() => undefined);
      const tracked = done.catch((e: unknown) => {
        failure ??= e;
      }).finally(() => inflight.delete(tracked));
      inflight.add(tracked);
      while (inflight.size >= concurrency) await Promise.race(inflight);
    };

    for await (const batch of o.source.batches(signal)) {
      if (failure !== undefined) break;
      for (const event of batch.events) {
        this.metrics.eventsIn++;
        let mutations: readonly Mutation[];
        try {
          mutations = o.map(event);
          for (const m of mutations) validateMutation(o.graph.schema, m);
        } catch (error) {
          this.metrics.deadLetters++;
          await o.deadLetters.send(event, error instanceof Error ? error.message : String(error), error);
          continue;
        }
        if (mutations.length === 0) continue;
        const t = o.eventTime(event);
        if (windowStart < 0) windowStart = t;
        if (oldestReadAt === 0) oldestReadAt = Date.now();
        for (const m of mutations) coalescer.add(m);
        this.metrics.mutationsMapped += mutations.length;
        if (t - windowStart >= windowMs) await flush();
      }
      commits.push(() => batch.commit());
      if (batch.lag !== undefined) this.metrics.lag = batch.lag;
      if (coalescer.size >= batchSize) await flush();
      if (signal.aborted) break;
    }
    if (coalescer.size > 0 || commits.length > 0) await flush();
    await Promise.all(inflight);
    await committed.catch(() => undefined);
    await o.source.close?.();
    if (failure !== undefined) throw failure;
    return this.metrics;
  }

  async #write(mutations: Mutation[]): Promise<void> {
    if (mutations.length === 0) return;
    const attempts = this.#o.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        // Await first: `x += await y` would read x before the await and lose concurrent updates.
        const written = await this.#o.graph.write(mutations, { validate: false });
        this.metrics.kvOperations += written;
        this.metrics.mutationsWritten += mutations.length;
        this.metrics.batchesWritten++;
        return;
      } catch (error) {
        if (!isRetryable(error) || attempt >= attempts) throw error;
        this.metrics.writeRetries++;
        await sleep(Math.min(2000, 50 * 2 ** attempt));
      }
    }
  }
}
