import { KV_LIMITS, checkNamespace } from "../contract/validate-arguments.js";
import type { NamespaceConfig } from "../contract/kv-types.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { ValueTooLargeError } from "../errors/value-too-large-error.js";
import { compareBytes } from "../util/bytes.js";
import { ENCODED_BATCH_MAGIC } from "./encoded-batch.js";
import { encodeEntry } from "./entry-codec.js";
import type { NamespaceMaps } from "./ordered-kv-engine.js";
import { decodeMeta, emptyMeta, encodeMeta, isEmptyMeta, type RecordMeta } from "./record-meta.js";

/** What the applier needs of a namespace: its maps, and the engine's cached flags. */
export interface EncodedNamespaceState {
  readonly maps: NamespaceMaps;
  readonly counted: boolean;
  /** True once the namespace has a record or range delete: only then can a put be covered by one. */
  readonly rangeTombstones: boolean;
}

const TOMBSTONE = 1;
const EXPIRES = 2;

const view = (b: Buffer, at: number, length: number): Buffer => Buffer.from(b.buffer, b.byteOffset + at, length);

/**
 * Checks an encoded batch before its transaction opens, so a bad one refuses the whole batch
 * and nothing is half-written: the format, every namespace name, and every value against its
 * namespace's `maxValueBytes`.
 */
export function checkEncodedBatch(batch: Uint8Array, config: (ns: string) => NamespaceConfig | undefined): void {
  const b = Buffer.from(batch.buffer, batch.byteOffset, batch.byteLength);
  if (b.length < 6 || b.readUInt32BE(0) !== ENCODED_BATCH_MAGIC) throw new InvalidArgumentError("batch", "is not an encoded batch; build it with EncodedBatchBuilder");
  let at = 6;
  for (let n = b.readUInt16BE(4); n > 0; n--) {
    const nameLength = b.readUInt16BE(at);
    const ns = b.toString("utf8", at + 2, at + 2 + nameLength);
    checkNamespace(ns);
    const limit = config(ns)?.maxValueBytes ?? KV_LIMITS.defaultMaxValueBytes;
    at += 2 + nameLength;
    let records = b.readUInt32BE(at);
    at += 4;
    for (; records > 0; records--) {
      let items = b.readUInt32BE(at + 2);
      at += 6;
      for (; items > 0; items--) {
        at += 2 + b.readUInt16BE(at);
        const entryLength = b.readUInt32BE(at);
        if (entryLength - 9 > limit) throw new ValueTooLargeError(ns, entryLength - 9, limit);
        at += 4 + entryLength;
      }
    }
  }
  if (at !== b.length) throw new InvalidArgumentError("batch", `has ${b.length - at} bytes past its last item; build it with EncodedBatchBuilder`);
}

/**
 * Applies an encoded batch (see `EncodedBatchBuilder`) inside the backend's write transaction:
 * per item one read of the stored entry and, when the incoming write wins, one put of the bytes
 * as they came. A record's meta (its count, its range tombstones) is read only when the record's
 * live count changes or a range delete may cover an item, and written once per record: an edge
 * moving to a newer time in the same bucket adds one adjacency entry and removes one, so its
 * adjacency records need no meta at all. Returns the items written.
 */
export function applyEncodedBatch(batch: Uint8Array, namespace: (ns: string) => EncodedNamespaceState, now: number): number {
  const b = Buffer.from(batch.buffer, batch.byteOffset, batch.byteLength);
  let written = 0;
  let at = 6;
  for (let n = b.readUInt16BE(4); n > 0; n--) {
    const nameLength = b.readUInt16BE(at);
    const state = namespace(b.toString("utf8", at + 2, at + 2 + nameLength));
    at += 2 + nameLength;
    const records = b.readUInt32BE(at);
    at += 4;
    const { items: map, meta: metaMap, config } = state.maps;
    const peek = map.peek === undefined ? map.get.bind(map) : map.peek.bind(map);
    const ttl = config.ttlMs;
    for (let r = 0; r < records; r++) {
      const prefixLength = b.readUInt16BE(at);
      let count = b.readUInt32BE(at + 2);
      at += 6;
      let prefix: Buffer | undefined;
      let meta: RecordMeta | undefined;
      const loadMeta = (mapKey: Buffer): RecordMeta => {
        prefix ??= Buffer.from(mapKey.subarray(0, prefixLength));
        if (meta === undefined) {
          const stored = metaMap.get(prefix);
          meta = stored === undefined ? emptyMeta() : decodeMeta(stored);
        }
        return meta;
      };
      let delta = 0;
      let firstKey: Buffer | undefined;
      for (; count > 0; count--) {
        const keyLength = b.readUInt16BE(at);
        const mapKey = view(b, at + 2, keyLength);
        firstKey ??= mapKey;
        at += 2 + keyLength;
        const entryLength = b.readUInt32BE(at);
        const entryAt = at + 4;
        at = entryAt + entryLength;
        const incomingTombstone = (b[entryAt]! & TOMBSTONE) !== 0;
        const stored = peek(mapKey);
        let wasLive = false;
        if (stored !== undefined) {
          wasLive = (stored[0]! & TOMBSTONE) === 0;
          if (!incomingWinsBytes(b, entryAt, entryLength, stored, now)) continue;
        } else if (state.rangeTombstones && covered(loadMeta(mapKey), mapKey, prefixLength, b, entryAt)) {
          continue;
        }
        if (incomingTombstone) {
          if (wasLive) delta--;
        } else if (!wasLive) {
          delta++;
        }
        const entry = view(b, entryAt, entryLength);
        if (ttl === undefined || incomingTombstone) map.put(mapKey, entry);
        else map.put(mapKey, encodeEntry(entry.readBigInt64BE(1), entry.subarray(9), now + ttl));
        written++;
      }
      if (state.counted && delta !== 0) {
        const m = loadMeta(firstKey!);
        m.count += delta;
        if (isEmptyMeta(m)) metaMap.remove(prefix!);
        else metaMap.put(prefix!, encodeMeta(m));
      }
    }
  }
  return written;
}

/** The KV contract's last-write-wins (`incomingWins`) on stored entry bytes, with no decoding. */
function incomingWinsBytes(b: Buffer, at: number, length: number, stored: Uint8Array, now: number): boolean {
  // Write times are int64 big-endian and never negative: byte order is numeric order.
  for (let i = 1; i < 9; i++) {
    const x = b[at + i]!;
    const y = stored[i]!;
    if (x !== y) return x > y;
  }
  const flags = stored[0]!;
  if ((flags & TOMBSTONE) !== 0) return false;
  const header = (flags & EXPIRES) === 0 ? 9 : 17;
  // An expired item is a tombstone at its write time (Cassandra's rule).
  if (header === 17 && new DataView(stored.buffer, stored.byteOffset, stored.byteLength).getFloat64(9) <= now) return false;
  if ((b[at]! & TOMBSTONE) !== 0) return true;
  return compareBytes(b.subarray(at + 9, at + length), stored.subarray(header)) > 0;
}

function covered(meta: RecordMeta, mapKey: Buffer, prefixLength: number, b: Buffer, entryAt: number): boolean {
  const time = b.readBigInt64BE(entryAt + 1);
  if (meta.deletedAt !== undefined && time <= meta.deletedAt) return true;
  if (meta.ranges.length === 0) return false;
  const key = mapKey.subarray(prefixLength);
  for (const r of meta.ranges) {
    if (time <= r.time && (r.start === undefined || compareBytes(key, r.start) >= 0) && (r.end === undefined || compareBytes(key, r.end) < 0)) return true;
  }
  return false;
}
