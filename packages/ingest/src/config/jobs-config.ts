import type { Schema } from "@rdg/model";
import type { AvroCodec } from "../codec/avro-codec.js";
import type { EventMapper } from "../runtime/ingest-types.js";

/** Payload formats a job decodes. */
export type JobFormat = "json" | "avro";

/** What maps a job's events to mutations, and the graph schema those mutations fit. */
export interface JobProcessor {
  /** `member-journey` (built in), or the absolute path of the module it came from. */
  readonly name: string;
  readonly map: EventMapper<object>;
  readonly schema: Schema;
}

/** How the jobs reach Kafka. */
export interface JobsKafkaConfig {
  /** Bootstrap brokers, `host:port` each. */
  readonly brokers: readonly string[];
  /** Client id the brokers log. @default "rdg-ingest" */
  readonly clientId?: string;
}

/**
 * One job of a configuration file, checked and loaded: one topic read by one consumer group
 * into one store. Paths are absolute (resolved against the configuration file's directory).
 */
export interface JobConfig<S> {
  readonly name: string;
  readonly topic: string;
  /** The consumer group; its committed offsets are where the job resumes. */
  readonly group: string;
  readonly format: JobFormat;
  /** The `.avsc` file (format avro). */
  readonly schemaFile?: string;
  /** The codec of that schema (format avro). */
  readonly avro?: AvroCodec;
  readonly processor: JobProcessor;
  /** The event field holding the event time in milliseconds; dots reach into nested records (`meta.time`). */
  readonly eventTimeField: string;
  /** Coalescing window in event time, ms. @default the job's (60000) */
  readonly coalesceWindowMs?: number;
  /** Most events per batch read and per graph write. @default the job's */
  readonly batchSize?: number;
  /** Graph writes in flight at once. @default the job's (2) */
  readonly concurrency?: number;
  /** Where refused events go, with the original key and bytes. @default none: the runner's fallback sink */
  readonly deadLetterTopic?: string;
  /** The store, as the store parser returned it. */
  readonly store: S;
  /** Where the store lives (the parser's `key`): jobs with one key share one opened store. */
  readonly storeKey: string;
}

/** A jobs configuration file, checked and loaded. */
export interface JobsConfig<S> {
  /** The file, as given to `loadJobsConfig`. */
  readonly file: string;
  readonly kafka: JobsKafkaConfig;
  readonly jobs: readonly JobConfig<S>[];
}

/**
 * How the configuration's `store` entries are checked, kept out of `@rdg/ingest` so that it
 * depends on no store: `@rdg/stores` gives `{ parse: parseStoreConfig, key: storeKey }`.
 */
export interface StoreConfigParser<S> {
  /** Checks `value`; throws an error whose `field` names the place at fault (it starts with `where`). */
  parse(value: unknown, where: string, options: { readonly baseDir: string }): S;
  /** Where a store lives: configurations with one key are one store. */
  key(store: S): string;
}
