import { InvalidArgumentError, type Item } from "@rdg/kv";
import { types, type Client } from "cassandra-driver";

/** Cassandra refuses TTLs over 20 years. */
export const MAX_TTL_SECONDS = 630_720_000;
const LOW_BITS = 0xffffffffn;

/** A Buffer view of the bytes (the driver encodes blobs from Buffers only); no copy. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** How a write time is bound as a CQL `bigint` timestamp. */
export type TimestampParam = (micros: bigint) => unknown;

/**
 * The encoding the client expects for a CQL `bigint`: a BigInt when the client was made with
 * `encoding.useBigIntAsLong` (the store's own clients are), else a `Long`. A client whose
 * options cannot be read gets a decimal string, which both encodings accept.
 */
export function timestampParam(client: Client): TimestampParam {
  const encoding = (client as { options?: { encoding?: { useBigIntAsLong?: boolean } } }).options?.encoding;
  if (encoding === undefined) return (t) => t.toString();
  if (encoding.useBigIntAsLong === true) return (t) => t;
  return (t) => types.Long.fromBits(Number(t & LOW_BITS) | 0, Number(t >> 32n) | 0);
}

/** A CQL `bigint` as read back: a BigInt or a `Long`, depending on the client's encoding. */
export function readBigInt(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  const long = value as types.Long;
  return (BigInt(long.high) << 32n) | BigInt(long.low >>> 0);
}

/**
 * TTL in whole seconds for an item that must live `ttlMs` from `nowMs`. Cassandra expires a
 * cell at (the server's current whole second + TTL), so the TTL is counted from the start of
 * the current second to the first whole second at or after the exact expiry: the item lives
 * at least `ttlMs`, and at most one second longer (granularity "s"), assuming the client's
 * and server's clocks agree.
 */
export function ttlSeconds(ttlMs: number, nowMs: number): number {
  const seconds = Math.ceil((nowMs + ttlMs) / 1000) - Math.floor(nowMs / 1000);
  if (seconds > MAX_TTL_SECONDS) {
    throw new InvalidArgumentError("ttlMs", `${ttlMs} ms exceeds Cassandra's maximum TTL of ${MAX_TTL_SECONDS} s (20 years)`, { origin: "kv-cassandra" });
  }
  return seconds;
}

/** A row of `key, value, wt, ttl` as an item; `undefined` for a row without a live value. */
export function rowToItem(row: types.Row, nowSecond: number): Item | undefined {
  const value = row["value"] as Buffer | null;
  if (value === null) return undefined;
  const ttl = row["ttl"] as number | null;
  const key = row["key"] as Buffer;
  const writeTime = readBigInt(row["wt"]);
  // TTL(value) is the server's remaining whole seconds: expiry is at a second boundary.
  return ttl === null ? { key, value, writeTime } : { key, value, writeTime, expiresAt: (nowSecond + ttl) * 1000 };
}
