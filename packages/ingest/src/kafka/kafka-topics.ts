import { Admin } from "@platformatic/kafka";
import { IngestError } from "../errors/ingest-error.js";
import { IngestOptionsError } from "../errors/ingest-options-error.js";
import { platformaticBaseOptions, resolveKafkaClientOptions, type KafkaClientOptions, type ResolvedKafkaClientOptions } from "./kafka-client-options.js";
import { toKafkaError } from "./kafka-error-mapping.js";
import { formatErrorMessage } from "@rdg/model";

/** Options of `KafkaTopics`: how to reach Kafka, or a ready admin client. */
export interface KafkaTopicsOptions extends KafkaClientOptions {
  /** A ready `@platformatic/kafka` admin client; `close()` leaves it open. @default one made from the options */
  readonly admin?: Admin;
}

/** How `ensure` creates the topics that are missing. */
export interface EnsureTopicsOptions {
  /** Partitions of each topic created; a job's parallelism is its topic's partitions. @default 6 */
  readonly partitions?: number;
  /** Replicas of each topic created; at most the number of brokers. @default 1 */
  readonly replicas?: number;
}

/** One topic after `ensure`. */
export interface EnsuredTopic {
  readonly topic: string;
  readonly partitions: number;
  /** True when `ensure` created it; false when it existed and was left as it was. */
  readonly created: boolean;
}

/** What `ensure` did. */
export interface EnsuredTopics {
  readonly topics: readonly EnsuredTopic[];
  /** One line per existing topic whose partition count differs from the one asked for. */
  readonly notices: readonly string[];
}

/**
 * Creates and inspects topics through Kafka's admin API. `ensure` creates the missing topics
 * with a chosen partition count and leaves existing ones as they are (a notice says when their
 * partition count differs: Kafka cannot lower it, and raising it moves keys between partitions).
 */
export class KafkaTopics {
  readonly #o: ResolvedKafkaClientOptions;
  readonly #admin: Admin;
  readonly #owned: boolean;
  #closed = false;

  constructor(options: KafkaTopicsOptions = {}) {
    this.#o = resolveKafkaClientOptions(options);
    this.#owned = options.admin === undefined;
    this.#admin = options.admin ?? new Admin(platformaticBaseOptions(this.#o));
  }

  /** The partition count of each of `topics` that exists; a missing topic is absent from the map. */
  async partitions(topics: readonly string[]): Promise<Map<string, number>> {
    this.#check();
    return this.#call(`reading the partitions of ${topics.join(", ")}`, async () => {
      const existing = new Set(await this.#admin.listTopics());
      const present = topics.filter((t) => existing.has(t));
      const counts = new Map<string, number>();
      if (present.length === 0) return counts;
      const metadata = await this.#admin.metadata({ topics: present, forceUpdate: true });
      for (const t of present) counts.set(t, metadata.topics.get(t)?.partitionsCount ?? 0);
      return counts;
    });
  }

  /** Creates the missing `topics`; existing ones stay as they are. */
  async ensure(topics: readonly string[], options: EnsureTopicsOptions = {}): Promise<EnsuredTopics> {
    this.#check();
    const partitions = options.partitions ?? 6;
    const replicas = options.replicas ?? 1;
    if (!Number.isInteger(partitions) || partitions < 1) throw new IngestOptionsError("partitions", `must be a positive integer, got ${partitions}`);
    if (!Number.isInteger(replicas) || replicas < 1) throw new IngestOptionsError("replicas", `must be a positive integer, got ${replicas}`);
    const before = await this.partitions(topics);
    const missing = topics.filter((t) => !before.has(t));
    if (missing.length > 0) {
      await this.#call(`creating topics ${missing.join(", ")}`, async () => {
        try {
          await this.#admin.createTopics({ topics: missing, partitions, replicas });
        } catch (error) {
          // Another process may have created some of them meanwhile: that is no failure.
          const now = await this.partitions(missing);
          if (now.size < missing.length) throw error;
        }
      });
    }
    let after = missing.length > 0 ? await this.partitions(topics) : before;
    // A new topic reaches the metadata a moment after its creation (later on a loaded broker):
    // wait for it, so that what ensure returns is there for whoever asks next.
    for (const until = Date.now() + 15_000; missing.some((t) => !after.has(t)) && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 100));
      after = await this.partitions(topics);
    }
    const result = topics.map((topic) => ({ topic, partitions: after.get(topic) ?? partitions, created: !before.has(topic) }));
    const notices = result
      .filter((t) => !t.created && t.partitions !== partitions)
      .map((t) => `topic ${t.topic} exists with ${t.partitions} partitions, not ${partitions}; it is left as it is (delete it to recreate it with ${partitions})`);
    return { topics: result, notices };
  }

  /**
   * The offsets consumer group `group` committed on `topics`, as `topic/partition` -> offset
   * (partitions without a commit are absent), and their sum: how many records the group has
   * durably consumed when its topics start at offset 0.
   */
  async committed(group: string, topics: readonly string[]): Promise<{ offsets: Map<string, bigint>; total: bigint }> {
    this.#check();
    return this.#call(`reading the offsets group ${group} committed`, async () => {
      const [found] = await this.#admin.listConsumerGroupOffsets({ groups: [group] });
      const wanted = new Set(topics);
      const offsets = new Map<string, bigint>();
      let total = 0n;
      for (const t of found?.topics ?? []) {
        if (!wanted.has(t.name)) continue;
        for (const p of t.partitions) {
          if (p.committedOffset < 0n) continue;
          offsets.set(`${t.name}/${p.partitionIndex}`, p.committedOffset);
          total += p.committedOffset;
        }
      }
      return { offsets, total };
    });
  }

  /** Deletes `topics` (those that exist); for tests and resets. */
  async delete(topics: readonly string[]): Promise<void> {
    this.#check();
    const existing = await this.partitions(topics);
    if (existing.size === 0) return;
    await this.#call(`deleting topics ${[...existing.keys()].join(", ")}`, () => this.#admin.deleteTopics({ topics: [...existing.keys()] }));
  }

  /** Closes the admin client it made; later calls throw. Runs once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#owned) await this.#admin.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #check(): void {
    if (this.#closed) throw new IngestError("INVALID_ARGUMENT", formatErrorMessage("ingest", "KafkaTopics", "is closed; make a new one"));
  }

  async #call<T>(doing: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (error) {
      throw toKafkaError(error, this.#o.brokers, doing);
    }
  }
}
