import type { KvStore } from "@rdg/kv";
import { adjacencyNamespace, adjacencyRecordId, adjacencyTimeBound } from "@rdg/model";
import type { EdgeCount } from "../graph-types.js";
import { gather } from "../util/awaitable.js";
import { checkedEntries, windowBuckets } from "./neighbors-reader.js";
import type { ResolvedEdge } from "./resolve-edge.js";

/** Adjacency entries of one bucket record in [low, high), read as keys only. */
async function entriesInRange(kv: KvStore, ns: string, record: string, low: Uint8Array, high: Uint8Array, signal: AbortSignal | undefined): Promise<number> {
  let count = 0;
  let pageToken: string | undefined;
  do {
    const page = await kv.getItems(ns, record, { range: { start: low, end: high }, limit: 10_000, pageToken, signal });
    count += page.items.length;
    pageToken = page.next;
  } while (pageToken !== undefined);
  return count;
}

/**
 * Edges of a node in [since, until). Each edge has one adjacency entry while the graph has one
 * writer process, so the count is the entries in the window: O(1) per bucket the window covers
 * whole (the store's item count), a range of keys for the one or two buckets it cuts. With
 * `verify`, every entry is checked against its edge's state instead, which stays exact when
 * several processes write the same edges (cost in proportion to the edges).
 */
export async function countEdges(kv: KvStore, edge: ResolvedEdge, nodeId: string, since: number, until: number, verify: boolean, signal?: AbortSignal): Promise<EdgeCount> {
  const { def, direction } = edge;
  const buckets = await windowBuckets(kv, def, direction, nodeId, since, until, signal);
  const low = adjacencyTimeBound(since);
  const high = adjacencyTimeBound(until);
  if (verify) {
    let count = 0;
    for (const bucket of buckets) {
      for await (const page of checkedEntries(kv, edge, nodeId, bucket, low, high, () => 1000, signal)) {
        for (const entry of page) if (entry.edge !== undefined) count++;
      }
    }
    return { count, verified: true };
  }
  const ns = adjacencyNamespace(def.name, direction);
  const counts = await gather(buckets, (b) => {
    // countItems takes no options: the signal is checked before each call instead.
    signal?.throwIfAborted();
    const record = adjacencyRecordId(nodeId, b);
    const whole = b * def.bucketMs >= since && (b + 1) * def.bucketMs <= until;
    return whole ? kv.countItems(ns, record) : entriesInRange(kv, ns, record, low, high, signal);
  });
  return { count: counts.reduce((a, b) => a + b, 0), verified: false };
}
