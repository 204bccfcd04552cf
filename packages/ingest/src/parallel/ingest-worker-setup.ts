import type { KvStore } from "@rdg/kv";
import type { Schema, ValidationOptions } from "@rdg/model";
import type { EventMapper, EventTime } from "../runtime/ingest-types.js";

/** Where a worker is in the pool: `index` of `workers`. */
export interface IngestWorkerContext {
  readonly index: number;
  readonly workers: number;
}

/**
 * What a worker thread of a `ParallelIngestJob` works with. Functions cannot cross threads, so
 * each worker builds its own from a module the job names (`IngestWorkerModule`).
 */
export interface IngestWorkerSetup<E> {
  readonly schema: Schema;
  readonly map: EventMapper<E>;
  readonly eventTime: EventTime<E>;
  /** Limits of event validation beyond the schema. @default the defaults of `ValidationOptions` */
  readonly validation?: ValidationOptions;
  /** The graph's store, opened in this thread: read for the times of edges this worker has not planned. */
  readonly reader: KvStore;
  /** Events this worker makes itself (a generator), for jobs without a source. */
  generate?(count: number): E[];
  /** Called once plans are durable, before the next reads (e.g. renew an LMDB read snapshot). */
  refresh?(): void;
  close?(): Promise<void>;
}

/**
 * The module a worker imports: its `createIngestWorker(options, context)` gives the worker's
 * setup. `options` is what the job was given as `worker.options` (structured-cloneable).
 */
export type CreateIngestWorker<E = unknown> = (options: unknown, context: IngestWorkerContext) => IngestWorkerSetup<E> | Promise<IngestWorkerSetup<E>>;
