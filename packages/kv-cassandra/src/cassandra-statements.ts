import type { CassandraReplication } from "./cassandra-kv-store-options.js";

/** Columns every read returns, aliased so rows are read by stable names. */
const COLUMNS = "key, value, WRITETIME(value) AS wt, TTL(value) AS ttl";

/** Range reads by which bounds are present and the direction: index `lower | upper << 1 | reverse << 2`. */
export const RANGE_LOWER = 1;
export const RANGE_UPPER = 2;
export const RANGE_REVERSE = 4;

/** The CQL of one namespace's table, built once per namespace and prepared on first use. */
export interface CassandraStatements {
  readonly createTable: string;
  /** Params: id, key, value, timestamp, ttl seconds (0: none). */
  readonly insert: string;
  /** Params: timestamp, id, key. */
  readonly deleteKey: string;
  /** Params: timestamp, id, keys. */
  readonly deleteKeys: string;
  /** Params: timestamp, id, start (inclusive). */
  readonly deleteFrom: string;
  /** Params: timestamp, id, end (exclusive). */
  readonly deleteBelow: string;
  /** Params: timestamp, id, start, end. */
  readonly deleteBetween: string;
  /** Params: timestamp, id. */
  readonly deleteRecord: string;
  /** Params: id, key. */
  readonly selectKey: string;
  /** Params: id, keys. */
  readonly selectKeys: string;
  /** Params: id, [lower], [upper], limit; indexed by `RANGE_*` flags. */
  readonly selectRange: readonly string[];
  /** Params: id. */
  readonly count: string;
  /** Whole table, paged by the driver. */
  readonly scan: string;
}

/** Double-quoted CQL identifier (names are validated to `[A-Za-z0-9_]`, so no escaping is needed). */
export const quoteName = (name: string): string => `"${name}"`;

export function createKeyspaceCql(keyspace: string, replication: CassandraReplication): string {
  const entries = Object.entries(replication).map(([k, v]) => `'${k.replaceAll("'", "''")}': '${String(v).replaceAll("'", "''")}'`);
  return `CREATE KEYSPACE IF NOT EXISTS ${quoteName(keyspace)} WITH replication = {${entries.join(", ")}}`;
}

export function cassandraStatements(keyspace: string, table: string): CassandraStatements {
  const t = `${quoteName(keyspace)}.${quoteName(table)}`;
  const selectRange: string[] = [];
  for (let flags = 0; flags < 8; flags++) {
    let where = "id = ?";
    if ((flags & RANGE_LOWER) !== 0) where += " AND key >= ?";
    if ((flags & RANGE_UPPER) !== 0) where += " AND key < ?";
    const order = (flags & RANGE_REVERSE) !== 0 ? " ORDER BY key DESC" : "";
    selectRange.push(`SELECT ${COLUMNS} FROM ${t} WHERE ${where}${order} LIMIT ?`);
  }
  const del = `DELETE FROM ${t} USING TIMESTAMP ? WHERE id = ?`;
  return Object.freeze({
    // Blob clustering compares unsigned bytes: exactly the contract's key order.
    createTable: `CREATE TABLE IF NOT EXISTS ${t} (id text, key blob, value blob, PRIMARY KEY ((id), key)) WITH CLUSTERING ORDER BY (key ASC)`,
    insert: `INSERT INTO ${t} (id, key, value) VALUES (?, ?, ?) USING TIMESTAMP ? AND TTL ?`,
    deleteKey: `${del} AND key = ?`,
    deleteKeys: `${del} AND key IN ?`,
    deleteFrom: `${del} AND key >= ?`,
    deleteBelow: `${del} AND key < ?`,
    deleteBetween: `${del} AND key >= ? AND key < ?`,
    deleteRecord: del,
    selectKey: `SELECT ${COLUMNS} FROM ${t} WHERE id = ? AND key = ?`,
    selectKeys: `SELECT ${COLUMNS} FROM ${t} WHERE id = ? AND key IN ?`,
    selectRange: Object.freeze(selectRange),
    count: `SELECT COUNT(*) AS n FROM ${t} WHERE id = ?`,
    scan: `SELECT id, ${COLUMNS} FROM ${t}`,
  });
}
