import type { BaseOptions } from "@platformatic/kafka";
import { IngestOptionsError } from "../errors/ingest-options-error.js";

/** The broker `services/kafka.sh start` runs: the default of every Kafka client of RDG. */
export const DEFAULT_KAFKA_BROKERS: readonly string[] = Object.freeze(["127.0.0.1:19092"]);

/** How to reach Kafka; shared by the producer and the topic admin. */
export interface KafkaClientOptions {
  /** Bootstrap brokers, `host:port` each. @default ["127.0.0.1:19092"] (services/kafka.sh) */
  readonly brokers?: readonly string[];
  /** Client id the brokers log and quote. @default "rdg" */
  readonly clientId?: string;
  /** Milliseconds to open a connection to a broker. @default 5000 */
  readonly connectTimeoutMs?: number;
  /** Milliseconds a broker may take to answer one request. @default 30000 */
  readonly requestTimeoutMs?: number;
  /**
   * Retries of a request that failed for a retryable reason (connection, leader change); the
   * producer makes at least 2. @default 3
   */
  readonly retries?: number;
  /** Milliseconds between those retries. @default 250 */
  readonly retryDelayMs?: number;
}

/** `KafkaClientOptions` checked, with every default filled in. */
export type ResolvedKafkaClientOptions = Required<KafkaClientOptions>;

const HOST_PORT = /^[A-Za-z0-9.-]+:(\d{1,5})$|^\[[0-9A-Fa-f:]+\]:(\d{1,5})$/;

/** Checks the options (`IngestOptionsError` names the one at fault) and fills in the defaults. */
export function resolveKafkaClientOptions(o: KafkaClientOptions): ResolvedKafkaClientOptions {
  const brokers = o.brokers ?? DEFAULT_KAFKA_BROKERS;
  if (brokers.length === 0) throw new IngestOptionsError("brokers", "is empty; give at least one bootstrap broker as host:port, e.g. 127.0.0.1:19092");
  for (const b of brokers) {
    const m = HOST_PORT.exec(b);
    const port = Number(m?.[1] ?? m?.[2]);
    if (m === null || port < 1 || port > 65_535) throw new IngestOptionsError("brokers", `"${b}" is not host:port; give each bootstrap broker as host:port, e.g. 127.0.0.1:19092`);
  }
  const resolved = {
    brokers: Object.freeze([...brokers]),
    clientId: o.clientId ?? "rdg",
    connectTimeoutMs: o.connectTimeoutMs ?? 5000,
    requestTimeoutMs: o.requestTimeoutMs ?? 30_000,
    retries: o.retries ?? 3,
    retryDelayMs: o.retryDelayMs ?? 250,
  };
  for (const k of ["connectTimeoutMs", "requestTimeoutMs", "retryDelayMs"] as const) positive(k, resolved[k]);
  if (!Number.isInteger(resolved.retries) || resolved.retries < 0) throw new IngestOptionsError("retries", `must be an integer of 0 or more, got ${resolved.retries}`);
  return Object.freeze(resolved);
}

/** The `@platformatic/kafka` client options for these. */
export function platformaticBaseOptions(o: ResolvedKafkaClientOptions): BaseOptions {
  return {
    clientId: o.clientId,
    bootstrapBrokers: [...o.brokers],
    connectTimeout: o.connectTimeoutMs,
    timeout: o.requestTimeoutMs,
    retries: o.retries,
    retryDelay: o.retryDelayMs,
  };
}

function positive(option: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new IngestOptionsError(option, `must be a positive integer of milliseconds, got ${value}`);
}
