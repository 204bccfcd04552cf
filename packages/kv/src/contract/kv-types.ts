/** A value that is either ready now or later. Synchronous stores return values directly. */
export type Awaitable<T> = T | Promise<T>;

/** One stored item of a record, as read back. */
export interface Item {
  /** Item key; items of a record sort by key as unsigned bytes. */
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  /** Write time in microseconds since the epoch; the last write by this time wins. */
  readonly writeTime: bigint;
  /** Expiry in milliseconds since the epoch, when the item has a TTL. */
  readonly expiresAt?: number;
}

/** One item to write. */
export interface ItemInput {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  /** Overrides the call's write time for this item. */
  readonly writeTime?: bigint;
  /** Time to live of this item in milliseconds; overrides the call's and the namespace's TTL. */
  readonly ttlMs?: number;
}

/** Options of a put. */
export interface PutOptions {
  /** Write time in microseconds. @default the current time */
  readonly writeTime?: bigint;
  /** TTL in milliseconds of every item of this write, unless an item sets its own. @default the namespace's TTL */
  readonly ttlMs?: number;
}

/** Options of a delete. */
export interface DeleteOptions {
  /** Write time in microseconds; deletes only what was written at or before it. @default the current time */
  readonly writeTime?: bigint;
}

/** A key range: `start` inclusive, `end` exclusive; either may be omitted. */
export interface KeyRange {
  readonly start?: Uint8Array;
  readonly end?: Uint8Array;
}

/** What every read may carry besides what it reads. */
export interface ReadOptions {
  /**
   * Stops the read: every store checks it before the read starts and throws `signal.reason`
   * when it is aborted (a store that can cancel a read in flight may do so too). A deadline or a
   * closed client connection aborts it, so a long read sequence stops at its next call.
   * @default undefined
   */
  readonly signal?: AbortSignal;
}

/** Read specific keys of a record. */
export interface KeysQuery extends ReadOptions {
  readonly keys: readonly Uint8Array[];
}

/** Read a range of a record, a page at a time. */
export interface RangeQuery extends ReadOptions {
  /** @default the whole record */
  readonly range?: KeyRange;
  /** Newest-to-oldest key order. @default false */
  readonly reverse?: boolean;
  /** Maximum items in this page. @default 1000 */
  readonly limit?: number;
  /** Maximum bytes (keys plus values) in this page; a page holds at least one item. @default 1 MiB */
  readonly pageBytes?: number;
  /** The `next` token of the previous page of the same query. */
  readonly pageToken?: string;
}

export type GetQuery = KeysQuery | RangeQuery;

/** One page of items; `next` is set when more items may follow. */
export interface Page {
  readonly items: Item[];
  readonly next?: string;
}

/** One record, as `scan` yields it. */
export interface ScannedRecord {
  readonly id: string;
  readonly items: Item[];
}

/** One operation of a `mutate` batch. */
export type KvOperation =
  | {
      readonly op: "put";
      readonly ns: string;
      readonly id: string;
      readonly items: readonly ItemInput[];
      readonly writeTime?: bigint;
      readonly ttlMs?: number;
    }
  | {
      readonly op: "deleteItems";
      readonly ns: string;
      readonly id: string;
      readonly keys?: readonly Uint8Array[];
      readonly range?: KeyRange;
      readonly writeTime?: bigint;
    }
  | { readonly op: "deleteRecord"; readonly ns: string; readonly id: string; readonly writeTime?: bigint };

/** What a store can and cannot do; the conformance suite skips by these flags, never silently. */
export interface KvCapabilities {
  /** `getItems` and `countItems` return values directly rather than promises. */
  readonly syncReads: boolean;
  /** Smallest TTL unit the backend honours. */
  readonly ttlGranularity: "ms" | "s";
  /** `countItems` is O(1) for namespaces configured with `countItems: true`. */
  readonly nativeCounts: boolean;
}

/** Per-namespace configuration, given to a store or a router route. */
export interface NamespaceConfig {
  /** Default TTL of items written to this namespace, in milliseconds. @default none */
  readonly ttlMs?: number;
  /** Largest value accepted; larger values are refused with `ValueTooLargeError`. @default 1 MiB */
  readonly maxValueBytes?: number;
  /** Keep an O(1) item count per record. @default false */
  readonly countItems?: boolean;
}

/**
 * The KV contract: `namespace -> record id -> sorted map(item key -> item)`, last write wins by
 * write time, TTL per namespace, record write and item, byte-bounded pages.
 */
export interface KvStore extends AsyncDisposable {
  readonly capabilities: KvCapabilities;
  putItems(ns: string, id: string, items: readonly ItemInput[], options?: PutOptions): Promise<void>;
  getItems(ns: string, id: string, query?: GetQuery): Awaitable<Page>;
  /**
   * The same keys of many records of one namespace in one call: for each id, in the order of
   * `ids`, its live items among `keys`, sorted by key (what `getItems(ns, id, { keys })` returns).
   * A reader that needs a few items of each of many records (a page of edges' states) pays one
   * call instead of one per record: one validation and, on synchronous stores, no promise.
   * At most `KV_LIMITS.maxKeysPerQuery` ids, and as many keys.
   */
  getMany(ns: string, ids: readonly string[], query: KeysQuery): Awaitable<Item[][]>;
  deleteItems(ns: string, id: string, target: KeysQuery | { range: KeyRange }, options?: DeleteOptions): Promise<void>;
  deleteRecord(ns: string, id: string, options?: DeleteOptions): Promise<void>;
  /** Many puts and deletes across records in one call: the hot write path. Resolves when durable. */
  mutate(batch: readonly KvOperation[]): Promise<void>;
  /** Live items of a record (O(1) where the namespace counts items and the backend supports it). */
  countItems(ns: string, id: string): Awaitable<number>;
  /** Every record of a namespace. */
  scan(ns: string): AsyncIterable<ScannedRecord>;
  close(): Promise<void>;
}
