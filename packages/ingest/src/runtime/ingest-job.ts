import type { GraphStore } from "@rdg/graph";
import { isInputError, resolveValidationOptions, validateMutation, type Mutation, type ValidationOptions } from "@rdg/model";
import { Coalescer } from "../coalesce/coalescer.js";
import { newMetrics, type JobMetrics } from "../metrics/job-metrics.js";
import type { BatchWritten, DeadLetterSink, EventMapper, EventSource, EventTime } from "./ingest-types.js";

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
  /**
   * Flush when this many events wait, whatever the window: the memory bound of the events kept
   * until their write is durable (to find the refused ones when a store refuses a batch).
   * @default 4 × batchSize
   */
  readonly maxPendingEvents?: number;
  /** Attempts of a write that fails with a retryable error. @default 5 */
  readonly maxAttempts?: number;
  /**
   * Limits of event validation beyond the schema: event times in `[minTime, now + maxAheadMs]`,
   * string values up to `maxStringBytes`. Events outside them are dead-lettered with the reason.
   * @default the defaults of `ValidationOptions` (2000-01-01 to one day ahead of the clock, 64 KiB)
   */
  readonly validation?: ValidationOptions;
  /** Called after every batch written. */
  readonly onProgress?: (metrics: Readonly<JobMetrics>) => void;
  /** Called when a batch's write is durable, before its commit: per-batch figures (latency, freshness) for histograms. */
  readonly onBatchWritten?: (batch: BatchWritten) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const isRetryable = (e: unknown): boolean => typeof e === "object" && e !== null && (e as { isRetryable?: unknown }).isRetryable === true;

/**
 * One job: decode -> validate -> map -> coalesce -> batched writes -> commit. A source batch is
 * committed only after every write that holds its events is durable, in source order, so a
 * crash replays from the last commit and last-write-wins makes the replay harmless. A bad event
 * goes to the dead-letter sink with its reason and the job goes on: one the mapper or
 * validation refuses at once; one the store refuses (an error that blames its input, such as
 * `VALUE_TOO_LARGE`) once the refused batch, split in halves, has isolated it.
 */
export class IngestJob<E> {
  readonly metrics: JobMetrics = newMetrics();
  readonly #o: IngestJobOptions<E>;

  constructor(options: IngestJobOptions<E>) {
    resolveValidationOptions(options.validation); // bad limits fail here, not on the first event
    this.#o = options;
  }

  /** Runs until the source ends or `signal` aborts; then flushes, commits and returns the metrics. */
  async run(signal: AbortSignal = new AbortController().signal): Promise<JobMetrics> {
    const o = this.#o;
    const windowMs = o.coalesceWindowMs ?? 60_000;
    const batchSize = o.batchSize ?? 100_000;
    const maxPending = o.maxPendingEvents ?? 4 * batchSize;
    const concurrency = o.concurrency ?? 2;
    const coalescer = new Coalescer();
    // The events in the coalescer, kept until their write is durable to find any the store refuses.
    let pending: E[] = [];
    const inflight = new Set<Promise<void>>();
    let commits: (() => void | Promise<void>)[] = [];
    let committed: Promise<void> = Promise.resolve();
    let windowStart = -1;
    // When the oldest event waiting in the coalescer was read: freshness runs from there.
    let oldestReadAt = 0;
    // The oldest event time waiting in the coalescer: freshness from event time to durable.
    let oldestEventTime = Number.POSITIVE_INFINITY;
    let failure: unknown;

    const flush = async (): Promise<void> => {
      const mutations = coalescer.drain();
      const events = pending;
      const toCommit = commits;
      const readAt = oldestReadAt;
      pending = [];
      commits = [];
      windowStart = -1;
      oldestReadAt = 0;
      const eventTimeMin = oldestEventTime;
      oldestEventTime = Number.POSITIVE_INFINITY;
      const writeStart = performance.now();
      const write = this.#writeOrIsolate(mutations, events).then(async () => {
        if (mutations.length > 0) o.onBatchWritten?.({ events: events.length, mutations: mutations.length, writeMs: performance.now() - writeStart, oldestEventTime: eventTimeMin, durableAt: Date.now() });
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
      if (batch.ownershipChanged === true) {
        this.metrics.rebalances++;
        o.graph.forgetWrittenTimes();
      }
      for (const event of batch.events) {
        this.metrics.eventsIn++;
        let mutations: readonly Mutation[];
        try {
          mutations = this.#map(event);
        } catch (error) {
          await this.#deadLetter(event, error);
          continue;
        }
        if (mutations.length === 0) continue;
        const t = o.eventTime(event);
        if (windowStart < 0) windowStart = t;
        if (oldestReadAt === 0) oldestReadAt = Date.now();
        if (t < oldestEventTime) oldestEventTime = t;
        for (const m of mutations) coalescer.add(m);
        pending.push(event);
        this.metrics.mutationsMapped += mutations.length;
        if (t - windowStart >= windowMs || pending.length >= maxPending) await flush();
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

  /** The event's mutations, validated; throws what the mapper or validation refused. Synchronous: the hot path. */
  #map(event: E): readonly Mutation[] {
    const mutations = this.#o.map(event);
    for (const m of mutations) validateMutation(this.#o.graph.schema, m, this.#o.validation);
    return mutations;
  }

  async #deadLetter(event: E, error: unknown): Promise<void> {
    this.metrics.deadLetters++;
    await this.#o.deadLetters.send(event, error instanceof Error ? error.message : String(error), error);
  }

  /**
   * Writes a coalesced batch. When the store refuses it for its content (an error that blames
   * its input: too large, invalid), the events are written again by halves until each refused
   * one is alone; those go to the dead-letter sink and the rest is stored. Any other error
   * (retryable ones after their attempts) fails the write, and so the job, as before.
   */
  async #writeOrIsolate(mutations: Mutation[], events: readonly E[]): Promise<void> {
    try {
      await this.#write(mutations);
    } catch (error) {
      if (!isInputError(error)) throw error;
      this.metrics.batchesIsolated++;
      await this.#isolate(events, error);
    }
  }

  async #isolate(events: readonly E[], error: unknown): Promise<void> {
    if (events.length === 1) {
      await this.#deadLetter(events[0]!, error);
      return;
    }
    const mid = events.length >>> 1;
    for (const part of [events.slice(0, mid), events.slice(mid)]) {
      // The mapper runs again: the batch kept the events, not their mutations (half the memory).
      const coalescer = new Coalescer();
      const mapped: E[] = [];
      for (const event of part) {
        try {
          for (const m of this.#map(event)) coalescer.add(m);
          mapped.push(event);
        } catch (mapError) {
          await this.#deadLetter(event, mapError);
        }
      }
      try {
        await this.#write(coalescer.drain());
      } catch (partError) {
        if (!isInputError(partError)) throw partError;
        await this.#isolate(mapped, partError);
      }
    }
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
