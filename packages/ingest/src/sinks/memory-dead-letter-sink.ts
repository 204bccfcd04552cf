import type { DeadLetterSink } from "../runtime/ingest-types.js";

/** One dead letter: the event and why it was refused. */
export interface DeadLetter<E> {
  readonly event: E;
  readonly reason: string;
  readonly at: number;
}

/** Keeps the most recent dead letters in memory (bounded), counting all of them. */
export class MemoryDeadLetterSink<E> implements DeadLetterSink<E> {
  readonly letters: DeadLetter<E>[] = [];
  total = 0;
  readonly #max: number;

  /** @param max most letters kept. @default 1000 */
  constructor(max = 1000) {
    this.#max = max;
  }

  send(event: E, reason: string): void {
    this.total++;
    if (this.letters.length >= this.#max) this.letters.shift();
    this.letters.push({ event, reason, at: Date.now() });
  }
}
