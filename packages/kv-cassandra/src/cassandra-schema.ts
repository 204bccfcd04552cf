import { createHash } from "node:crypto";
import type { Client } from "cassandra-driver";
import { toKvError } from "./cassandra-errors.js";
import type { CassandraReplication } from "./cassandra-kv-store-options.js";
import { createKeyspaceCql } from "./cassandra-statements.js";

/** Cassandra's limit on keyspace and table names. */
export const MAX_NAME_LENGTH = 48;
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;
const HASH_CHARS = 10;

/** True when `name` is a valid keyspace or table name (letters, digits, `_`, 48 at most). */
export const isValidName = (name: unknown): name is string => typeof name === "string" && NAME.test(name);

/**
 * The table of a namespace: `kv_` + the namespace lowercased with every run of other
 * characters as `_`, cut to fit, + `_` + 10 hex characters of its SHA-256. Namespaces may hold
 * `.`, `:`, `-` and capitals, which table names may not; the hash keeps `a.b` and `a_b`
 * (or `A` and `a`) apart, and the readable part lets an operator find a namespace's table.
 * Deterministic: every process maps a namespace to the same table.
 */
export function tableNameFor(namespace: string): string {
  const hash = createHash("sha256").update(namespace).digest("hex").slice(0, HASH_CHARS);
  const room = MAX_NAME_LENGTH - "kv_".length - 1 - HASH_CHARS;
  const readable = namespace.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, room).replace(/_+$/, "");
  return readable.length === 0 ? `kv_${hash}` : `kv_${readable}_${hash}`;
}

/**
 * Schema created by this process, per client: a keyspace or table is created once per
 * process (per client), and a failed attempt is forgotten so the next call tries again.
 */
const created = new WeakMap<Client, Map<string, Promise<void>>>();

function once(client: Client, key: string, create: () => Promise<void>): Promise<void> {
  const done = created.get(client) ?? new Map<string, Promise<void>>();
  created.set(client, done);
  let pending = done.get(key);
  if (pending === undefined) {
    pending = create();
    done.set(key, pending);
    pending.catch(() => done.delete(key));
  }
  return pending;
}

/**
 * Creates a namespace's keyspace and table if absent. The driver waits for schema agreement
 * after each schema change (`protocolOptions.maxSchemaAgreementWaitSeconds`), so the table is
 * usable on every node once this resolves.
 */
export function ensureTable(client: Client, keyspace: string, replication: CassandraReplication, table: string, createTableCql: string): Promise<void> {
  return once(client, `${keyspace}.${table}`, async () => {
    await once(client, keyspace, () => runDdl(client, createKeyspaceCql(keyspace, replication), `create keyspace "${keyspace}"`));
    await runDdl(client, createTableCql, `create table "${keyspace}"."${table}"`);
  });
}

async function runDdl(client: Client, cql: string, what: string): Promise<void> {
  try {
    await client.execute(cql);
  } catch (error) {
    throw toKvError(error, what);
  }
}
