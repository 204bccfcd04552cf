/** Counters of a running job; read them at any time, they only grow. */
export interface JobMetrics {
  eventsIn: number;
  /** Mutations the mapper produced, before coalescing. */
  mutationsMapped: number;
  /** Mutations written after coalescing. */
  mutationsWritten: number;
  /** KV operations written. */
  kvOperations: number;
  deadLetters: number;
  batchesWritten: number;
  writeRetries: number;
  /** Batches the store refused for their content, split to find and dead-letter the refused events. */
  batchesIsolated: number;
  /** Times the source's ownership changed (consumer-group rebalances that moved partitions). */
  rebalances: number;
  /** Events behind the head of the source, where it knows. */
  lag: number;
  /** Milliseconds from reading an event to its write being durable (queryable): last and worst. */
  freshnessLastMs: number;
  freshnessMaxMs: number;
  startedAt: number;
}

export function newMetrics(): JobMetrics {
  return {
    eventsIn: 0,
    mutationsMapped: 0,
    mutationsWritten: 0,
    kvOperations: 0,
    deadLetters: 0,
    batchesWritten: 0,
    writeRetries: 0,
    batchesIsolated: 0,
    rebalances: 0,
    lag: 0,
    freshnessLastMs: 0,
    freshnessMaxMs: 0,
    startedAt: Date.now(),
  };
}
