import { mergeMutations, mutationKey, type Mutation } from "@rdg/model";

/**
 * Folds repeated updates of one node or edge inside a window into one mutation that stores the
 * same final state (each property keeps its newest value and time), so a session's heartbeats
 * become one edge write per window instead of one per heartbeat.
 */
export class Coalescer {
  readonly #pending = new Map<string, Mutation>();
  #added = 0;

  add(m: Mutation): void {
    this.#added++;
    const key = mutationKey(m);
    const existing = this.#pending.get(key);
    this.#pending.set(key, existing === undefined ? m : mergeMutations(existing, m));
  }

  /** Distinct mutations waiting. */
  get size(): number {
    return this.#pending.size;
  }

  /** Mutations added since the last drain (before coalescing). */
  get added(): number {
    return this.#added;
  }

  drain(): Mutation[] {
    const out = [...this.#pending.values()];
    this.#pending.clear();
    this.#added = 0;
    return out;
  }
}
