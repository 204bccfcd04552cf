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

const asBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

export function encodeEntry(writeTime: bigint, value: Uint8Array | undefined, expiresAt: number | undefined): Buffer {
  const header = expiresAt === undefined ? 9 : 17;
  const out = Buffer.allocUnsafe(header + (value?.length ?? 0));
  out[0] = (value === undefined ? TOMBSTONE : 0) | (expiresAt === undefined ? 0 : EXPIRES);
  out.writeBigInt64BE(writeTime, 1);
  if (expiresAt !== undefined) out.writeDoubleBE(expiresAt, 9);
  if (value !== undefined) out.set(value, header);
  return out;
}

export function decodeEntry(bytes: Uint8Array): Entry {
  const buf = asBuffer(bytes);
  const flags = buf[0]!;
  const writeTime = buf.readBigInt64BE(1);
  const hasExpiry = (flags & EXPIRES) !== 0;
  const expiresAt = hasExpiry ? buf.readDoubleBE(9) : undefined;
  const tombstone = (flags & TOMBSTONE) !== 0;
  const header = hasExpiry ? 17 : 9;
  // A plain view: Buffer#subarray costs several times more (species lookup, FastBuffer).
  return { tombstone, writeTime, expiresAt, value: tombstone ? EMPTY : new Uint8Array(buf.buffer, buf.byteOffset + header, buf.length - header) };
}

/**
 * Header length of a live entry (9, or 17 with an expiry), or 0 for a tombstone or an expired
 * entry: the range hot path checks liveness without decoding.
 */
export function liveHeader(bytes: Uint8Array, now: number): number {
  const flags = bytes[0]!;
  if ((flags & TOMBSTONE) !== 0) return 0;
  if ((flags & EXPIRES) === 0) return 9;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat64(9) > now ? 17 : 0;
}
