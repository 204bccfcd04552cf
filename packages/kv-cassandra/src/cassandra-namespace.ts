import { KV_LIMITS, type NamespaceConfig } from "@rdg/kv";
import { types, type QueryOptions } from "cassandra-driver";
import { optionError } from "./cassandra-errors.js";
import { CASSANDRA_KV_DEFAULTS, type CassandraConsistency, type CassandraKvStoreOptions, type CassandraNamespaceConfig, type CassandraReplication } from "./cassandra-kv-store-options.js";
import { MAX_TTL_SECONDS } from "./cassandra-codec.js";
import { isValidName, tableNameFor } from "./cassandra-schema.js";
import { cassandraStatements, type CassandraStatements } from "./cassandra-statements.js";

/** Everything the store needs about one namespace, resolved once. */
export interface CassandraNamespace {
  readonly name: string;
  /** What the shared argument checks read (TTL, value limit). */
  readonly config: NamespaceConfig;
  readonly keyspace: string;
  readonly table: string;
  readonly replication: CassandraReplication;
  readonly cql: CassandraStatements;
  /** Driver options, made once and reused by every call of the namespace. */
  readonly readOptions: QueryOptions;
  readonly writeOptions: QueryOptions;
  readonly batchOptions: QueryOptions;
  readonly scanOptions: QueryOptions;
  /** Set once the table is known to exist, so the hot path skips the schema check. */
  ready: boolean;
}

const CONSISTENCIES: ReadonlySet<string> = new Set(["any", "one", "two", "three", "quorum", "all", "localQuorum", "eachQuorum", "localOne"]);
const SCAN_PAGE_ROWS = 1000;

function checkConsistency(value: unknown, option: string, read: boolean): CassandraConsistency {
  if (typeof value !== "string" || !CONSISTENCIES.has(value)) {
    throw optionError(option, `must be one of ${[...CONSISTENCIES].join(", ")}, got ${JSON.stringify(value)}`);
  }
  if (read && value === "any") throw optionError(option, 'cannot be "any": Cassandra accepts ANY for writes only');
  return value as CassandraConsistency;
}

export function checkKeyspace(value: unknown, option: string): string {
  if (!isValidName(value)) throw optionError(option, `must be 1-48 characters of A-Z a-z 0-9 _ starting with a letter, got ${JSON.stringify(value)}`);
  return value;
}

export function checkReplication(value: unknown, option: string): CassandraReplication {
  if (typeof value !== "object" || value === null || typeof (value as { class?: unknown }).class !== "string") {
    throw optionError(option, `must be an object with a "class", e.g. { class: "SimpleStrategy", replication_factor: 1 }, got ${JSON.stringify(value)}`);
  }
  for (const [k, v] of Object.entries(value)) {
    if (!/^[A-Za-z0-9_.-]+$/.test(k) || (typeof v !== "string" && typeof v !== "number") || !/^[A-Za-z0-9_.:-]+$/.test(String(v))) {
      throw optionError(option, `has an invalid entry ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    }
  }
  return Object.freeze({ ...(value as CassandraReplication) });
}

export function checkNamespaceConfig(config: CassandraNamespaceConfig, option: string): void {
  if (typeof config !== "object" || config === null) throw optionError(option, "must be an object");
  if (config.keyspace !== undefined) checkKeyspace(config.keyspace, `${option}.keyspace`);
  if (config.replication !== undefined) checkReplication(config.replication, `${option}.replication`);
  if (config.table !== undefined && !isValidName(config.table)) {
    throw optionError(`${option}.table`, `must be 1-48 characters of A-Z a-z 0-9 _ starting with a letter, got ${JSON.stringify(config.table)}`);
  }
  if (config.readConsistency !== undefined) checkConsistency(config.readConsistency, `${option}.readConsistency`, true);
  if (config.writeConsistency !== undefined) checkConsistency(config.writeConsistency, `${option}.writeConsistency`, false);
  if (config.ttlMs !== undefined && (typeof config.ttlMs !== "number" || !(config.ttlMs > 0) || config.ttlMs / 1000 > MAX_TTL_SECONDS)) {
    throw optionError(`${option}.ttlMs`, `must be a positive number of milliseconds up to 20 years, got ${String(config.ttlMs)}`);
  }
  if (config.maxValueBytes !== undefined && (!Number.isInteger(config.maxValueBytes) || config.maxValueBytes < 1)) {
    throw optionError(`${option}.maxValueBytes`, `must be a positive integer, got ${String(config.maxValueBytes)}`);
  }
}

/** Validated store-wide settings that namespaces inherit. */
export interface NamespaceDefaults {
  readonly keyspace: string;
  readonly replication: CassandraReplication;
  readonly readConsistency: CassandraConsistency;
  readonly writeConsistency: CassandraConsistency;
}

export function namespaceDefaults(options: CassandraKvStoreOptions): NamespaceDefaults {
  const d = CASSANDRA_KV_DEFAULTS;
  return Object.freeze({
    keyspace: checkKeyspace(options.keyspace ?? d.keyspace, "keyspace"),
    replication: checkReplication(options.replication ?? d.replication, "replication"),
    readConsistency: checkConsistency(options.readConsistency ?? d.readConsistency, "readConsistency", true),
    writeConsistency: checkConsistency(options.writeConsistency ?? d.writeConsistency, "writeConsistency", false),
  });
}

/** Resolves a (validated) namespace configuration over the store defaults. */
export function resolveNamespace(name: string, config: CassandraNamespaceConfig, defaults: NamespaceDefaults): CassandraNamespace {
  const keyspace = config.keyspace ?? defaults.keyspace;
  const table = config.table ?? tableNameFor(name);
  const read = types.consistencies[config.readConsistency ?? defaults.readConsistency];
  const write = types.consistencies[config.writeConsistency ?? defaults.writeConsistency];
  // Every write carries its own timestamp, so replaying one is harmless: idempotent, and the
  // driver may retry it on another host.
  return {
    name,
    config: { ttlMs: config.ttlMs, maxValueBytes: config.maxValueBytes ?? KV_LIMITS.defaultMaxValueBytes },
    keyspace,
    table,
    replication: config.replication ?? defaults.replication,
    cql: cassandraStatements(keyspace, table),
    // A page may be up to maxPageLimit + 1 rows; the LIMIT of each query bounds it, the fetch size must not cut it.
    readOptions: { prepare: true, consistency: read, isIdempotent: true, fetchSize: KV_LIMITS.maxPageLimit + 1 },
    writeOptions: { prepare: true, consistency: write, isIdempotent: true },
    batchOptions: { prepare: true, consistency: write, isIdempotent: true, logged: false },
    scanOptions: { prepare: true, consistency: read, isIdempotent: true, fetchSize: SCAN_PAGE_ROWS },
    ready: false,
  };
}
