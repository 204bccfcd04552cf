import { recordPrefix } from "./record-key-codec.js";

/*
 * An encoded batch: item writes already in the engine's stored form, grouped by namespace and
 * record and sorted, in one buffer that a worker thread builds and transfers to the thread that
 * owns the store's writes. The writer applies last-write-wins straight from the bytes: no
 * operation objects, no per-item key concatenation, and LMDB sees the keys in ascending order
 * (5-6x faster than random order on lmdb-js).
 *
 *   batch    = magic(u32) namespaceCount(u16) namespace*
 *   namespace= nameLength(u16) name(utf8) recordCount(u32) record*
 *   record   = prefixLength(u16) itemCount(u32) item*
 *   item     = mapKeyLength(u16) mapKey(prefix ++ item key) entryLength(u32) entry
 *   entry    = the engine's stored entry (flags, write time int64 BE, value)
 *
 * The order is a speed hint only: last-write-wins makes the result independent of it.
 */
export const ENCODED_BATCH_MAGIC = 0x52444231; // "RDB1"

const TOMBSTONE = 1;
const TWO_32 = 0x1_0000_0000;

interface RecordRun {
  readonly prefix: Buffer;
  /** Offsets of this record's items in the scratch buffer. */
  readonly items: number[];
}

/**
 * Builds an encoded batch. Write times are microseconds as numbers (exact below 2^53, which
 * every event time is), so no BigInt is made per item.
 */
export class EncodedBatchBuilder {
  readonly #namespaces = new Map<string, Map<string, RecordRun>>();
  #scratch = Buffer.allocUnsafe(1 << 16);
  #used = 0;
  #items = 0;
  #lastNs = "";
  #lastRecords: Map<string, RecordRun> | undefined;

  /** Items added so far. */
  get size(): number {
    return this.#items;
  }

  /** A put of one item; `writeTimeUs` in microseconds. */
  put(ns: string, recordId: string, key: Uint8Array, value: Uint8Array, writeTimeUs: number): void {
    this.#add(ns, recordId, key, value, writeTimeUs, 0);
  }

  /** A delete of one item (a tombstone at `writeTimeUs`). */
  deleteItem(ns: string, recordId: string, key: Uint8Array, writeTimeUs: number): void {
    this.#add(ns, recordId, key, undefined, writeTimeUs, TOMBSTONE);
  }

  #records(ns: string): Map<string, RecordRun> {
    if (ns === this.#lastNs && this.#lastRecords !== undefined) return this.#lastRecords;
    let records = this.#namespaces.get(ns);
    if (records === undefined) this.#namespaces.set(ns, (records = new Map()));
    this.#lastNs = ns;
    this.#lastRecords = records;
    return records;
  }

  #add(ns: string, recordId: string, key: Uint8Array, value: Uint8Array | undefined, writeTimeUs: number, flags: number): void {
    const records = this.#records(ns);
    let run = records.get(recordId);
    if (run === undefined) records.set(recordId, (run = { prefix: recordPrefix(recordId), items: [] }));
    const valueLength = value?.length ?? 0;
    // Scratch form of an item: keyLength(u16) key entryLength(u32) entry; the prefix is added at finish.
    this.#reserve(2 + key.length + 4 + 9 + valueLength);
    const s = this.#scratch;
    let at = this.#used;
    run.items.push(at);
    s.writeUInt16BE(key.length, at);
    s.set(key, at + 2);
    at += 2 + key.length;
    s.writeUInt32BE(9 + valueLength, at);
    s[at + 4] = flags;
    s.writeUInt32BE(Math.floor(writeTimeUs / TWO_32), at + 5);
    s.writeUInt32BE(writeTimeUs >>> 0, at + 9);
    if (value !== undefined) s.set(value, at + 13);
    this.#used = at + 13 + valueLength;
    this.#items++;
  }

  #reserve(bytes: number): void {
    if (this.#used + bytes <= this.#scratch.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#scratch.length * 2, this.#used + bytes));
    this.#scratch.copy(next, 0, 0, this.#used);
    this.#scratch = next;
  }

  /** The batch as one buffer (an ArrayBuffer of its own, to transfer), namespaces and records sorted. */
  finish(): Uint8Array {
    const names = [...this.#namespaces.keys()].sort();
    const s = this.#scratch;
    let size = 6;
    const sorted: RecordRun[][] = [];
    for (const name of names) {
      const records = this.#namespaces.get(name)!;
      // Native string order: UTF-16 rather than UTF-8 bytes, which differ only past U+D7FF; order is a hint.
      const ids = [...records.keys()].sort();
      const runs = ids.map((id) => records.get(id)!);
      sorted.push(runs);
      size += 2 + Buffer.byteLength(name) + 4;
      for (const run of runs) {
        size += 6;
        for (const at of run.items) {
          const keyLength = s.readUInt16BE(at);
          const entryLength = s.readUInt32BE(at + 2 + keyLength);
          size += 2 + run.prefix.length + keyLength + 4 + entryLength;
        }
      }
    }
    const out = Buffer.allocUnsafeSlow(size);
    out.writeUInt32BE(ENCODED_BATCH_MAGIC, 0);
    out.writeUInt16BE(names.length, 4);
    let at = 6;
    for (let n = 0; n < names.length; n++) {
      at = out.writeUInt16BE(Buffer.byteLength(names[n]!), at);
      at += out.write(names[n]!, at, "utf8");
      const runs = sorted[n]!;
      at = out.writeUInt32BE(runs.length, at);
      for (const run of runs) {
        at = out.writeUInt16BE(run.prefix.length, at);
        at = out.writeUInt32BE(run.items.length, at);
        for (const from of run.items) {
          const keyLength = s.readUInt16BE(from);
          at = out.writeUInt16BE(run.prefix.length + keyLength, at);
          run.prefix.copy(out, at);
          at += run.prefix.length;
          s.copy(out, at, from + 2, from + 2 + keyLength);
          at += keyLength;
          const entryLength = s.readUInt32BE(from + 2 + keyLength);
          const entryAt = from + 6 + keyLength;
          at = out.writeUInt32BE(entryLength, at);
          s.copy(out, at, entryAt, entryAt + entryLength);
          at += entryLength;
        }
      }
    }
    this.#namespaces.clear();
    this.#lastRecords = undefined;
    this.#lastNs = "";
    this.#used = 0;
    this.#items = 0;
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }
}

/** Items of an encoded batch, without decoding it. */
export function encodedBatchItems(batch: Uint8Array): number {
  const b = Buffer.from(batch.buffer, batch.byteOffset, batch.byteLength);
  let items = 0;
  let at = 4;
  const namespaces = b.readUInt16BE(at);
  at += 2;
  for (let n = 0; n < namespaces; n++) {
    at += 2 + b.readUInt16BE(at);
    const records = b.readUInt32BE(at);
    at += 4;
    for (let r = 0; r < records; r++) {
      const count = b.readUInt32BE(at + 2);
      at += 6;
      items += count;
      for (let i = 0; i < count; i++) {
        at += 2 + b.readUInt16BE(at);
        at += 4 + b.readUInt32BE(at);
      }
    }
  }
  return items;
}
