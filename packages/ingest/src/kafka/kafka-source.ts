import { Consumer, MessagesStreamFallbackModes, MessagesStreamModes, type Message, type MessagesStream } from "@platformatic/kafka";
import { BadEventError } from "../errors/bad-event-error.js";
import { IngestOptionsError } from "../errors/ingest-options-error.js";
import type { EventMapper, EventSource, PartitionLag, SourceBatch } from "../runtime/ingest-types.js";
import { platformaticBaseOptions, resolveKafkaClientOptions, type KafkaClientOptions, type ResolvedKafkaClientOptions } from "./kafka-client-options.js";
import { toKafkaError } from "./kafka-error-mapping.js";

/** Where a record came from: what a dead-letter sink republishes. */
export interface KafkaRecordOrigin {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** The record key as stored, or undefined when the record had none. */
  readonly key: Buffer | undefined;
  /** The record value as stored. */
  readonly value: Buffer;
}

/** A record whose value is not a JSON object; the mapper refuses it (see `refuseUndecodable`). */
export interface UndecodableRecord extends KafkaRecordOrigin {
  readonly undecodable: string;
}

/** Options of a `KafkaSource`. */
export interface KafkaSourceOptions extends KafkaClientOptions {
  /** The topics to read; the group's members share their partitions. */
  readonly topics: readonly string[];
  /** The consumer group: its committed offsets are where a new run starts. */
  readonly group: string;
  /** Most records per batch handed to the job. @default 5000 */
  readonly batchSize?: number;
  /** Milliseconds a batch waits for more records before it goes out smaller. @default 100 */
  readonly lingerMs?: number;
  /** End after this many records (the rest stays uncommitted for the next run). @default no limit */
  readonly maxRecords?: number;
  /** End when no record arrived for this many milliseconds. @default never: runs until aborted */
  readonly idleMs?: number;
  /** Milliseconds a broker may hold a fetch waiting for records. @default 500 */
  readonly maxWaitMs?: number;
  /**
   * Most bytes one fetch asks of a partition (the Java consumer's `max.partition.fetch.bytes`).
   * Keep it small: @platformatic/kafka 2.12 parses a response by scanning its socket chunks from
   * the first for every field it reads, so parsing costs grow with the square of the response
   * size; the client's own default (its 50 MiB total) read 2-3 times slower here than 1 MiB.
   * @default 1048576 (1 MiB, as the Java consumer)
   */
  readonly maxPartitionFetchBytes?: number;
  /** Most bytes one fetch asks of a broker over all its partitions (`fetch.max.bytes`). @default 52428800 (50 MiB, as the Java consumer) */
  readonly maxFetchBytes?: number;
  /** Milliseconds without a heartbeat before the group gives this member's partitions away. @default 30000 */
  readonly sessionTimeoutMs?: number;
  /**
   * Turns a record's value into an event (e.g. Avro, see `avroCodec`). A throw, or a result that
   * is not an object, makes the record an `UndecodableRecord` whose reason is the error's message;
   * the original bytes are kept for the dead-letter sink. @default JSON of an object
   */
  readonly decode?: (value: Buffer) => object;
}

// The origin of each decoded event, for the dead-letter sink, goes with the event as a private
// field stamped on it (a base constructor that returns the event lets a subclass add its private
// field to it): no reflection, JSON, spread or equality check sees it, and it costs about as much
// as a plain property. A WeakMap entry per record, as before, cost about a third of the source's
// throughput in garbage collection (ephemerons); it stays only for events that take no new
// property (frozen, sealed).
class ReturnsTarget {
  constructor(target: object) {
    return target;
  }
}
class OriginStamp extends ReturnsTarget {
  #origin: KafkaRecordOrigin;
  private constructor(event: object, origin: KafkaRecordOrigin) {
    super(event);
    this.#origin = origin;
  }
  static stamp(event: object, origin: KafkaRecordOrigin): void {
    if (Object.isExtensible(event)) new OriginStamp(event, origin);
    else origins.set(event, origin);
  }
  static of(event: object): KafkaRecordOrigin | undefined {
    return #origin in event ? (event as OriginStamp).#origin : origins.get(event);
  }
}
const origins = new WeakMap<object, KafkaRecordOrigin>();

/** Where `event` was read from, when a `KafkaSource` decoded it. */
export function kafkaRecordOrigin(event: unknown): KafkaRecordOrigin | undefined {
  return typeof event === "object" && event !== null ? OriginStamp.of(event) : undefined;
}

/** True for what a `KafkaSource` yields in place of a record that is not a JSON object. */
export function isUndecodable(event: unknown): event is UndecodableRecord {
  return typeof event === "object" && event !== null && typeof (event as { undecodable?: unknown }).undecodable === "string" && Buffer.isBuffer((event as { value?: unknown }).value);
}

/** `map` for decoded events; an undecodable record becomes a `BadEventError` with its reason. */
export function refuseUndecodable<E>(map: EventMapper<E>): EventMapper<E | UndecodableRecord> {
  return (event) => {
    if (isUndecodable(event)) throw new BadEventError(`${event.topic}[${event.partition}]@${event.offset} ${event.undecodable}`);
    return map(event);
  };
}

type Msg = Message<Buffer, Buffer, Buffer, Buffer>;

/**
 * Reads JSON events from topics as a member of a consumer group. Each batch's `commit` commits,
 * per partition, the offset after its last record there; the job runs commits in source order
 * once the writes holding their events are durable, so the group's offsets never pass what is
 * stored and a new run (or the next owner of a partition) replays from there.
 *
 * On abort it stops fetching and ends; the job flushes and commits; `close` then leaves the group.
 *
 * Rebalances. @platformatic/kafka 2.12 has no hook that runs before it revokes partitions, so
 * nothing can be flushed then; but every commit already runs as soon as its writes are durable,
 * so what is committed for a revoked partition at that moment is what was durable, less the
 * commits in flight. After the group moves partitions:
 * - records of a revoked partition not yet handed to the job are dropped, and records of it that
 *   a fetch in flight still brings are ignored: the new owner reads them from the committed offset;
 * - batches already handed to the job are written (harmless: last write wins), but their commits
 *   leave out every partition revoked since the batch was made, so a late commit never sets the
 *   new owner's offset back;
 * - the consumer re-reads partitions it keeps from their committed offsets; records it already
 *   holds are skipped by offset, so none is handed to the job twice and none is skipped;
 * - the next batch says `ownershipChanged`, and the job forgets the edge times it remembers
 *   (another process may have written those edges meanwhile).
 */
export class KafkaSource<E extends object> implements EventSource<E | UndecodableRecord> {
  readonly name: string;
  readonly #o: ResolvedKafkaClientOptions;
  readonly #options: KafkaSourceOptions;
  readonly #batchSize: number;
  #consumer: Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
  #stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  #closed = false;
  // Records fetched and not yet handed to the job.
  #queue: Msg[] = [];
  // Partitions (`topic\0partition`) this member owns, once the group told it.
  #assigned: Set<string> | undefined;
  // Per partition: how many times it was revoked; a batch commits a partition only if unchanged.
  readonly #revocations = new Map<string, number>();
  // Per partition: the offset of the last record queued, to skip records fetched again.
  readonly #lastQueued = new Map<string, bigint>();
  // `topic\0partition` per topic and partition, made once: the per-record checks look them up.
  readonly #keys = new Map<string, string[]>();
  #ownershipChanged = false;
  #rebalances = 0;
  // batches() returned: the stream stays paused.
  #ended = false;

  constructor(options: KafkaSourceOptions) {
    this.#o = resolveKafkaClientOptions(options);
    if (options.topics.length === 0) throw new IngestOptionsError("topics", "is empty; name at least one topic to read");
    if (options.group === "") throw new IngestOptionsError("group", "is empty; name the consumer group");
    this.#batchSize = positive("batchSize", options.batchSize ?? 5000);
    for (const k of ["lingerMs", "maxRecords", "idleMs", "maxWaitMs", "sessionTimeoutMs", "maxPartitionFetchBytes", "maxFetchBytes"] as const) {
      if (options[k] !== undefined) positive(k, options[k]);
    }
    this.#options = options;
    this.name = `kafka:${options.topics.join(",")}`;
  }

  async *batches(signal: AbortSignal): AsyncGenerator<SourceBatch<E | UndecodableRecord>> {
    if (this.#closed || this.#stream !== undefined) throw new IngestOptionsError("batches", "runs once per KafkaSource; make a new one");
    const stream = await this.#connect();
    let failure: unknown;
    let wake: (() => void) | undefined;
    const poke = (): void => wake?.();
    let firstAt = 0;
    // Idle time runs while the source waits with nothing queued: from the last record's arrival
    // or from when the job came back for more, whichever is later (not while the job works).
    let idleSince = Date.now();
    stream.on("data", (m: Msg) => {
      if (!this.#accept(m)) return;
      const queue = this.#queue;
      if (queue.length === 0) firstAt = Date.now();
      idleSince = Date.now();
      queue.push(m);
      // Backpressure: stop fetching while a couple of batches wait for the job.
      if (queue.length >= 2 * this.#batchSize) stream.pause();
      if (queue.length >= this.#batchSize) poke();
    });
    stream.on("error", (e: unknown) => {
      failure ??= e;
      poke();
    });
    signal.addEventListener("abort", poke, { once: true });
    const linger = this.#options.lingerMs ?? 100;
    const idle = this.#options.idleMs;
    let remaining = this.#options.maxRecords ?? Number.POSITIVE_INFINITY;
    try {
      while (remaining > 0 && !signal.aborted) {
        const queue = this.#queue;
        if (failure !== undefined) throw toKafkaError(failure, this.#o.brokers, `reading ${this.#options.topics.join(", ")}`);
        const now = Date.now();
        // A batch goes out full, or `linger` after its first record arrived.
        if (queue.length >= this.#batchSize || (queue.length > 0 && now - firstAt >= linger)) {
          const taken = queue.splice(0, Math.min(this.#batchSize, remaining));
          remaining -= taken.length;
          firstAt = now;
          if (queue.length < this.#batchSize && stream.isPaused()) stream.resume();
          yield this.#batch(taken);
          idleSince = Date.now();
          continue;
        }
        if (queue.length === 0 && idle !== undefined && now - idleSince >= idle) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => wake?.(), queue.length === 0 ? 200 : linger - (now - firstAt));
          wake = () => {
            clearTimeout(timer);
            wake = undefined;
            resolve();
          };
        });
      }
    } finally {
      // Stop fetching; records fetched and not yielded stay uncommitted: the next run reads them.
      this.#ended = true;
      stream.pause();
      signal.removeEventListener("abort", poke);
    }
  }

  /** Leaves the group and closes the connections; runs once. The job calls it after its last commit. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#stream?.close();
    } finally {
      await this.#consumer?.close(true);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #connect(): Promise<MessagesStream<Buffer, Buffer, Buffer, Buffer>> {
    const o = this.#options;
    this.#consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
      ...platformaticBaseOptions(this.#o),
      groupId: o.group,
      maxWaitTime: o.maxWaitMs ?? 500,
      sessionTimeout: o.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3000, Math.floor((o.sessionTimeoutMs ?? 30_000) / 3)),
    });
    this.#consumer.on("consumer:group:join", () => this.#onAssignment());
    try {
      this.#stream = await this.#consumer.consume({
        topics: [...o.topics],
        mode: MessagesStreamModes.COMMITTED,
        fallbackMode: MessagesStreamFallbackModes.EARLIEST,
        autocommit: false,
        maxBytes: o.maxFetchBytes ?? 52_428_800,
        maxBytesPerPartition: o.maxPartitionFetchBytes ?? 1_048_576,
      });
    } catch (error) {
      await this.#consumer.close(true).catch(() => undefined);
      this.#closed = true;
      throw toKafkaError(error, this.#o.brokers, `joining group ${o.group} on ${o.topics.join(", ")}`);
    }
    return this.#stream;
  }

  /** Rebalances of the consumer group that moved partitions to or from this member. */
  get rebalances(): number {
    return this.#rebalances;
  }

  /** The partitions this member owns now, as `topic/partition`, sorted. */
  get assignment(): string[] {
    return [...(this.#assigned ?? [])].map((k) => k.replace("\u0000", "/")).sort();
  }

  /** The group gave this member its partitions (after joining, or after a rebalance). */
  #onAssignment(): void {
    const now = new Set<string>();
    for (const { topic, partitions } of this.#consumer?.assignments ?? []) for (const p of partitions) now.add(`${topic}\u0000${p}`);
    const before = this.#assigned;
    this.#assigned = now;
    if (before === undefined) return;
    let changed = before.size !== now.size;
    for (const key of before) {
      if (now.has(key)) continue;
      changed = true;
      this.#revocations.set(key, (this.#revocations.get(key) ?? 0) + 1);
      this.#lastQueued.delete(key);
    }
    if (!changed) return;
    this.#rebalances++;
    this.#ownershipChanged = true;
    this.#queue = this.#queue.filter((m) => now.has(this.#key(m.topic, m.partition)));
    // Paused for a full queue that the revocation emptied: fetch again.
    if (this.#queue.length < this.#batchSize && this.#stream?.isPaused() === true && !this.#ended) this.#stream.resume();
  }

  /** `topic\0partition`, the key of a partition in the maps above. */
  #key(topic: string, partition: number): string {
    let keys = this.#keys.get(topic);
    if (keys === undefined) this.#keys.set(topic, (keys = []));
    return (keys[partition] ??= `${topic}\u0000${partition}`);
  }

  /** Whether a fetched record goes to the job: not one of a partition revoked, not one already queued. */
  #accept(m: Msg): boolean {
    const key = this.#key(m.topic, m.partition);
    if (this.#assigned !== undefined && !this.#assigned.has(key)) return false;
    const last = this.#lastQueued.get(key);
    if (last !== undefined && m.offset <= last) return false;
    this.#lastQueued.set(key, m.offset);
    return true;
  }

  #batch(messages: readonly Msg[]): SourceBatch<E | UndecodableRecord> {
    const events = messages.map((m) => decode<E>(m, this.#options.decode));
    const last = new Map<string, Msg>();
    for (const m of messages) last.set(this.#key(m.topic, m.partition), m);
    const consumer = this.#consumer!;
    const made = new Map([...last.keys()].map((k) => [k, this.#revocations.get(k) ?? 0]));
    const ownershipChanged = this.#ownershipChanged;
    this.#ownershipChanged = false;
    return {
      events,
      ownershipChanged,
      commit: async () => {
        // A partition revoked since this batch was made belongs to another member now: its
        // offset is that member's to move (it replays from what was committed before).
        const offsets = [...last].filter(([k]) => (this.#revocations.get(k) ?? 0) === made.get(k))
          .map(([, m]) => ({ topic: m.topic, partition: m.partition, offset: m.offset + 1n, leaderEpoch: m.leaderEpoch }));
        if (offsets.length === 0) return;
        try {
          await consumer.commit({ offsets });
        } catch (error) {
          throw toKafkaError(error, this.#o.brokers, `committing offsets of group ${this.#options.group}`);
        }
      },
    };
  }

  /**
   * Consumer lag of the partitions this member owns now: each one's end offset minus the group's
   * committed offset (records read but not yet durable count as lag). Empty before the group is
   * joined, during a rejoin and after close. One call asks the brokers for every topic's end offsets.
   */
  async lag(): Promise<PartitionLag[]> {
    const consumer = this.#consumer;
    if (consumer === undefined || this.#closed || !consumer.isActive()) return [];
    let offsets: Map<string, bigint[]>;
    try {
      offsets = await consumer.getLag({ topics: [...this.#options.topics] });
    } catch (error) {
      throw toKafkaError(error, this.#o.brokers, `reading the lag of group ${this.#options.group}`);
    }
    const lags: PartitionLag[] = [];
    for (const [topic, partitions] of offsets) {
      // A negative figure marks a partition another member owns.
      partitions.forEach((lag, partition) => {
        if (lag >= 0n) lags.push({ topic, partition, lag: Number(lag) });
      });
    }
    return lags;
  }
}

function decode<E extends object>(m: Msg, decoder: ((value: Buffer) => object) | undefined): E | UndecodableRecord {
  const origin: KafkaRecordOrigin = { topic: m.topic, partition: m.partition, offset: m.offset, key: m.key ?? undefined, value: m.value ?? Buffer.alloc(0) };
  let parsed: unknown;
  try {
    parsed = decoder === undefined ? JSON.parse(origin.value.toString("utf8")) : decoder(origin.value);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...origin, undecodable: decoder === undefined ? `is not JSON (${message})` : message };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    const got = Array.isArray(parsed) ? "array" : parsed === null ? "null" : typeof parsed;
    return { ...origin, undecodable: decoder === undefined ? `is JSON but not an object (${got})` : `decoded to ${got}, not an object` };
  }
  OriginStamp.stamp(parsed, origin);
  return parsed as E;
}

function positive(option: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new IngestOptionsError(option, `must be a positive integer, got ${n}`);
  return n;
}
