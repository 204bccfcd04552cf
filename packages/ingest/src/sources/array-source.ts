import type { EventSource, SourceBatch } from "../runtime/ingest-types.js";

/** Events from memory in batches; records commits. For tests and examples. */
export class ArraySource<E> implements EventSource<E> {
  readonly name = "array";
  readonly committed: number[] = [];
  readonly #events: readonly E[];
  readonly #batchSize: number;

  constructor(events: readonly E[], batchSize = 100) {
    this.#events = events;
    this.#batchSize = batchSize;
  }

  async *batches(signal: AbortSignal): AsyncGenerator<SourceBatch<E>> {
    for (let at = 0; at < this.#events.length && !signal.aborted; at += this.#batchSize) {
      const end = Math.min(at + this.#batchSize, this.#events.length);
      yield { events: this.#events.slice(at, end), commit: () => void this.committed.push(end), lag: this.#events.length - end };
    }
  }
}
