import {
  checkId,
  checkNamespace,
  checkOperation,
  checkQuery,
  compareBytes,
  decodePageToken,
  encodePageToken,
  KV_LIMITS,
  queryFingerprint,
  StoreClosedError,
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
import type { Cluster, Redis } from "ioredis";
import { createStoreClient } from "./client/redis-client-factory.js";
import type { RedisCommands } from "./client/redis-commands.js";
import { RedisConnection } from "./client/redis-connection.js";
import { liveItem } from "./codec/entry-codec.js";
import { encodeRecordWrite, encodeWriteHeader, type NamespaceWrite } from "./codec/write-batch-codec.js";
import { RedisOptionsError } from "./errors/redis-options-error.js";
import { RedisKeyLayout, type RecordKeys } from "./layout/redis-key-layout.js";
import type { RedisKvStoreOptions } from "./redis-kv-store-options.js";
import { RedisScript } from "./scripts/redis-script-runner.js";
import { COUNT_SCRIPT, NODE_WRITE_SCRIPT, WRITE_SCRIPT } from "./scripts/redis-scripts.js";

const STORE = "kv-redis";
const WRITE = new RedisScript(WRITE_SCRIPT);
const NODE_WRITE = new RedisScript(NODE_WRITE_SCRIPT);
const COUNT = new RedisScript(COUNT_SCRIPT);
const MINUS = "-";
const PLUS = "+";
const INCLUSIVE = Buffer.from("[");
const EXCLUSIVE = Buffer.from("(");
/** Records a write script call carries: bounds how long one call blocks Redis. */
const RECORDS_PER_CALL = 200;
/** Bytes of operations a write script call carries at most (past one record). */
const BYTES_PER_CALL = 1024 * 1024;
/** Keys a range read asks for at once when the page is larger. */
const RANGE_CHUNK = 500;
/** `scan` reads whole records: the largest page the contract allows, with no byte bound. */
const SCAN_PAGE = { limit: KV_LIMITS.maxPageLimit, pageBytes: 2 ** 31 };

const asBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
const lexBound = (marker: Buffer, key: Uint8Array): Buffer => Buffer.concat([marker, key]);
/** A node refused a key it does not serve: its slot moved (or is moving) since the batch was grouped. */
const isMovedKey = (error: unknown): boolean => error instanceof Error && /non local key|do not hash to the same slot|^(MOVED|ASK|TRYAGAIN|CROSSSLOT)\b/.test(error.message);

/** Records that go to Redis in one write script call. */
interface PendingCall {
  /** Records of many slots on one node (NODE_WRITE_SCRIPT), not of one slot or a single node. */
  readonly byNode: boolean;
  readonly keys: string[];
  readonly blobs: Buffer[];
  bytes: number;
}

/**
 * The KV contract on Redis or Redis Cluster (ioredis). A record is a sorted set of its item
 * keys and a hash of its entries under one hash tag (one Cluster slot). A `mutate` is applied
 * by a Lua script that does last-write-wins server side, so there is no read-before-write
 * round trip: one call per up to 200 records on a single node, and on a cluster one call per
 * up to 200 records of one master (grouped by the client's slot map), all sent at once. A keys read is one HGET or HMGET; a range page is ZRANGEBYLEX then
 * HMGET.
 */
export class RedisKvStore extends KvStoreBase implements KvStore {
  readonly capabilities: KvCapabilities = Object.freeze({ syncReads: false, ttlGranularity: "ms", nativeCounts: true });
  readonly #client: Redis | Cluster;
  readonly #commands: RedisCommands;
  readonly #owned: boolean;
  readonly #connection: RedisConnection;
  readonly #layout: RedisKeyLayout;
  readonly #options: RedisKvStoreOptions;
  readonly #graceMs: number;
  readonly #groupClusterWrites: boolean;
  readonly #writes = new Map<string, NamespaceWrite>();
  #closing: Promise<void> | undefined;

  constructor(options: RedisKvStoreOptions) {
    super();
    if (typeof options !== "object" || options === null) throw new RedisOptionsError("options", "must be an object, e.g. { url: \"redis://127.0.0.1:6379\" }");
    const prefix = options.keyPrefix ?? "rdg:";
    if (typeof prefix !== "string" || /[{}]/.test(prefix)) {
      throw new RedisOptionsError("keyPrefix", `must be a string without "{" or "}" (they would change the Cluster hash tag), got ${JSON.stringify(prefix)}`);
    }
    const grace = options.expiredRecordGraceMs ?? 86_400_000;
    if (typeof grace !== "number" || !Number.isFinite(grace) || grace < 0) {
      throw new RedisOptionsError("expiredRecordGraceMs", `must be a finite number of ms >= 0, got ${String(grace)}`);
    }
    const readyTimeout = options.readyTimeoutMs ?? 3000;
    if (typeof readyTimeout !== "number" || !(readyTimeout > 0)) {
      throw new RedisOptionsError("readyTimeoutMs", `must be a positive number of ms, got ${String(readyTimeout)}`);
    }
    const grouped = options.groupClusterWrites ?? true;
    if (typeof grouped !== "boolean") throw new RedisOptionsError("groupClusterWrites", `must be true or false, got ${String(grouped)}`);
    const { client, owned } = createStoreClient(options);
    this.#options = Object.freeze({ ...options });
    this.#client = client;
    this.#commands = client as unknown as RedisCommands;
    this.#owned = owned;
    this.#connection = new RedisConnection(client, owned, readyTimeout);
    this.#layout = new RedisKeyLayout(prefix);
    this.#graceMs = grace;
    this.#groupClusterWrites = grouped;
  }

  /** The ioredis client, for tools that need it (monitoring, tests). */
  get client(): Redis | Cluster {
    return this.#client;
  }

  /**
   * Waits for the connection (at most `readyTimeoutMs`) and round-trips a PING, for health
   * checks; throws a retryable `KvConnectionError` when Redis cannot be reached.
   */
  async ping(): Promise<void> {
    this.#ensureOpen("ping");
    try {
      await this.#connection.whenReady("ping");
      await this.#commands.ping();
    } catch (error) {
      throw this.#connection.error(error, "ping");
    }
  }

  /** The Redis keys of a record, for operators and tests. */
  recordKeys(ns: string, id: string): RecordKeys {
    checkNamespace(ns);
    checkId(id);
    return this.#layout.recordKeys(ns, id);
  }

  #config(ns: string): NamespaceConfig {
    return this.#options.namespaces?.[ns] ?? this.#options.defaultNamespace ?? {};
  }

  #ensureOpen(operation: string): void {
    if (this.#closing !== undefined) throw new StoreClosedError(STORE, operation);
  }

  override mutate(batch: readonly KvOperation[]): Promise<void> {
    try {
      this.#ensureOpen("mutate");
      // Validate the whole batch first: a bad operation refuses the batch, nothing is written.
      for (const op of batch) checkOperation(op, (ns) => this.#config(ns));
    } catch (error) {
      return Promise.reject(error);
    }
    if (batch.length === 0) return Promise.resolve();
    const ready = this.#connection.whenReady("mutate");
    if (ready !== undefined) return ready.then(() => this.#send(batch));
    return this.#send(batch);
  }

  #send(batch: readonly KvOperation[]): Promise<void> {
    const now = Date.now();
    const header = encodeWriteHeader(now, this.#graceMs);
    const group = this.#writeGroup();
    const calls: Promise<unknown>[] = [];
    const open = new Map<string | number, PendingCall>();
    for (let i = 0; i < batch.length; ) {
      const first = batch[i]!;
      // Consecutive operations of one record share one block: its meta is read once.
      let end = i + 1;
      while (end < batch.length && batch[end]!.id === first.id && batch[end]!.ns === first.ns) end++;
      const blob = encodeRecordWrite(end === i + 1 ? [first] : batch.slice(i, end), this.#namespaceWrite(first.ns), now);
      i = end;
      const to = group(first.ns, first.id);
      let call = open.get(to);
      if (call === undefined) open.set(to, (call = { byNode: typeof to === "string" && to !== "", keys: [], blobs: [], bytes: 0 }));
      call.keys.push(this.#layout.itemsKey(first.ns, first.id));
      call.blobs.push(blob);
      call.bytes += blob.length;
      if (call.keys.length >= RECORDS_PER_CALL || call.bytes >= BYTES_PER_CALL) {
        calls.push(this.#call(call, header));
        open.delete(to);
      }
    }
    for (const call of open.values()) calls.push(this.#call(call, header));
    // Resolves only when every call returned: a failed call fails the batch. LWW makes the
    // order of calls irrelevant and a retry of the whole batch safe.
    return Promise.all(calls).then(
      () => undefined,
      (error: unknown) => Promise.reject(this.#connection.error(error, "mutate")),
    );
  }

  /**
   * Which call a record joins. A single node: one call per up to RECORDS_PER_CALL records, so
   * Redis runs one script, not one per record. A cluster: the records its slot map places on
   * one master share a call (NODE_WRITE_SCRIPT); without the map yet, or with
   * `groupClusterWrites: false`, only records of one slot do (a call's declared keys must
   * share a slot).
   */
  #writeGroup(): (ns: string, id: string) => string | number {
    if (!this.#client.isCluster) return () => "";
    const slots = (this.#client as Cluster).slots;
    if (!this.#groupClusterWrites) return (ns, id) => this.#layout.slot(ns, id);
    return (ns, id) => {
      const slot = this.#layout.slot(ns, id);
      return slots[slot]?.[0] ?? slot;
    };
  }

  /** Sends one call; a node call refused for a key the node no longer serves goes again per record. */
  #call(call: PendingCall, header: Buffer): Promise<unknown> {
    if (!call.byNode || call.keys.length === 1) return WRITE.run(this.#commands, call.keys, [header, ...call.blobs]);
    const args: (string | Buffer)[] = [header];
    for (let r = 0; r < call.keys.length; r++) args.push(call.keys[r]!, call.blobs[r]!);
    return NODE_WRITE.run(this.#commands, [call.keys[0]!], args).catch(async (error: unknown) => {
      if (!isMovedKey(error)) throw error;
      // Read the slot map again, then one call per record, routed (and redirected) by ioredis.
      // Records the call applied before it stopped are applied again: LWW makes that a no-op.
      await new Promise<void>((resolve) => (this.#client as Cluster).refreshSlotsCache(() => resolve()));
      return Promise.all(call.keys.map((key, r) => WRITE.run(this.#commands, [key], [header, call.blobs[r]!])));
    });
  }

  #namespaceWrite(ns: string): NamespaceWrite {
    let write = this.#writes.get(ns);
    if (write === undefined) {
      const config = this.#config(ns);
      write = { ttlMs: config.ttlMs, counted: config.countItems === true };
      this.#writes.set(ns, write);
    }
    return write;
  }

  getItems(ns: string, id: string, query?: GetQuery): Promise<Page> {
    try {
      this.#ensureOpen("getItems");
      checkNamespace(ns);
      checkId(id);
      checkQuery(query);
    } catch (error) {
      return Promise.reject(error);
    }
    // No async function here: point reads are the hot path, and each await costs a turn.
    const read = (): Promise<Page> => (query !== undefined && "keys" in query ? this.#getKeys(ns, id, query.keys) : this.#getRange(ns, id, query ?? {}));
    const ready = this.#connection.whenReady("getItems");
    return (ready === undefined ? read() : ready.then(read)).catch((error: unknown) => Promise.reject(this.#connection.error(error, "getItems")));
  }

  #getKeys(ns: string, id: string, keys: readonly Uint8Array[]): Promise<Page> {
    if (keys.length === 0) return Promise.resolve({ items: [] });
    const entries = this.#layout.entriesKey(ns, id);
    if (keys.length === 1) {
      const key = keys[0]!;
      return this.#commands.hgetBuffer(entries, asBuffer(key)).then((entry) => {
        const item = entry === null ? undefined : liveItem(key, entry, Date.now());
        return { items: item === undefined ? [] : [item] };
      });
    }
    const sorted = [...keys].sort(compareBytes).filter((k, i, all) => i === 0 || compareBytes(all[i - 1]!, k) !== 0);
    return this.#commands.hmgetBuffer(entries, ...sorted.map(asBuffer)).then((stored) => {
      const now = Date.now();
      const items: Item[] = [];
      for (let i = 0; i < sorted.length; i++) {
        const entry = stored[i];
        const item = entry === null || entry === undefined ? undefined : liveItem(sorted[i]!, entry, now);
        if (item !== undefined) items.push(item);
      }
      return { items };
    });
  }

  /**
   * One page of a range: ZRANGEBYLEX (one key more than the page holds, to know whether more
   * follow) then HMGET, as a client would do by hand, skipping tombstones and expired items.
   * Two round trips, and no more work for Redis than the two plain commands: a Lua script
   * doing both in one trip measured about 2.5 times the server CPU. The two reads are not one
   * snapshot; a key removed between them is skipped, which is what a later read would show.
   */
  async #getRange(ns: string, id: string, query: RangeQuery): Promise<Page> {
    const reverse = query.reverse === true;
    const range = query.range;
    let lo: Buffer | string = range?.start === undefined ? MINUS : lexBound(INCLUSIVE, range.start);
    let hi: Buffer | string = range?.end === undefined ? PLUS : lexBound(EXCLUSIVE, range.end);
    if (query.pageToken !== undefined) {
      const last = lexBound(EXCLUSIVE, decodePageToken(query.pageToken, queryFingerprint(ns, id, range, reverse)));
      if (reverse) hi = last;
      else lo = last;
    }
    const limit = query.limit ?? KV_LIMITS.defaultPageLimit;
    const pageBytes = query.pageBytes ?? KV_LIMITS.defaultPageBytes;
    const keys = this.#layout.recordKeys(ns, id);
    const chunk = Math.min(limit + 1, RANGE_CHUNK);
    const items: Item[] = [];
    let bytes = 0;
    for (;;) {
      const found = reverse
        ? await this.#commands.zrevrangebylexBuffer(keys.items, hi, lo, "LIMIT", 0, chunk)
        : await this.#commands.zrangebylexBuffer(keys.items, lo, hi, "LIMIT", 0, chunk);
      if (found.length === 0) return { items };
      const entries = await this.#commands.hmgetBuffer(keys.entries, ...found);
      const now = Date.now();
      for (let i = 0; i < found.length; i++) {
        const entry = entries[i];
        const item = entry === null || entry === undefined ? undefined : liveItem(found[i]!, entry, now);
        if (item === undefined) continue;
        const size = item.key.length + item.value.length;
        if (items.length >= limit || (items.length > 0 && bytes + size > pageBytes)) {
          return { items, next: encodePageToken(queryFingerprint(ns, id, range, reverse), items[items.length - 1]!.key) };
        }
        items.push(item);
        bytes += size;
      }
      if (found.length < chunk) return { items };
      // Every key of the chunk was dead or fit: go on after the last one.
      const last = lexBound(EXCLUSIVE, found[found.length - 1]!);
      if (reverse) hi = last;
      else lo = last;
    }
  }

  async countItems(ns: string, id: string): Promise<number> {
    this.#ensureOpen("countItems");
    checkNamespace(ns);
    checkId(id);
    try {
      await this.#connection.whenReady("countItems");
      if (this.#config(ns).countItems === true) {
        const count = await this.#commands.hget(this.#layout.recordKeys(ns, id).count, "c");
        return count === null ? 0 : Number(count);
      }
      return Number(await COUNT.run(this.#commands, [this.#layout.itemsKey(ns, id)], [Date.now()]));
    } catch (error) {
      throw this.#connection.error(error, "countItems");
    }
  }

  /**
   * Every record of the namespace with live items, once each: SCAN with a pattern of the
   * namespace's items sets on every master, then the records of each SCAN page read together.
   * Remembers the ids it yielded (SCAN may repeat a key while Redis rehashes).
   */
  async *scan(ns: string): AsyncGenerator<ScannedRecord> {
    this.#ensureOpen("scan");
    checkNamespace(ns);
    await this.#connection.whenReady("scan");
    const pattern = this.#layout.scanPattern(ns);
    const seen = new Set<string>();
    for (const node of this.#masters()) {
      let cursor = "0";
      do {
        let keys: Buffer[];
        try {
          [cursor, keys] = await node.scanBuffer(cursor, "MATCH", pattern, "COUNT", 1000).then(([c, k]) => [c.toString(), k] as const);
        } catch (error) {
          throw this.#connection.error(error, "scan");
        }
        const ids = keys.map((key) => this.#layout.idOfItemsKey(ns, key)).filter((id) => !seen.has(id) && seen.add(id));
        const records = await Promise.all(ids.map((id) => this.#readRecord(ns, id)));
        for (const record of records) {
          if (record.items.length === 0) continue;
          yield record;
          this.#ensureOpen("scan");
        }
      } while (cursor !== "0");
    }
  }

  #masters(): RedisCommands[] {
    if (!this.#client.isCluster) return [this.#commands];
    // The node list is filled once the cluster is ready, which scan() waited for.
    return (this.#client as Cluster).nodes("master") as unknown as RedisCommands[];
  }

  async #readRecord(ns: string, id: string): Promise<ScannedRecord> {
    const items: Item[] = [];
    let pageToken: string | undefined;
    try {
      do {
        const page = await this.#getRange(ns, id, { ...SCAN_PAGE, pageToken });
        items.push(...page.items);
        pageToken = page.next;
      } while (pageToken !== undefined);
    } catch (error) {
      throw this.#connection.error(error, "scan");
    }
    return { id, items };
  }

  /** Closes the client if the store created it; a client passed in stays open. */
  override close(): Promise<void> {
    this.#closing ??= this.#owned ? quit(this.#client) : Promise.resolve();
    return this.#closing;
  }
}

/** QUIT lets replies in flight arrive; a server that is gone gets a disconnect after a second. */
async function quit(client: Redis | Cluster): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.quit().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 1000);
    }),
  ]);
  clearTimeout(timer);
  client.disconnect();
}
