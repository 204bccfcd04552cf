import type { Item } from "@rdg/kv";

/*
 * Stored form of an item in the record's hash, the same bytes as the shared engine's:
 * flags (1 byte: 1 = tombstone, 2 = has expiry), write time (int64 BE, microseconds), expiry
 * (float64 BE, milliseconds, only when flagged), then the value. The Lua scripts read the
 * header to apply last-write-wins and to skip expired items, so its layout is fixed here and
 * in redis-scripts.ts together.
 */
export const TOMBSTONE_FLAG = 1;
export const EXPIRES_FLAG = 2;
export const HEADER_BYTES = 9;
export const HEADER_BYTES_WITH_EXPIRY = 17;

/** Writes an entry (a put: never a tombstone) into `out` at `at`; returns the end offset. */
export function writeEntry(out: Buffer, at: number, writeTime: bigint, expiresAt: number | undefined, value: Uint8Array): number {
  out[at] = expiresAt === undefined ? 0 : EXPIRES_FLAG;
  out.writeBigInt64BE(writeTime, at + 1);
  let end = at + HEADER_BYTES;
  if (expiresAt !== undefined) {
    out.writeDoubleBE(expiresAt, end);
    end = at + HEADER_BYTES_WITH_EXPIRY;
  }
  out.set(value, end);
  return end + value.length;
}

/** Size of an entry of this value. */
export const entrySize = (expiresAt: number | undefined, value: Uint8Array): number =>
  (expiresAt === undefined ? HEADER_BYTES : HEADER_BYTES_WITH_EXPIRY) + value.length;

/** The item of a stored entry, or undefined when it is a tombstone or has expired by `now`. */
export function liveItem(key: Uint8Array, entry: Buffer, now: number): Item | undefined {
  const flags = entry[0]!;
  if ((flags & TOMBSTONE_FLAG) !== 0) return undefined;
  const writeTime = entry.readBigInt64BE(1);
  // A plain view: Buffer#subarray costs several times more (species lookup, FastBuffer).
  if ((flags & EXPIRES_FLAG) === 0) {
    return { key, value: new Uint8Array(entry.buffer, entry.byteOffset + HEADER_BYTES, entry.length - HEADER_BYTES), writeTime };
  }
  const expiresAt = entry.readDoubleBE(HEADER_BYTES);
  if (expiresAt <= now) return undefined;
  const value = new Uint8Array(entry.buffer, entry.byteOffset + HEADER_BYTES_WITH_EXPIRY, entry.length - HEADER_BYTES_WITH_EXPIRY);
  return { key, value, writeTime, expiresAt };
}

