import type { Mutation } from "@rdg/model";

/** A batch from a source; `commit` acknowledges it (Kafka offsets, file position) once durable. */
export interface SourceBatch<E> {
  readonly events: readonly E[];
  commit(): void | Promise<void>;
  /** Events behind the head of the source after this batch, where the source knows. */
  readonly lag?: number;
  /**
   * True when the source's ownership changed since its previous batch (a consumer-group
   * rebalance moved partitions): another process may have written what this one wrote before,
   * so the job forgets the edge times it remembers (`GraphStore.forgetWrittenTimes`).
   */
  readonly ownershipChanged?: boolean;
}

/** Where events come from: a Kafka topic, the in-process generator, a file. */
export interface EventSource<E> {
  readonly name: string;
  batches(signal: AbortSignal): AsyncIterable<SourceBatch<E>>;
  close?(): Promise<void>;
}

/**
 * Turns one event into graph mutations; throws to send the event to the dead-letter sink. It
 * may be called again for the same event (when a batch the store refused is split to find the
 * refused events), so it must return the same mutations for the same event.
 */
export type EventMapper<E> = (event: E) => readonly Mutation[];

/** Where bad events go, with the reason. */
export interface DeadLetterSink<E> {
  send(event: E, reason: string, error?: unknown): void | Promise<void>;
}

/** Gets the event time (ms) of an event, for coalescing windows and freshness. */
export type EventTime<E> = (event: E) => number;

/** One coalesced batch whose write is durable: what `IngestJobOptions.onBatchWritten` receives. */
export interface BatchWritten {
  /** Events whose mutations the batch holds. */
  readonly events: number;
  /** Mutations written, after coalescing. */
  readonly mutations: number;
  /** Milliseconds from the start of the write to durable, retries and isolation of refused events included. */
  readonly writeMs: number;
  /** Event time (ms) of the oldest event in the batch, by the job's `eventTime`. */
  readonly oldestEventTime: number;
  /** Wall time (ms since the epoch) when the write was durable. */
  readonly durableAt: number;
}

/** Records of one partition that the consumer group has not committed yet. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** The partition's end offset minus the group's committed offset. */
  readonly lag: number;
}
