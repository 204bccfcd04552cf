import type { KvStore } from "@rdg/kv";
import { adjacencyNamespace, adjacencyRecordId, adjacencyTimeBound } from "@rdg/model";
import type { EdgeCount } from "../graph-types.js";
import { gather } from "../util/awaitable.js";
import { checkedEntries, windowBuckets } from "./neighbors-reader.js";
import type { ResolvedEdge } from "./resolve-edge.js";

/**
 * Edges of a node in [since, until). The per-bucket entry counts (O(1) each where the store
 * keeps counts) sum to an upper bound: entries of a superseded time that a concurrent writer
 * left, and whole buckets at the window's ends, count too. When that bound is at most
 * `exactLimit`, the entries are read and checked, and the count is exact: the number of edges
 * paging through `neighbors` over the same window returns.
 */
export async function countEdges(kv: KvStore, edge: ResolvedEdge, nodeId: string, since: number, until: number, exactLimit: number): Promise<EdgeCount> {
  const { def, direction } = edge;
  const buckets = await windowBuckets(kv, def, direction, nodeId, since, until);
  const ns = adjacencyNamespace(def.name, direction);
  const counts = await gather(buckets, (b) => kv.countItems(ns, adjacencyRecordId(nodeId, b)));
  const bound = counts.reduce((a, b) => a + b, 0);
  if (bound > exactLimit) return { count: bound, exact: false };
  const low = adjacencyTimeBound(since);
  const high = adjacencyTimeBound(until);
  let count = 0;
  for (const bucket of buckets) {
    for await (const page of checkedEntries(kv, edge, nodeId, bucket, low, high, () => 1000)) {
      for (const entry of page) if (entry.edge !== undefined) count++;
    }
  }
  return { count, exact: true };
}
