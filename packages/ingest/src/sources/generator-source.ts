import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { MemberEvent } from "../domain/member-events.js";
import type { MemberJourneyGenerator } from "../domain/member-journey-generator.js";
import type { EventSource, SourceBatch } from "../runtime/ingest-types.js";
import type { ValidationOptions } from "@rdg/model";

/**
 * Validation limits for a job fed by the generator: its simulated clock runs hours ahead of the
 * real one within minutes, so the "not more than a day ahead" check is off; the rest stays.
 */
export const GENERATOR_VALIDATION: ValidationOptions = Object.freeze({ maxAheadMs: Number.POSITIVE_INFINITY });

/** Options of the in-process generator source. */
export interface GeneratorSourceOptions {
  /** Events per batch. @default 5000 */
  readonly batchSize?: number;
  /** Stop after this many events. @default no limit */
  readonly maxEvents?: number;
  /** Stop after this much wall time, ms. @default no limit */
  readonly durationMs?: number;
  /** Only events of these topics (one job per topic). @default all */
  readonly topics?: readonly string[];
}

/** The synthetic member-journey generator as an in-process source: the embedded default. */
export class GeneratorSource implements EventSource<MemberEvent> {
  readonly name = "generator";
  readonly #gen: MemberJourneyGenerator;
  readonly #o: GeneratorSourceOptions;

  constructor(generator: MemberJourneyGenerator, options: GeneratorSourceOptions = {}) {
    this.#gen = generator;
    this.#o = options;
  }

  async *batches(signal: AbortSignal): AsyncGenerator<SourceBatch<MemberEvent>> {
    const size = this.#o.batchSize ?? 5000;
    const max = this.#o.maxEvents ?? Infinity;
    const until = this.#o.durationMs === undefined ? Infinity : Date.now() + this.#o.durationMs;
    const topics = this.#o.topics === undefined ? undefined : new Set(this.#o.topics);
    let produced = 0;
    let n = 0;
    while (produced < max && !signal.aborted && Date.now() < until) {
      let events = this.#gen.next(Math.min(size, max - produced));
      produced += events.length;
      if (topics !== undefined) events = events.filter((e) => topics.has(e.topic));
      yield { events, commit: () => undefined };
      // Let timers (progress, deadlines) run even when every write completes synchronously.
      if (++n % 8 === 0) await yieldToLoop();
    }
  }
}
