/*
 * The one module that maps the graph onto KV namespaces, record ids and item keys. Every
 * backend stores the same layout, so data moves between stores unchanged.
 *
 *   node.<type>                  record = node id            items = property name -> value, plus 0x00 (exists)
 *   edge.<type>.out|in           record = bucket|node id     items = other end id -> edge value
 *   edge.<type>.out|in.buckets   record = node id            items = bucket (uint32 BE) -> empty
 *
 * Adjacency records are cut by time bucket so a supernode never becomes one unbounded record,
 * and the bucket leads the record id so the writes of the current bucket sit next to each
 * other in ordered stores (LMDB writes 5-6x faster in key order than at random).
 */
// Buffer (a Uint8Array) encodes short strings several times faster than TextEncoder.

export type Direction = "out" | "in";

export const NODE_EXISTS_KEY: Uint8Array = Uint8Array.of(0);

export function nodeNamespace(type: string): string {
  return `node.${type}`;
}

export function adjacencyNamespace(edgeType: string, direction: Direction): string {
  return `edge.${edgeType}.${direction}`;
}

export function bucketIndexNamespace(edgeType: string, direction: Direction): string {
  return `edge.${edgeType}.${direction}.buckets`;
}

/** Bucket number of a time in milliseconds. */
export function bucketOf(timeMs: number, bucketMs: number): number {
  return Math.floor(timeMs / bucketMs);
}

/** Record id of the adjacency of `nodeId` in bucket `bucket`. */
export function adjacencyRecordId(nodeId: string, bucket: number): string {
  return `${bucket.toString(16).padStart(8, "0")}|${nodeId}`;
}

/** Item key of a bucket in the bucket index: 4 bytes big-endian, so buckets sort by time. */
export function bucketKey(bucket: number): Uint8Array {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32BE(bucket, 0);
  return out;
}

export function decodeBucketKey(key: Uint8Array): number {
  return new DataView(key.buffer, key.byteOffset, key.byteLength).getUint32(0);
}

const propertyKeys = new Map<string, Uint8Array>();

export function propertyKey(name: string): Uint8Array {
  let key = propertyKeys.get(name);
  if (key === undefined) {
    key = Buffer.from(name, "utf8");
    if (propertyKeys.size < 10_000) propertyKeys.set(name, key);
  }
  return key;
}

export function idKey(id: string): Uint8Array {
  return Buffer.from(id, "utf8");
}

export function decodeKey(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("utf8");
}

/** Microseconds of an event time in milliseconds: the write time of what the event writes. */
export function writeTimeOf(timeMs: number): bigint {
  return BigInt(Math.trunc(timeMs)) * 1000n;
}
