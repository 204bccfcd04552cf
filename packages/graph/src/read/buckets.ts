import type { KvStore } from "@rdg/kv";
import { bucketIndexNamespace, bucketKey, decodeBucketKey, type Direction } from "@rdg/model";

/** Buckets of a node's adjacency in [fromBucket, toBucket], newest first or oldest first. */
export async function listBuckets(
  kv: KvStore,
  edgeType: string,
  direction: Direction,
  nodeId: string,
  fromBucket: number,
  toBucket: number,
  newestFirst: boolean,
  signal?: AbortSignal,
): Promise<number[]> {
  const out: number[] = [];
  const ns = bucketIndexNamespace(edgeType, direction);
  const range = { start: bucketKey(Math.max(0, fromBucket)), end: bucketKey(Math.min(0xffffffff, toBucket + 1)) };
  let pageToken: string | undefined;
  do {
    const page = await kv.getItems(ns, nodeId, { range, reverse: newestFirst, limit: 10_000, pageToken, signal });
    for (const item of page.items) out.push(decodeBucketKey(item.key));
    pageToken = page.next;
  } while (pageToken !== undefined);
  return out;
}
