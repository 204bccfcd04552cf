/** What a writer knows of an edge: the time of its newest upsert (if alive) and newest delete. */
export interface EdgeTimes {
  readonly alive: number | undefined;
  readonly deleted: number | undefined;
}

/** One `write()` in flight: resolves true once stored as planned, false if it failed or was planned again. */
export class BatchTicket {
  readonly done: Promise<boolean>;
  resolve!: (stored: boolean) => void;
  constructor() {
    this.done = new Promise((r) => (this.resolve = r));
  }
}

/** An edge's times as a plan sees them, and the batch in flight they come from, if any. */
export interface KnownTimes {
  readonly times: EdgeTimes;
  readonly from: BatchTicket | undefined;
}

/**
 * The edge times this process planned, so a hot edge (a heartbeat every minute) is not read
 * back before every write, and batches in flight at once build on each other instead of racing
 * on the same stale read. Two layers: times of batches in flight (each with its batch), and
 * times known stored (bounded: the oldest go first). A batch planned on another's times waits
 * for it to be stored before it writes, and is planned again if that one failed, so the
 * adjacency never keeps an entry its edge does not stand for, nor misses one it does.
 */
export class EdgeTimeCache {
  readonly #max: number;
  readonly #stored = new Map<string, EdgeTimes>();
  readonly #inFlight = new Map<string, { times: EdgeTimes; ticket: BatchTicket }>();

  constructor(max: number) {
    this.#max = Math.max(0, max);
  }

  get(key: string): KnownTimes | undefined {
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return { times: pending.times, from: pending.ticket };
    const stored = this.#stored.get(key);
    return stored === undefined ? undefined : { times: stored, from: undefined };
  }

  /** Times a batch plans to store. */
  plan(key: string, times: EdgeTimes, ticket: BatchTicket): void {
    this.#inFlight.set(key, { times, ticket });
  }

  /** The batch is stored: its times are known stored. */
  stored(ticket: BatchTicket, planned: ReadonlyMap<string, EdgeTimes>): void {
    for (const [key, times] of planned) {
      if (this.#inFlight.get(key)?.ticket === ticket) this.#inFlight.delete(key);
      if (this.#max === 0) continue;
      this.#stored.delete(key);
      this.#stored.set(key, times);
      if (this.#stored.size > this.#max) this.#stored.delete(this.#stored.keys().next().value!);
    }
  }

  /**
   * Forget the times known stored (batches in flight keep theirs): another process may have
   * written these edges since, e.g. after a consumer-group rebalance moved partitions away and back.
   */
  forgetStored(): void {
    this.#stored.clear();
  }

  /** Planning the batch failed part way: forget whatever it planned. */
  abandonAll(ticket: BatchTicket): void {
    for (const [key, entry] of this.#inFlight) if (entry.ticket === ticket) this.#inFlight.delete(key);
  }

  /** The batch was not stored as planned: forget what it planned, and what is known of its edges. */
  abandon(ticket: BatchTicket, planned: ReadonlyMap<string, EdgeTimes>): void {
    for (const key of planned.keys()) {
      if (this.#inFlight.get(key)?.ticket === ticket) this.#inFlight.delete(key);
      this.#stored.delete(key);
    }
  }
}
