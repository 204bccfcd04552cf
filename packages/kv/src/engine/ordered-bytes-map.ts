/**
 * A sorted map of byte keys to byte values, ordered as unsigned bytes, with synchronous access.
 * The only thing an embedded backend must provide for `OrderedKvEngine` to build the whole KV
 * contract on it (the in-memory store and LMDB both do). Writes happen inside whatever
 * transaction the backend has open when the engine runs.
 */
/** One entry of a range; lmdb-js yields this shape itself, so no per-entry wrapping is needed. */
export interface MapEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

export interface OrderedBytesMap {
  get(key: Uint8Array): Uint8Array | undefined;
  /**
   * Like `get`, but the bytes may be reused by the next read (lmdb-js `getBinaryFast`): the
   * write path decodes them at once and never keeps them. @default get
   */
  peek?(key: Uint8Array): Uint8Array | undefined;
  put(key: Uint8Array, value: Uint8Array): void;
  remove(key: Uint8Array): void;
  /** Entries with `start <= key < end`, ascending, or descending when `reverse`. */
  range(start: Uint8Array, end: Uint8Array | undefined, reverse: boolean): Iterable<MapEntry>;
}
