import {
  InvalidArgumentError,
  KV_LIMITS,
  StoreClosedError,
  checkId,
  checkNamespace,
  checkOperation,
  checkQuery,
  compareBytes,
  decodePageToken,
  encodePageToken,
  queryFingerprint,
  type GetQuery,
  type Item,
  type KvCapabilities,
  type KvOperation,
  type KvStore,
  type NamespaceConfig,
  type Page,
  type RangeQuery,
  type ScannedRecord,
} from "@rdg/kv";
import { KvStoreBase } from "@rdg/kv";
import type { Client, QueryOptions, types } from "cassandra-driver";
import { planWrites, sendWrites, type PartitionWrite } from "./cassandra-batch-writer.js";
import { createClient } from "./cassandra-client.js";
import { readBigInt, rowToItem, timestampParam, toBuffer, type TimestampParam } from "./cassandra-codec.js";
import { STORE_NAME, optionError, toKvError } from "./cassandra-errors.js";
import { CASSANDRA_KV_DEFAULTS, type CassandraKvStoreOptions, type CassandraNamespaceConfig } from "./cassandra-kv-store-options.js";
import { checkNamespaceConfig, namespaceDefaults, resolveNamespace, type CassandraNamespace, type NamespaceDefaults } from "./cassandra-namespace.js";
import { ensureTable } from "./cassandra-schema.js";
import { RANGE_LOWER, RANGE_REVERSE, RANGE_UPPER } from "./cassandra-statements.js";

/** Keys of one `keys` query sent per CQL `IN`: large lists split into concurrent queries. */
const KEYS_PER_QUERY = 500;
const ZERO = Buffer.of(0);

/**
 * The KV contract on Apache Cassandra: a table per namespace, `(id text, key blob, value blob,
 * PRIMARY KEY ((id), key))`, so a record is a partition and its items are clustered in
 * unsigned byte order. Last write wins is Cassandra's own (`USING TIMESTAMP`), TTL is
 * Cassandra's (`USING TTL`, whole seconds), and a `mutate` sends one unlogged batch per
 * partition, several partitions concurrently. No write reads first.
 */
export class CassandraKvStore extends KvStoreBase implements KvStore {
  readonly capabilities: KvCapabilities = Object.freeze({ syncReads: false, ttlGranularity: "s", nativeCounts: false });
  readonly #client: Client;
  readonly #ownsClient: boolean;
  readonly #options: CassandraKvStoreOptions;
  readonly #defaults: NamespaceDefaults;
  readonly #namespaces = new Map<string, CassandraNamespace>();
  readonly #timestamp: TimestampParam;
  readonly #createSchema: boolean;
  readonly #writeConcurrency: number;
  readonly #maxBatchBytes: number;
  readonly #inflight = new Set<Promise<void>>();
  readonly #resolve = (ns: string): CassandraNamespace => this.#namespace(ns);
  readonly #config = (ns: string): NamespaceConfig => this.#namespace(ns).config;
  #closing: Promise<void> | undefined;

  constructor(options: CassandraKvStoreOptions) {
    super();
    if (typeof options !== "object" || options === null) throw optionError("options", "must be an object with `client` or `clientOptions`");
    if ((options.client === undefined) === (options.clientOptions === undefined)) {
      throw optionError("options", 'need exactly one of "client" (a ready cassandra-driver Client) or "clientOptions" (to make one)');
    }
    this.#defaults = namespaceDefaults(options);
    for (const [ns, config] of Object.entries(options.namespaces ?? {})) {
      checkNamespace(ns);
      checkNamespaceConfig(config, `namespaces[${JSON.stringify(ns)}]`);
    }
    if (options.defaultNamespace !== undefined) checkNamespaceConfig(options.defaultNamespace, "defaultNamespace");
    this.#writeConcurrency = positiveInteger(options.writeConcurrency, CASSANDRA_KV_DEFAULTS.writeConcurrency, "writeConcurrency");
    this.#maxBatchBytes = positiveInteger(options.maxBatchBytes, CASSANDRA_KV_DEFAULTS.maxBatchBytes, "maxBatchBytes");
    this.#createSchema = options.createSchema ?? true;
    this.#options = Object.freeze({ ...options });
    this.#ownsClient = options.client === undefined;
    this.#client = options.client ?? createClient(options.clientOptions!);
    this.#timestamp = timestampParam(this.#client);
  }

  /** The cassandra-driver client, for tools (metrics, raw queries). Do not shut it down. */
  get client(): Client {
    return this.#client;
  }

  /** Where a namespace lives: its keyspace and table. */
  namespaceTable(ns: string): { readonly keyspace: string; readonly table: string } {
    checkNamespace(ns);
    const { keyspace, table } = this.#namespace(ns);
    return { keyspace, table };
  }

  /** Connects now rather than on the first call, so a wrong address fails at startup. */
  async connect(): Promise<void> {
    this.#ensureOpen("connect");
    try {
      await this.#client.connect();
    } catch (error) {
      throw toKvError(error, "connect()");
    }
  }

  override mutate(batch: readonly KvOperation[]): Promise<void> {
    let writes: PartitionWrite[];
    try {
      this.#ensureOpen("mutate");
      if (!Array.isArray(batch)) throw new InvalidArgumentError("batch", "must be an array of operations");
      // Validate and plan the whole batch before sending anything: a bad operation refuses the batch.
      for (const op of batch) checkOperation(op, this.#config);
      writes = planWrites(batch, { resolve: this.#resolve, timestamp: this.#timestamp, nowMs: Date.now() }, this.#maxBatchBytes);
    } catch (error) {
      return Promise.reject(error);
    }
    if (writes.length === 0) return Promise.resolve();
    const done = this.#write(writes);
    // Tracked so close() lets acknowledged-to-be writes finish before it shuts the client down.
    this.#inflight.add(done);
    const untrack = (): void => void this.#inflight.delete(done);
    done.then(untrack, untrack);
    return done;
  }

  async #write(writes: readonly PartitionWrite[]): Promise<void> {
    for (const write of writes) if (!write.ns.ready) await this.#ensureSchema(write.ns);
    try {
      await sendWrites(this.#client, writes, this.#writeConcurrency);
    } catch (error) {
      throw toKvError(error, "mutate()");
    }
  }

  async getItems(ns: string, id: string, query?: GetQuery): Promise<Page> {
    this.#ensureOpen("getItems");
    checkNamespace(ns);
    checkId(id);
    checkQuery(query);
    const state = this.#namespace(ns);
    if (!state.ready) await this.#ensureSchema(state);
    if (query !== undefined && "keys" in query) return { items: await this.#getKeys(state, id, query.keys) };
    return this.#getRange(state, id, query ?? {});
  }

  async #getKeys(state: CassandraNamespace, id: string, keys: readonly Uint8Array[]): Promise<Item[]> {
    if (keys.length === 0) return [];
    if (keys.length === 1) {
      const rs = await this.#execute(state.cql.selectKey, [id, toBuffer(keys[0]!)], state.readOptions, "getItems()");
      return this.#items(rs.rows);
    }
    // IN returns rows in clustering order; sorted, deduplicated chunks keep the whole list in order.
    const sorted = [...keys].sort(compareBytes).filter((k, i, all) => i === 0 || compareBytes(all[i - 1]!, k) !== 0).map(toBuffer);
    const chunks: Buffer[][] = [];
    for (let i = 0; i < sorted.length; i += KEYS_PER_QUERY) chunks.push(sorted.slice(i, i + KEYS_PER_QUERY));
    const results = await Promise.all(chunks.map((chunk) => this.#execute(state.cql.selectKeys, [id, chunk], state.readOptions, "getItems()")));
    return results.flatMap((rs) => this.#items(rs.rows));
  }

  #items(rows: readonly types.Row[]): Item[] {
    const nowSecond = Math.floor(Date.now() / 1000);
    const items: Item[] = [];
    for (const row of rows) {
      const item = rowToItem(row, nowSecond);
      if (item !== undefined) items.push(item);
    }
    return items;
  }

  /**
   * One page of a range: a query of at most `limit + 1` rows (the extra row says whether a
   * next page exists), cut short by `pageBytes`. The token holds the last key returned, and
   * the next page restarts after it with a key bound, so tokens survive restarts and
   * concurrent writes, and are the same on every backend.
   */
  async #getRange(state: CassandraNamespace, id: string, query: RangeQuery): Promise<Page> {
    const reverse = query.reverse === true;
    const limit = query.limit ?? KV_LIMITS.defaultPageLimit;
    const pageBytes = query.pageBytes ?? KV_LIMITS.defaultPageBytes;
    let lower: Buffer | undefined = query.range?.start === undefined ? undefined : toBuffer(query.range.start);
    let upper: Buffer | undefined = query.range?.end === undefined ? undefined : toBuffer(query.range.end);
    if (query.pageToken !== undefined) {
      const last = toBuffer(decodePageToken(query.pageToken, queryFingerprint(state.name, id, query.range, reverse)));
      // The immediate successor of a key in unsigned byte order is the key followed by 0x00.
      if (reverse) upper = last;
      else lower = Buffer.concat([last, ZERO]);
    }
    if (lower !== undefined && upper !== undefined && compareBytes(lower, upper) >= 0) return { items: [] };
    const items: Item[] = [];
    let bytes = 0;
    for (;;) {
      const fetch = limit - items.length + 1;
      const params: unknown[] = [id];
      let flags = reverse ? RANGE_REVERSE : 0;
      if (lower !== undefined) {
        flags |= RANGE_LOWER;
        params.push(lower);
      }
      if (upper !== undefined) {
        flags |= RANGE_UPPER;
        params.push(upper);
      }
      params.push(fetch);
      const rs = await this.#execute(state.cql.selectRange[flags]!, params, state.readOptions, "getItems()");
      const nowSecond = Math.floor(Date.now() / 1000);
      for (const row of rs.rows) {
        const item = rowToItem(row, nowSecond);
        if (item === undefined) continue;
        const size = item.key.length + item.value.length;
        if (items.length >= limit || (items.length > 0 && bytes + size > pageBytes)) {
          return { items, next: encodePageToken(queryFingerprint(state.name, id, query.range, reverse), items[items.length - 1]!.key) };
        }
        items.push(item);
        bytes += size;
      }
      if (rs.rows.length < fetch) return { items };
      // Only rows without a live value can bring us here: continue after the last row read.
      const lastKey = rs.rows[rs.rows.length - 1]!["key"] as Buffer;
      if (reverse) upper = lastKey;
      else lower = Buffer.concat([lastKey, ZERO]);
    }
  }

  async countItems(ns: string, id: string): Promise<number> {
    this.#ensureOpen("countItems");
    checkNamespace(ns);
    checkId(id);
    const state = this.#namespace(ns);
    if (!state.ready) await this.#ensureSchema(state);
    const rs = await this.#execute(state.cql.count, [id], state.readOptions, "countItems()");
    return Number(readBigInt(rs.rows[0]?.["n"] ?? 0n));
  }

  /**
   * Every record of the namespace, paging through the whole table. Rows of one partition
   * arrive together (in token order, not id order), so a record is complete when the id changes.
   */
  async *scan(ns: string): AsyncGenerator<ScannedRecord> {
    this.#ensureOpen("scan");
    checkNamespace(ns);
    const state = this.#namespace(ns);
    if (!state.ready) await this.#ensureSchema(state);
    let pageState: string | undefined;
    let current: { id: string; items: Item[] } | undefined;
    do {
      const options: QueryOptions = pageState === undefined ? state.scanOptions : { ...state.scanOptions, pageState };
      const rs = await this.#execute(state.cql.scan, [], options, "scan()");
      const nowSecond = Math.floor(Date.now() / 1000);
      for (const row of rs.rows) {
        const id = row["id"] as string;
        if (current !== undefined && current.id !== id) {
          if (current.items.length > 0) yield current;
          this.#ensureOpen("scan");
          current = undefined;
        }
        current ??= { id, items: [] };
        const item = rowToItem(row, nowSecond);
        if (item !== undefined) current.items.push(item);
      }
      pageState = rs.pageState ?? undefined;
    } while (pageState !== undefined);
    if (current !== undefined && current.items.length > 0) yield current;
  }

  /**
   * Closes the store: waits for writes in flight, then shuts down the client if the store
   * made it. A client passed in stays open. Calls after this throw `StoreClosedError`.
   */
  override close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.allSettled([...this.#inflight]);
      if (this.#ownsClient) await this.#client.shutdown();
    })();
    return this.#closing;
  }

  #ensureOpen(operation: string): void {
    if (this.#closing !== undefined) throw new StoreClosedError(STORE_NAME, operation);
  }

  #namespace(ns: string): CassandraNamespace {
    let state = this.#namespaces.get(ns);
    if (state === undefined) {
      const config: CassandraNamespaceConfig = this.#options.namespaces?.[ns] ?? this.#options.defaultNamespace ?? {};
      state = resolveNamespace(ns, config, this.#defaults);
      this.#namespaces.set(ns, state);
    }
    return state;
  }

  async #ensureSchema(state: CassandraNamespace): Promise<void> {
    if (this.#createSchema) await ensureTable(this.#client, state.keyspace, state.replication, state.table, state.cql.createTable);
    state.ready = true;
  }

  async #execute(query: string, params: unknown[], options: QueryOptions, operation: string): Promise<types.ResultSet> {
    try {
      return await this.#client.execute(query, params, options);
    } catch (error) {
      throw toKvError(error, operation);
    }
  }
}

function positiveInteger(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw optionError(option, `must be a positive integer, got ${String(value)}`);
  return value;
}
