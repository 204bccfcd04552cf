import type { GetQuery, Item, ItemInput, KeyRange, KvOperation, NamespaceConfig, Page, ScannedRecord } from "../contract/kv-types.js";
import { KV_LIMITS } from "../contract/validate-arguments.js";
import { decodePageToken, encodePageToken, queryFingerprint } from "../contract/page-token.js";
import { compareBytes } from "../util/bytes.js";
import { nowMicros } from "../util/time.js";
import type { OrderedBytesMap } from "./ordered-bytes-map.js";
import { decodeEntry, encodeEntry, liveHeader, type Entry } from "./entry-codec.js";
import { StoredItem } from "./stored-item.js";
import { incomingWins } from "./last-write-wins.js";
import { NAMESPACE_FLAGS_KEY, itemMapKey, recordEnd, recordPrefix, splitMapKey } from "./record-key-codec.js";
import { decodeMeta, emptyMeta, encodeMeta, isEmptyMeta, type RecordMeta } from "./record-meta.js";
import { applyEncodedBatch } from "./apply-encoded-batch.js";

/** The maps and configuration of one namespace. */
export interface NamespaceMaps {
  readonly items: OrderedBytesMap;
  readonly meta: OrderedBytesMap;
  readonly config: NamespaceConfig;
}

interface MetaSlot {
  /** Loaded on first need: most puts of most namespaces never read it. */
  meta: RecordMeta | undefined;
  dirty: boolean;
  readonly ns: NamespaceState;
  readonly prefix: Uint8Array;
}

interface NamespaceState {
  readonly maps: NamespaceMaps;
  readonly counted: boolean;
  /** False until the namespace's first record or range delete: until then no put needs the record meta. */
  rangeTombstones: boolean;
}

const inRange = (key: Uint8Array, start: Uint8Array | undefined, end: Uint8Array | undefined): boolean =>
  (start === undefined || compareBytes(key, start) >= 0) && (end === undefined || compareBytes(key, end) < 0);

const isLive = (entry: Entry, now: number): boolean =>
  !entry.tombstone && (entry.expiresAt === undefined || entry.expiresAt > now);

const RANGE_TOMBSTONES = Uint8Array.of(1);
const ZERO = Uint8Array.of(0);

/**
 * The whole KV contract over sorted byte maps, synchronously: last write wins with tombstones,
 * TTL, counts, byte-bounded pages. Backends with an ordered embedded map (memory, LMDB) wrap
 * each `applyBatch` in their own write transaction; reads need no transaction of their own.
 * Several engines (instances, processes) may share one set of maps: the only cached fact, the
 * namespace flag, is read again at the start of each batch until it is set.
 */
export class OrderedKvEngine {
  readonly #resolve: (ns: string) => NamespaceMaps;
  readonly #states = new Map<string, NamespaceState>();

  constructor(resolve: (ns: string) => NamespaceMaps) {
    this.#resolve = resolve;
  }

  #state(ns: string): NamespaceState {
    let state = this.#states.get(ns);
    if (state === undefined) {
      const maps = this.#resolve(ns);
      state = { maps, counted: maps.config.countItems === true, rangeTombstones: maps.meta.get(NAMESPACE_FLAGS_KEY) !== undefined };
      this.#states.set(ns, state);
    }
    return state;
  }

  /** Forgets cached namespace state (after the backend closed). */
  reset(): void {
    this.#states.clear();
  }

  /** Applies a validated batch. Call inside one write transaction of the backend. */
  applyBatch(batch: readonly KvOperation[]): void {
    const now = Date.now();
    // One slot per record of the batch, so its meta is read and written once per batch
    // whatever the order of the operations (two-level maps: no key concatenation per op).
    const slots = new Map<string, Map<string, MetaSlot>>();
    let lastNs = "";
    let nsSlots: Map<string, MetaSlot> | undefined;
    let state: NamespaceState | undefined;
    for (const op of batch) {
      if (nsSlots === undefined || op.ns !== lastNs) {
        nsSlots = slots.get(op.ns);
        state = this.#state(op.ns);
        if (nsSlots === undefined) {
          slots.set(op.ns, (nsSlots = new Map()));
          // Another store on the same maps (a second instance, another process) may have
          // written the first range delete since this one cached the flag: read it again, once
          // per namespace per batch, inside the write transaction. Once set it stays set.
          if (!state.rangeTombstones) state.rangeTombstones = state.maps.meta.get(NAMESPACE_FLAGS_KEY) !== undefined;
        }
        lastNs = op.ns;
      }
      let slot = nsSlots.get(op.id);
      if (slot === undefined) {
        slot = { meta: undefined, dirty: false, ns: state!, prefix: recordPrefix(op.id) };
        nsSlots.set(op.id, slot);
      }
      const time = op.writeTime ?? nowMicros();
      if (op.op === "put") this.#put(slot, op.items, time, op.ttlMs ?? slot.ns.maps.config.ttlMs, now);
      else if (op.op === "deleteRecord") this.#deleteRange(slot, undefined, undefined, time, now, true);
      else if (op.keys !== undefined) for (const key of op.keys) this.#deleteKey(slot, key, time, now);
      else this.#deleteRange(slot, op.range?.start, op.range?.end, time, now, false);
    }
    for (const group of slots.values()) for (const slot of group.values()) this.#saveMeta(slot);
  }

  /** Applies an encoded batch (see `EncodedBatchBuilder`); call inside one write transaction. Returns the items written. */
  applyEncoded(batch: Uint8Array): number {
    return applyEncodedBatch(
      batch,
      (ns) => {
        const state = this.#state(ns);
        // As in applyBatch: another store on the same maps may have set the flag since.
        if (!state.rangeTombstones) state.rangeTombstones = state.maps.meta.get(NAMESPACE_FLAGS_KEY) !== undefined;
        return state;
      },
      Date.now(),
    );
  }

  #saveMeta(slot: MetaSlot): void {
    if (!slot.dirty || slot.meta === undefined) return;
    if (isEmptyMeta(slot.meta)) slot.ns.maps.meta.remove(slot.prefix);
    else slot.ns.maps.meta.put(slot.prefix, encodeMeta(slot.meta));
  }

  #meta(slot: MetaSlot): RecordMeta {
    if (slot.meta === undefined) {
      const stored = slot.ns.maps.meta.get(slot.prefix);
      slot.meta = stored === undefined ? emptyMeta() : decodeMeta(stored);
    }
    return slot.meta;
  }

  #covered(slot: MetaSlot, key: Uint8Array, time: bigint): boolean {
    if (!slot.ns.rangeTombstones) return false;
    const meta = this.#meta(slot);
    if (meta.deletedAt !== undefined && time <= meta.deletedAt) return true;
    for (const r of meta.ranges) if (time <= r.time && inRange(key, r.start, r.end)) return true;
    return false;
  }

  #count(slot: MetaSlot, delta: number): void {
    if (!slot.ns.counted) return;
    this.#meta(slot).count += delta;
    slot.dirty = true;
  }

  #put(slot: MetaSlot, items: readonly ItemInput[], time: bigint, ttlMs: number | undefined, now: number): void {
    const map = slot.ns.maps.items;
    const peek = map.peek === undefined ? map.get.bind(map) : map.peek.bind(map);
    for (const item of items) {
      const t = item.writeTime ?? time;
      const mapKey = itemMapKey(slot.prefix, item.key);
      const stored = peek(mapKey);
      let wasLive = false;
      if (stored !== undefined) {
        const existing = decodeEntry(stored);
        wasLive = !existing.tombstone;
        // An expired item is a tombstone at its write time (Cassandra's rule): it still beats older writes.
        const dead = existing.tombstone || (existing.expiresAt !== undefined && existing.expiresAt <= now);
        if (!incomingWins(t, item.value, existing.writeTime, dead ? undefined : existing.value)) continue;
      } else if (this.#covered(slot, item.key, t)) {
        continue;
      }
      const ttl = item.ttlMs ?? ttlMs;
      map.put(mapKey, encodeEntry(t, item.value, ttl === undefined ? undefined : now + ttl));
      if (!wasLive) this.#count(slot, 1);
    }
  }

  #deleteKey(slot: MetaSlot, key: Uint8Array, time: bigint, now: number): void {
    const map = slot.ns.maps.items;
    const mapKey = itemMapKey(slot.prefix, key);
    const stored = map.peek === undefined ? map.get(mapKey) : map.peek(mapKey);
    if (stored !== undefined) {
      const existing = decodeEntry(stored);
      const dead = existing.tombstone || (existing.expiresAt !== undefined && existing.expiresAt <= now);
      if (!incomingWins(time, undefined, existing.writeTime, dead ? undefined : existing.value)) return;
      if (!existing.tombstone) this.#count(slot, -1);
    } else if (this.#covered(slot, key, time)) {
      return;
    }
    map.put(mapKey, encodeEntry(time, undefined, undefined));
  }

  #deleteRange(slot: MetaSlot, start: Uint8Array | undefined, end: Uint8Array | undefined, time: bigint, now: number, whole: boolean): void {
    const { maps } = slot.ns;
    const prefix = slot.prefix;
    const from = start === undefined ? prefix : itemMapKey(prefix, start);
    const to = end === undefined ? recordEnd(prefix) : itemMapKey(prefix, end);
    const doomed: Uint8Array[] = [];
    let live = 0;
    for (const { key: mapKey, value: bytes } of maps.items.range(from, to, false)) {
      const entry = decodeEntry(bytes);
      if (entry.writeTime <= time) {
        doomed.push(mapKey);
        if (!entry.tombstone) live++;
      }
    }
    for (const k of doomed) maps.items.remove(k);
    if (!slot.ns.rangeTombstones) {
      maps.meta.put(NAMESPACE_FLAGS_KEY, RANGE_TOMBSTONES);
      slot.ns.rangeTombstones = true;
    }
    const meta = this.#meta(slot);
    if (slot.ns.counted) meta.count -= live;
    if (whole) {
      if (meta.deletedAt === undefined || meta.deletedAt < time) meta.deletedAt = time;
      meta.ranges = meta.ranges.filter((r) => r.time > time);
    } else {
      meta.ranges.push({ start, end, time });
    }
    slot.dirty = true;
  }

  getItems(ns: string, id: string, query: GetQuery | undefined): Page {
    const maps = this.#state(ns).maps;
    const prefix = recordPrefix(id);
    const now = Date.now();
    if (query !== undefined && "keys" in query) return { items: this.#getKeys(maps, prefix, query.keys, now) };
    return this.#getRange(maps, ns, id, prefix, query ?? {}, now);
  }

  /**
   * The same keys of many records, in one pass: keys sorted once, map keys built in one scratch
   * buffer, and `peek` (lmdb-js getBinaryFast, no copy of the stored entry) with each live
   * item's value copied out at once, since the next read may reuse the bytes.
   */
  getMany(ns: string, ids: readonly string[], keys: readonly Uint8Array[]): Item[][] {
    const map = this.#state(ns).maps.items;
    const read = map.peek === undefined ? map.get.bind(map) : map.peek.bind(map);
    const sorted = sortedUnique(keys);
    const now = Date.now();
    let scratch = Buffer.allocUnsafe(256);
    const out = new Array<Item[]>(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const prefix = recordPrefix(ids[i]!);
      const items: Item[] = [];
      for (const key of sorted) {
        const length = prefix.length + key.length;
        if (length > scratch.length) scratch = Buffer.allocUnsafe(length * 2);
        scratch.set(prefix, 0);
        scratch.set(key, prefix.length);
        const stored = read(scratch.subarray(0, length));
        if (stored === undefined) continue;
        const header = liveHeader(stored, now);
        if (header !== 0) items.push(copiedItem(key, stored, header));
      }
      out[i] = items;
    }
    return out;
  }

  #getKeys(maps: NamespaceMaps, prefix: Uint8Array, keys: readonly Uint8Array[], now: number): Item[] {
    const items: Item[] = [];
    const sorted = keys.length === 1 ? keys : [...keys].sort(compareBytes);
    let previous: Uint8Array | undefined;
    for (const key of sorted) {
      if (previous !== undefined && compareBytes(previous, key) === 0) continue;
      previous = key;
      const stored = maps.items.get(itemMapKey(prefix, key));
      if (stored === undefined) continue;
      const entry = decodeEntry(stored);
      if (isLive(entry, now)) items.push(toItem(key, entry));
    }
    return items;
  }

  #getRange(
    maps: NamespaceMaps,
    ns: string,
    id: string,
    prefix: Uint8Array,
    query: { range?: KeyRange; reverse?: boolean; limit?: number; pageBytes?: number; pageToken?: string },
    now: number,
  ): Page {
    const reverse = query.reverse === true;
    const limit = query.limit ?? KV_LIMITS.defaultPageLimit;
    const pageBytes = query.pageBytes ?? KV_LIMITS.defaultPageBytes;
    let from = query.range?.start === undefined ? prefix : itemMapKey(prefix, query.range.start);
    let to = query.range?.end === undefined ? recordEnd(prefix) : itemMapKey(prefix, query.range.end);
    if (query.pageToken !== undefined) {
      const last = itemMapKey(prefix, decodePageToken(query.pageToken, queryFingerprint(ns, id, query.range, reverse)));
      if (reverse) to = last;
      else from = itemMapKey(last, ZERO);
    }
    const items: Item[] = [];
    const skip = prefix.length;
    let bytes = 0;
    for (const { key: mapKey, value: stored } of maps.items.range(from, to, reverse)) {
      const header = liveHeader(stored, now);
      if (header === 0) continue;
      const size = mapKey.length - skip + stored.length - header;
      if (items.length >= limit || (items.length > 0 && bytes + size > pageBytes)) {
        // Only now is a token needed: the fingerprint costs a hash of the query.
        return { items, next: encodePageToken(queryFingerprint(ns, id, query.range, reverse), items[items.length - 1]!.key) };
      }
      items.push(new StoredItem(mapKey, skip, stored, header));
      bytes += size;
    }
    return { items };
  }

  countItems(ns: string, id: string): number {
    const maps = this.#resolve(ns);
    const prefix = recordPrefix(id);
    if (maps.config.countItems === true) {
      const stored = maps.meta.get(prefix);
      return stored === undefined ? 0 : decodeMeta(stored).count;
    }
    const now = Date.now();
    let n = 0;
    for (const { value } of maps.items.range(prefix, recordEnd(prefix), false)) if (isLive(decodeEntry(value), now)) n++;
    return n;
  }

  /** Every record with at least one live item, in id order. */
  *scan(ns: string): Generator<ScannedRecord> {
    const maps = this.#resolve(ns);
    const now = Date.now();
    let current: { id: string; items: Item[] } | undefined;
    for (const { key: mapKey, value: stored } of maps.items.range(new Uint8Array(0), undefined, false)) {
      const { id, prefixLength } = splitMapKey(mapKey);
      if (current !== undefined && current.id !== id) {
        if (current.items.length > 0) yield current;
        current = undefined;
      }
      current ??= { id, items: [] };
      const entry = decodeEntry(stored);
      if (isLive(entry, now)) current.items.push(toItem(mapKey.slice(prefixLength), entry));
    }
    if (current !== undefined && current.items.length > 0) yield current;
  }
}

function sortedUnique(keys: readonly Uint8Array[]): readonly Uint8Array[] {
  if (keys.length < 2) return keys;
  return [...keys].sort(compareBytes).filter((k, i, all) => i === 0 || compareBytes(all[i - 1]!, k) !== 0);
}

/** An item of a live stored entry whose bytes may be reused by the next read: the value is copied. */
function copiedItem(key: Uint8Array, stored: Uint8Array, header: number): Item {
  const view = new DataView(stored.buffer, stored.byteOffset, stored.byteLength);
  // A plain Uint8Array copy: Buffer#slice would be a view of bytes the next read overwrites,
  // and a Buffer copy costs several times more (species lookup, FastBuffer).
  const value = new Uint8Array(stored.buffer, stored.byteOffset + header, stored.length - header).slice();
  const writeTime = view.getBigInt64(1);
  return header === 17 ? { key, value, writeTime, expiresAt: view.getFloat64(9) } : { key, value, writeTime };
}

function toItem(key: Uint8Array, entry: Entry): Item {
  return entry.expiresAt === undefined
    ? { key, value: entry.value, writeTime: entry.writeTime }
    : { key, value: entry.value, writeTime: entry.writeTime, expiresAt: entry.expiresAt };
}
