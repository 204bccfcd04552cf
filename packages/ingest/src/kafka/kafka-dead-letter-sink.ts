import { Producer, ProduceAcks, stringSerializer } from "@platformatic/kafka";
import { IngestOptionsError } from "../errors/ingest-options-error.js";
import type { DeadLetterSink } from "../runtime/ingest-types.js";
import { platformaticBaseOptions, resolveKafkaClientOptions, type KafkaClientOptions, type ResolvedKafkaClientOptions } from "./kafka-client-options.js";
import { toKafkaError } from "./kafka-error-mapping.js";
import { isUndecodable, kafkaRecordOrigin, type KafkaRecordOrigin } from "./kafka-source.js";

/** Options of a `KafkaDeadLetterSink`. */
export interface KafkaDeadLetterSinkOptions extends KafkaClientOptions {
  /** The dead-letter topic; create it first (e.g. with `KafkaTopics.ensure`). */
  readonly topic: string;
}

/** The headers of a dead letter, each a UTF-8 string. */
export const DEAD_LETTER_HEADERS: { readonly sourceTopic: string; readonly sourcePartition: string; readonly sourceOffset: string; readonly reason: string } = Object.freeze({
  sourceTopic: "rdg-source-topic",
  sourcePartition: "rdg-source-partition",
  sourceOffset: "rdg-source-offset",
  reason: "rdg-reason",
});

/**
 * Publishes each bad event to a dead-letter topic: the original record's key and bytes when a
 * `KafkaSource` read it (also for records that did not decode), else the event's JSON with no
 * key; headers `rdg-source-topic`, `rdg-source-partition`, `rdg-source-offset` (empty when the
 * event came from elsewhere) and `rdg-reason`. `send` resolves once the broker acknowledged the
 * letter, so the job commits past a bad event only when its letter is stored.
 */
export class KafkaDeadLetterSink<E> implements DeadLetterSink<E> {
  readonly topic: string;
  readonly #o: ResolvedKafkaClientOptions;
  readonly #producer: Producer<Buffer, Buffer, string, string>;
  #sent = 0;
  #closed = false;

  constructor(options: KafkaDeadLetterSinkOptions) {
    this.#o = resolveKafkaClientOptions(options);
    if (options.topic === "") throw new IngestOptionsError("deadLetterTopic", "is empty; name the dead-letter topic");
    this.topic = options.topic;
    this.#producer = new Producer<Buffer, Buffer, string, string>({
      ...platformaticBaseOptions(this.#o),
      // Idempotent, like KafkaEventProducer: a retried request neither duplicates nor reorders letters.
      retries: Math.max(this.#o.retries, 2),
      idempotent: true,
      acks: ProduceAcks.ALL,
      serializers: { headerKey: stringSerializer, headerValue: stringSerializer },
    });
  }

  /** Dead letters acknowledged so far. */
  get sent(): number {
    return this.#sent;
  }

  async send(event: E, reason: string): Promise<void> {
    const origin: KafkaRecordOrigin | undefined = kafkaRecordOrigin(event) ?? (isUndecodable(event) ? event : undefined);
    const headers = new Map<string, string>([
      [DEAD_LETTER_HEADERS.sourceTopic, origin?.topic ?? ""],
      [DEAD_LETTER_HEADERS.sourcePartition, origin === undefined ? "" : String(origin.partition)],
      [DEAD_LETTER_HEADERS.sourceOffset, origin === undefined ? "" : String(origin.offset)],
      [DEAD_LETTER_HEADERS.reason, reason],
    ]);
    const value = origin?.value ?? Buffer.from(JSON.stringify(event));
    try {
      await this.#producer.send({ messages: [{ topic: this.topic, key: origin?.key, value, headers }] });
    } catch (error) {
      throw toKafkaError(error, this.#o.brokers, `sending a dead letter to ${this.topic}`);
    }
    this.#sent++;
  }

  /** Closes the producer; runs once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#producer.close(true);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
