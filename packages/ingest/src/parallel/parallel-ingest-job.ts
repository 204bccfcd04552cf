import { availableParallelism } from "node:os";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import type { GraphStore } from "@rdg/graph";
import type { KvOperation } from "@rdg/kv";
import { IngestOptionsError } from "../errors/ingest-options-error.js";
import { newMetrics, type JobMetrics } from "../metrics/job-metrics.js";
import type { BatchWritten, DeadLetterSink, EventSource } from "../runtime/ingest-types.js";
import type { FromWorker, ToWorker, WorkerBatch, WorkerStart } from "./worker-messages.js";

/** Options of a `ParallelIngestJob`. */
export interface ParallelIngestJobOptions<E> {
  readonly name: string;
  /** The graph this thread writes; its store must apply encoded batches (LMDB, memory). */
  readonly graph: GraphStore;
  /**
   * What each worker runs: `module` (a URL or an importable specifier) exports
   * `createIngestWorker(options, context)` (see `IngestWorkerSetup`); `options` must be structured-cloneable.
   */
  readonly worker: { readonly module: string | URL; readonly options?: unknown };
  /** Worker threads. @default cores - 1, at least 1 */
  readonly workers?: number;
  /** Events read here and handed to the workers; without it the workers generate (`generate` of their setup). */
  readonly source?: EventSource<E>;
  /** Without a source: stop after this many events in all. @default no limit */
  readonly maxEvents?: number;
  /** Without a source: stop after this much wall time, ms. @default no limit */
  readonly durationMs?: number;
  readonly deadLetters: DeadLetterSink<E>;
  /**
   * Coalescing window in event time, per worker: updates of one node or edge inside it become one
   * write. By default a worker coalesces over its whole epoch, as it always does the mutations it
   * receives from its peers: an epoch is one transaction, nothing in it is readable before it
   * commits, and a window closing inside it only writes states the same transaction overwrites.
   * Set it to bound coalescing in event time (each window is still planned into the epoch's batch).
   * @default the epoch
   */
  readonly coalesceWindowMs?: number;
  /** Events per epoch (one write transaction, one or more coalescing windows), all workers together. @default 100000 */
  readonly epochEvents?: number;
  /** An epoch closes at the latest this long after its first event, ms (freshness bound). @default 1000 */
  readonly maxEpochMs?: number;
  /** Epochs in flight (taken, planned or being written); the source waits beyond it. @default 2 */
  readonly concurrency?: number;
  /** Edge times each worker remembers once stored. @default 1000000 */
  readonly edgeTimeCache?: number;
  readonly onProgress?: (metrics: Readonly<JobMetrics>) => void;
  readonly onBatchWritten?: (batch: BatchWritten) => void;
}

interface Epoch {
  readonly epoch: number;
  readonly startedAt: number;
  readonly commits: (() => void | Promise<void>)[];
  readonly parts: WorkerBatch[];
  readonly written: Promise<void>;
  arrived: (parts: WorkerBatch[]) => void;
  fail: (error: unknown) => void;
  events: number;
}

const WORKER_URL = new URL("./ingest-worker.js", import.meta.url);

/** The default worker count: every core but the one this thread writes on, at least one. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

/**
 * Ingestion on every core: worker threads map, validate, coalesce and plan events into encoded,
 * key-sorted KV batches; this thread only writes them (last-write-wins inside one LMDB
 * transaction per epoch) and commits. Mutations are routed by node or edge key, so one worker
 * owns each edge: it alone coalesces it and plans its adjacency from the edge times it planned.
 *
 * Time is cut into epochs. An epoch's events go to the workers, each plans its part at the
 * epoch's flush; once every part arrived the epoch is written in one transaction, and when that
 * is durable its source batches are committed, epochs in order. A worker that fails (an error
 * that blames no event, or an exit) or a write that fails stops the job: nothing later is
 * committed. A refused event (mapper or validation) goes to the dead-letter sink before its
 * epoch commits. Unlike `IngestJob`, a batch the store refuses is not split to find the event:
 * the workers validate against the schema and its limits, and a refusal stops the job.
 */
export class ParallelIngestJob<E> {
  readonly metrics: JobMetrics = newMetrics();
  readonly #o: ParallelIngestJobOptions<E>;
  readonly #workers: number;

  constructor(options: ParallelIngestJobOptions<E>) {
    const workers = options.workers ?? defaultWorkers();
    if (!Number.isInteger(workers) || workers < 1) throw new IngestOptionsError("workers", `${workers} must be a whole number of at least 1; use IngestJob for 0 workers`);
    this.#o = options;
    this.#workers = workers;
  }

  async run(signal: AbortSignal = new AbortController().signal): Promise<JobMetrics> {
    const o = this.#o;
    const n = this.#workers;
    const epochEvents = o.epochEvents ?? 100_000;
    const maxEpochMs = o.maxEpochMs ?? 1000;
    const concurrency = o.concurrency ?? 2;
    let failure: unknown;
    let stopping = false;
    const open = new Map<number, Epoch>();
    let failAll: (error: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (failAll = reject));
    failed.catch(() => undefined);
    const fail = (error: unknown): void => {
      failure ??= error;
      for (const e of open.values()) e.fail(failure);
      failAll(failure);
    };

    const workers = await this.#start(n, (index, m) => {
      if (m.t === "fatal") {
        const error = new Error(`[ingest] worker ${index} of job "${o.name}" failed: ${m.message}`);
        if (m.stack !== undefined) error.stack = `${error.message}\n${m.stack}`;
        fail(error);
      } else if (m.t === "batch") {
        const epoch = open.get(m.epoch);
        if (epoch === undefined) return;
        epoch.parts.push(m);
        if (epoch.parts.length === n) epoch.arrived(epoch.parts);
      }
    }, (index, code) => {
      if (!stopping) fail(new Error(`[ingest] worker ${index} of job "${o.name}" exited (code ${code}) while the job ran`));
    }, fail);

    let writeChain: Promise<unknown> = Promise.resolve();
    let committed: Promise<void> = Promise.resolve();
    let next = 0;
    const newEpoch = (): Epoch => {
      let arrived!: (parts: WorkerBatch[]) => void;
      let failEpoch!: (error: unknown) => void;
      const parts = new Promise<WorkerBatch[]>((resolve, reject) => {
        arrived = resolve;
        failEpoch = reject;
      });
      const epoch: Epoch = { epoch: ++next, startedAt: Date.now(), commits: [], parts: [], written: undefined as never, arrived, fail: failEpoch, events: 0 };
      // Transactions are queued in epoch order; each epoch's commits wait for its write and every earlier commit.
      const write = parts.then((p) => {
        const issued = writeChain.then(() => this.#write(epoch, p));
        writeChain = issued.catch(() => undefined);
        return issued;
      });
      const done = Promise.all([committed, write]).then(async () => {
        for (const commit of epoch.commits) await commit();
        open.delete(epoch.epoch);
        o.onProgress?.(this.metrics);
      });
      committed = done;
      done.catch(fail);
      (epoch as { written: Promise<void> }).written = done;
      open.set(epoch.epoch, epoch);
      return epoch;
    };
    const send = (m: ToWorker, to?: number): void => {
      if (to !== undefined) workers[to]!.postMessage(m);
      else for (const w of workers) w.postMessage(m);
    };
    const close = async (epoch: Epoch): Promise<void> => {
      send({ t: "flush", epoch: epoch.epoch });
      while (failure === undefined && open.size >= concurrency) await Promise.race([...[...open.values()].map((e) => e.written.catch(() => undefined)), failed.catch(() => undefined)]);
    };

    try {
      if (o.source !== undefined) await this.#fromSource(o.source, signal, newEpoch, send, close, epochEvents, maxEpochMs, () => failure);
      else await this.#generate(signal, newEpoch, send, close, epochEvents, () => failure);
      await Promise.race([committed, failed]).catch(() => undefined);
    } finally {
      stopping = true;
      await committed.catch(() => undefined);
      // After a failure a worker may wait for a peer that is gone: end them all at once.
      if (failure !== undefined) await Promise.all(workers.map((w) => w.terminate()));
      else send({ t: "stop" });
      // Workers leave once told to stop; one that exited already has its exit recorded.
      const exits = await Promise.race([Promise.all(this.#exits), new Promise((r) => setTimeout(r, 10_000, "timeout"))]);
      if (exits === "timeout") await Promise.all(workers.map((w) => w.terminate()));
      await o.source?.close?.();
    }
    if (failure !== undefined) throw failure;
    return this.metrics;
  }

  async #fromSource(
    source: EventSource<E>,
    signal: AbortSignal,
    newEpoch: () => Epoch,
    send: (m: ToWorker, to?: number) => void,
    close: (epoch: Epoch) => Promise<void>,
    epochEvents: number,
    maxEpochMs: number,
    failure: () => unknown,
  ): Promise<void> {
    const n = this.#workers;
    let epoch: Epoch | undefined;
    let turn = 0;
    for await (const batch of source.batches(signal)) {
      if (failure() !== undefined) return;
      epoch ??= newEpoch();
      if (batch.ownershipChanged === true) {
        this.metrics.rebalances++;
        send({ t: "forget" });
      }
      // Whole slices to each worker in turn; every mutation is then routed to its key's owner.
      const events = batch.events;
      const slice = Math.max(1, Math.ceil(events.length / n));
      for (let i = 0; i < events.length; i += slice) send({ t: "events", epoch: epoch.epoch, events: events.slice(i, i + slice) }, turn++ % n);
      epoch.events += events.length;
      this.metrics.eventsIn += events.length;
      epoch.commits.push(() => batch.commit());
      if (batch.lag !== undefined) this.metrics.lag = batch.lag;
      if (epoch.events >= epochEvents || Date.now() - epoch.startedAt >= maxEpochMs) {
        await close(epoch);
        epoch = undefined;
      }
      if (signal.aborted) break;
    }
    if (epoch !== undefined && failure() === undefined) await close(epoch);
  }

  async #generate(signal: AbortSignal, newEpoch: () => Epoch, send: (m: ToWorker, to?: number) => void, close: (epoch: Epoch) => Promise<void>, epochEvents: number, failure: () => unknown): Promise<void> {
    const n = this.#workers;
    const max = this.#o.maxEvents ?? Number.POSITIVE_INFINITY;
    const until = this.#o.durationMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + this.#o.durationMs;
    let produced = 0;
    while (produced < max && !signal.aborted && Date.now() < until && failure() === undefined) {
      const epoch = newEpoch();
      const total = Math.min(epochEvents, max - produced);
      for (let i = 0; i < n; i++) {
        const count = Math.floor(total / n) + (i < total % n ? 1 : 0);
        if (count > 0) send({ t: "generate", epoch: epoch.epoch, count }, i);
      }
      produced += total;
      await close(epoch);
    }
  }

  async #write(epoch: Epoch, parts: WorkerBatch[]): Promise<void> {
    const o = this.#o;
    parts.sort((a, b) => a.seq - b.seq);
    const writeStart = performance.now();
    const plans = parts.map((p) => ({ batch: p.batch, ops: p.ops as KvOperation[] }));
    const written = parts.some((p) => p.writes > 0) ? await o.graph.writeEncoded(plans) : 0;
    const m = this.metrics;
    let planned = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (const p of parts) {
      if (o.source === undefined) m.eventsIn += p.events;
      m.mutationsMapped += p.mapped;
      planned += p.planned;
      if (p.oldestEventTime < oldest) oldest = p.oldestEventTime;
      for (const d of p.dead) {
        m.deadLetters++;
        await o.deadLetters.send(d.event as E, d.reason, Object.assign(new Error(d.reason), { code: d.code }));
      }
    }
    m.mutationsWritten += planned;
    m.kvOperations += written;
    m.batchesWritten++;
    const durableAt = Date.now();
    m.freshnessLastMs = durableAt - epoch.startedAt;
    m.freshnessMaxMs = Math.max(m.freshnessMaxMs, m.freshnessLastMs);
    if (planned > 0) o.onBatchWritten?.({ events: parts.reduce((s, p) => s + p.events, 0), mutations: planned, writeMs: performance.now() - writeStart, oldestEventTime: oldest, durableAt });
    for (const p of parts) this.#workerFor(p)?.postMessage({ t: "durable", seq: p.seq } satisfies ToWorker);
  }

  #pool: Worker[] = [];
  #exits: Promise<void>[] = [];
  #seqOwner = new Map<WorkerBatch, Worker>();

  #workerFor(p: WorkerBatch): Worker | undefined {
    const w = this.#seqOwner.get(p);
    this.#seqOwner.delete(p);
    return w;
  }

  async #start(n: number, onMessage: (index: number, m: FromWorker) => void, onExit: (index: number, code: number) => void, onError: (error: unknown) => void): Promise<Worker[]> {
    const o = this.#o;
    const channels: (MessagePort | null)[][] = Array.from({ length: n }, () => Array<MessagePort | null>(n).fill(null));
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const { port1, port2 } = new MessageChannel();
        channels[i]![j] = port1;
        channels[j]![i] = port2;
      }
    }
    const module = o.worker.module instanceof URL ? o.worker.module.href : o.worker.module;
    const ready: Promise<void>[] = [];
    this.#pool = [];
    this.#exits = [];
    for (let i = 0; i < n; i++) {
      const peers = channels[i]!;
      const data: WorkerStart = { module, options: o.worker.options, index: i, workers: n, peers, ...(o.edgeTimeCache === undefined ? {} : { edgeTimeCache: o.edgeTimeCache }), ...(o.coalesceWindowMs === undefined ? {} : { coalesceWindowMs: o.coalesceWindowMs }) };
      const worker = new Worker(WORKER_URL, { workerData: data, transferList: peers.filter((p): p is MessagePort => p !== null) as never[] });
      this.#pool.push(worker);
      this.#exits.push(new Promise<void>((resolve) => worker.once("exit", () => resolve())));
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.on("message", (m: FromWorker) => {
            if (m.t === "ready") resolve();
            else if (m.t === "batch") this.#seqOwner.set(m, worker);
            if (m.t === "fatal") reject(new Error(`[ingest] worker ${i} of job "${o.name}" could not start: ${m.message}`));
            onMessage(i, m);
          });
          worker.on("error", (error) => {
            reject(error);
            onError(error);
          });
          worker.on("exit", (code) => {
            reject(new Error(`[ingest] worker ${i} of job "${o.name}" exited (code ${code}) before it was ready`));
            onExit(i, code);
          });
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await Promise.all(this.#pool.map((w) => w.terminate()));
      throw error;
    }
    return this.#pool;
  }
}

