/*
 * Stored form of an item: flags (1 byte), write time (int64 BE), expiry (float64 BE, only when
 * flagged), then the value. A tombstone is an entry with the tombstone flag and no value; it
 * keeps a delete's write time so an older put that arrives late cannot resurrect the item.
 */
const TOMBSTONE = 1;
const EXPIRES = 2;

export interface Entry {
  readonly tombstone: boolean;
  readonly writeTime: bigint;
  readonly expiresAt: number | undefined;
  readonly value: Uint8Array;
}

const EMPTY = new Uint8Array(0);

export function encodeEntry(writeTime: bigint, value: Uint8Array | undefined, expiresAt: number | undefined): Uint8Array {
  const header = expiresAt === undefined ? 9 : 17;
  const out = new Uint8Array(header + (value?.length ?? 0));
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out[0] = (value === undefined ? TOMBSTONE : 0) | (expiresAt === undefined ? 0 : EXPIRES);
  view.setBigInt64(1, writeTime);
  if (expiresAt !== undefined) view.setFloat64(9, expiresAt);
  if (value !== undefined) out.set(value, header);
  return out;
}

export function decodeEntry(bytes: Uint8Array): Entry {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = bytes[0]!;
  const writeTime = view.getBigInt64(1);
  const hasExpiry = (flags & EXPIRES) !== 0;
  const expiresAt = hasExpiry ? view.getFloat64(9) : undefined;
  const tombstone = (flags & TOMBSTONE) !== 0;
  return { tombstone, writeTime, expiresAt, value: tombstone ? EMPTY : bytes.subarray(hasExpiry ? 17 : 9) };
}

/** Write time of a stored entry without decoding the rest. */
export function entryWriteTime(bytes: Uint8Array): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigInt64(1);
}
