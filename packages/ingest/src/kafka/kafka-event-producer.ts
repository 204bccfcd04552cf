import { Producer, ProduceAcks, compatibilityPartitioner, type MessageToProduce } from "@platformatic/kafka";
import { formatErrorMessage } from "@rdg/model";
import { IngestError } from "../errors/ingest-error.js";
import { IngestOptionsError } from "../errors/ingest-options-error.js";
import { platformaticBaseOptions, resolveKafkaClientOptions, type KafkaClientOptions, type ResolvedKafkaClientOptions } from "./kafka-client-options.js";
import { toKafkaError } from "./kafka-error-mapping.js";

/** Options of a `KafkaEventProducer`. */
export interface KafkaEventProducerOptions<E> extends KafkaClientOptions {
  /** The topic an event is published to. */
  readonly topicOf: (event: E) => string;
  /** The record key of an event: events of one key go to one partition, in the order sent. */
  readonly keyOf: (event: E) => string;
  /** The record value of an event, as text. Give this or `encode`. @default JSON.stringify */
  readonly serialize?: (event: E) => string;
  /**
   * The record value of an event, as bytes, given the topic it goes to (e.g. Avro with the
   * topic's schema, see `avroCodec`). A throw fails `send` before anything of its batch is sent.
   * Give this or `serialize`. @default JSON.stringify, as UTF-8
   */
  readonly encode?: (event: E, topic: string) => Uint8Array;
  /** Events per produce request. @default 1000 */
  readonly batchSize?: number;
}

/** What a producer has published so far. */
export interface KafkaProducerStats {
  /** Events the brokers acknowledged (every in-sync replica has them). */
  readonly acknowledged: number;
  /** Events handed to `send` and not acknowledged yet. */
  readonly pending: number;
  /** Produce requests acknowledged. */
  readonly requests: number;
  /** Acknowledged events per topic. */
  readonly perTopic: Readonly<Record<string, number>>;
}

type OutRecord = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

/**
 * Publishes events to Kafka, keyed so that one key's events stay in order in one partition.
 * The producer is idempotent (acks from every in-sync replica, sequence numbers), so a retried
 * request neither duplicates nor reorders records; keys are placed by the same murmur2 hash as
 * Kafka's Java client, so other producers of the same keys agree on partitions. Record
 * timestamps are the send time: the event time stays in the payload (brokers refuse timestamps
 * far ahead of their clock, and generated events run ahead).
 *
 * `send` batches and returns once the events are under way (waiting while the request before
 * is: one at a time keeps each key's order); `flush` waits until all are acknowledged; `close` flushes and closes. After a
 * failed request every later call throws that request's `KafkaError`: the order of what follows
 * could no longer be promised.
 */
export class KafkaEventProducer<E> {
  readonly #o: ResolvedKafkaClientOptions;
  readonly #topicOf: (event: E) => string;
  readonly #keyOf: (event: E) => string;
  readonly #encode: (event: E, topic: string) => Buffer;
  readonly #batchSize: number;
  readonly #producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #perTopic: Record<string, number> = Object.create(null) as Record<string, number>;
  #acknowledged = 0;
  #pending = 0;
  #requests = 0;
  #failure: unknown = undefined;
  #closed = false;

  constructor(options: KafkaEventProducerOptions<E>) {
    this.#o = resolveKafkaClientOptions(options);
    this.#topicOf = options.topicOf;
    this.#keyOf = options.keyOf;
    if (options.serialize !== undefined && options.encode !== undefined) throw new IngestOptionsError("encode", "and serialize are both given; give one: encode for bytes, serialize for text");
    this.#encode = encoder(options);
    this.#batchSize = checked("batchSize", options.batchSize ?? 1000);
    this.#producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
      ...platformaticBaseOptions(this.#o),
      // The idempotent producer reads 0 or 1 retries as "retry forever".
      retries: Math.max(this.#o.retries, 2),
      idempotent: true,
      acks: ProduceAcks.ALL,
      partitioner: compatibilityPartitioner,
    });
  }

  /** The bootstrap brokers. */
  get brokers(): readonly string[] {
    return this.#o.brokers;
  }

  /** Counts so far. */
  stats(): KafkaProducerStats {
    return { acknowledged: this.#acknowledged, pending: this.#pending, requests: this.#requests, perTopic: { ...this.#perTopic } };
  }

  /**
   * Queues `events` in order, in requests of `batchSize`; resolves when they are under way, not
   * when acknowledged (see `flush`). Throws the `KafkaError` of an earlier failed request.
   */
  async send(events: readonly E[]): Promise<void> {
    this.#check();
    for (let i = 0; i < events.length; i += this.#batchSize) {
      const records = events.slice(i, i + this.#batchSize).map((e) => this.#record(e));
      // One request at a time: with several under way, @platformatic/kafka 2.12 wrote records
      // twice (while the idempotent producer got its id) and out of order within a key (seen
      // against Kafka 4.4 by test/kafka-producer.test.ts). The next batch is built meanwhile.
      while (this.#inFlight.size > 0) await Promise.race(this.#inFlight);
      this.#check();
      this.#dispatch(records);
    }
  }

  /** Resolves when every event sent so far is acknowledged; throws the first failure. */
  async flush(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
    if (this.#failure !== undefined) throw this.#failure;
  }

  /**
   * Waits for what is under way, then closes the connections; runs once, later calls return.
   * Throws the first failed request's error after closing.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
    } finally {
      await this.#producer.close(true);
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #record(e: E): OutRecord {
    const topic = this.#topicOf(e);
    return { topic, key: Buffer.from(this.#keyOf(e)), value: this.#encode(e, topic) };
  }

  #dispatch(records: OutRecord[]): void {
    this.#pending += records.length;
    const done = this.#producer.send({ messages: records }).then(
      () => {
        this.#requests++;
        this.#acknowledged += records.length;
        for (const r of records) this.#perTopic[r.topic] = (this.#perTopic[r.topic] ?? 0) + 1;
      },
      (error: unknown) => {
        this.#failure ??= toKafkaError(error, this.#o.brokers, `sending ${records.length} events to ${[...new Set(records.map((r) => r.topic))].join(", ")}`);
      },
    ).finally(() => {
      this.#pending -= records.length;
      this.#inFlight.delete(done);
    });
    this.#inFlight.add(done);
  }

  #check(): void {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#closed) throw new IngestError("INVALID_ARGUMENT", formatErrorMessage("ingest", "KafkaEventProducer", "is closed; make a new one"));
  }
}

function encoder<E>(o: KafkaEventProducerOptions<E>): (event: E, topic: string) => Buffer {
  const { encode, serialize = JSON.stringify } = o;
  if (encode === undefined) return (e) => Buffer.from(serialize(e));
  return (e, topic) => {
    const bytes = encode(e, topic);
    return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

function checked(option: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new IngestOptionsError(option, `must be a positive integer, got ${n}`);
  return n;
}
