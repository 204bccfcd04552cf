/** What a writer knows of an edge: the time of its newest upsert (if alive) and newest delete. */
export interface EdgeTimes {
  readonly alive: number | undefined;
  readonly deleted: number | undefined;
}

/**
 * The edge times this process planned, so a hot edge (a heartbeat every minute) is not read
 * back before every write, and batches in flight at once see each other's changes instead of
 * racing on the same stale read. Values only grow, so a value here never exceeds what the
 * store holds once the planned writes land; a failed write forgets its edges. Bounded: the
 * oldest entries go first.
 */
export class EdgeTimeCache {
  readonly #max: number;
  readonly #entries = new Map<string, EdgeTimes>();

  constructor(max: number) {
    this.#max = Math.max(0, max);
  }

  get(key: string): EdgeTimes | undefined {
    return this.#entries.get(key);
  }

  set(key: string, times: EdgeTimes): void {
    if (this.#max === 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, times);
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
  }

  forget(keys: Iterable<string>): void {
    for (const key of keys) this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
