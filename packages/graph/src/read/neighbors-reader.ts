import { compareBytes, type KvStore } from "@rdg/kv";
import { adjacencyNamespace, adjacencyRecordId, adjacencyTimeBound, bucketOf, decodeAdjacencyKey, edgeRecordId, type EdgeTypeDef } from "@rdg/model";
import type { GraphEdge, NeighborsPage, NeighborsQuery } from "../graph-types.js";
import { listBuckets } from "./buckets.js";
import { GraphError } from "../errors/graph-error.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { readEdgeStates } from "./edge-state.js";
import { matchesWhere } from "./property-filter.js";
import type { ResolvedEdge } from "./resolve-edge.js";


/** Largest time a window reaches (ms); buckets are uint32. */
const MAX_TIME = Number.MAX_SAFE_INTEGER;

/** The time window of a query, in milliseconds: [since, until). */
export function queryWindow(def: EdgeTypeDef, q: Pick<NeighborsQuery, "since" | "until" | "lookbackMs">, now: number, defaultLookbackMs: number): { since: number; until: number } {
  const lookback = q.lookbackMs ?? def.lookbackMs ?? defaultLookbackMs;
  const since = q.since ?? Math.max(0, now - lookback);
  const until = q.until ?? MAX_TIME;
  for (const [name, v] of [["since", since], ["until", until]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new GraphError("INVALID_QUERY", `${name} ${v} must be a non-negative integer of milliseconds`);
  }
  if (q.lookbackMs !== undefined && !(Number.isSafeInteger(q.lookbackMs) && q.lookbackMs > 0)) {
    throw new GraphError("INVALID_QUERY", `lookbackMs ${q.lookbackMs} must be a positive integer of milliseconds`);
  }
  if (until <= since) throw new GraphError("INVALID_QUERY", `until ${until} must be after since ${since}`);
  return { since, until };
}

/** Buckets of a node that may hold entries of the window, newest first. */
export function windowBuckets(kv: KvStore, def: EdgeTypeDef, direction: "out" | "in", nodeId: string, since: number, until: number, signal?: AbortSignal): Promise<number[]> {
  const last = Math.min(bucketOf(until - 1, def.bucketMs), 0xffffffff);
  return listBuckets(kv, def.name, direction, nodeId, bucketOf(since, def.bucketMs), last, true, signal);
}

/** One adjacency entry with the edge's current state. */
export interface CheckedEntry {
  readonly key: Uint8Array;
  readonly edge: GraphEdge | undefined;
}

/**
 * Reads a bucket's adjacency entries newest first in [start, end) and checks each against its
 * edge's state: an entry stands for the edge only while its time is the edge's current time.
 * Yields a page of checked entries at a time.
 */
export async function* checkedEntries(kv: KvStore, edge: ResolvedEdge, nodeId: string, bucket: number, start: Uint8Array, end: Uint8Array, pageSize: () => number, signal?: AbortSignal): AsyncGenerator<CheckedEntry[]> {
  const { def, direction } = edge;
  const ns = adjacencyNamespace(def.name, direction);
  const record = adjacencyRecordId(nodeId, bucket);
  let pageToken: string | undefined;
  do {
    const pageRead = kv.getItems(ns, record, { range: { start, end }, reverse: true, limit: Math.max(1, Math.min(10_000, pageSize())), pageToken, signal });
    const page = pageRead instanceof Promise ? await pageRead : pageRead;
    const n = page.items.length;
    const keys = new Array<Uint8Array>(n);
    const times = new Array<number>(n);
    const others = new Array<string>(n);
    const ids = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const key = page.items[i]!.key;
      const { time, other } = decodeAdjacencyKey(key);
      keys[i] = key;
      times[i] = time;
      others[i] = other;
      ids[i] = direction === "out" ? edgeRecordId(nodeId, other) : edgeRecordId(other, nodeId);
    }
    // The page's edge states in one call: on a synchronous store no promise at all.
    const statesRead = readEdgeStates(kv, def, ids, "props", signal);
    const states = statesRead instanceof Promise ? await statesRead : statesRead;
    const checked = new Array<CheckedEntry>(n);
    for (let i = 0; i < n; i++) {
      const state = states[i]!;
      const other = others[i]!;
      checked[i] = state.alive !== times[i]
        ? { key: keys[i]!, edge: undefined }
        : { key: keys[i]!, edge: { type: def.name, from: direction === "out" ? nodeId : other, to: direction === "out" ? other : nodeId, other, time: times[i]!, props: state.props } };
    }
    yield checked;
    pageToken = page.next;
  } while (pageToken !== undefined);
}

/**
 * Neighbours of one node, newest first: buckets newest first, each read backwards over its
 * time-ordered entries, so a page costs in proportion to its limit, not to the bucket.
 * `order: "any"` reads the same way (no cheaper order exists in this layout).
 */
export async function readNeighbors(kv: KvStore, edge: ResolvedEdge, nodeId: string, q: NeighborsQuery, now: number, defaultLookbackMs: number): Promise<NeighborsPage> {
  const { def, direction } = edge;
  const limit = q.limit ?? 300;
  const signature = `${def.name}|${direction}|${nodeId}|${q.order ?? "latest"}`;
  const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor, signature);
  // A continued query keeps its first page's window: "the last 100 days" must not slide between pages.
  const { since, until } = cursor === undefined ? queryWindow(def, q, now, defaultLookbackMs) : { since: cursor.s, until: cursor.u };
  if (cursor !== undefined && ((q.since !== undefined && q.since !== since) || (q.until !== undefined && q.until !== until))) {
    throw new GraphError("INVALID_CURSOR", "cursor belongs to a query with another time window (since/until differ)");
  }
  const buckets = await windowBuckets(kv, def, direction, nodeId, since, until, q.signal);
  const startAt = cursor === undefined ? 0 : buckets.findIndex((b) => b <= cursor.b);
  if (startAt < 0) return { edges: [] };
  const resumeKey = cursor === undefined ? undefined : Buffer.from(cursor.k, "hex");
  const low = adjacencyTimeBound(since);
  const high = adjacencyTimeBound(until);
  const edges: GraphEdge[] = [];
  for (let i = startAt; i < buckets.length; i++) {
    const bucket = buckets[i]!;
    const end = resumeKey !== undefined && bucket === cursor!.b && compareBytes(resumeKey, high) < 0 ? resumeKey : high;
    for await (const page of checkedEntries(kv, edge, nodeId, bucket, low, end, () => limit - edges.length, q.signal)) {
      for (let j = 0; j < page.length; j++) {
        const { key, edge: found } = page[j]!;
        if (found === undefined || (q.where !== undefined && !matchesWhere(found.props, q.where))) continue;
        edges.push(found);
        if (edges.length === limit) {
          return { edges, cursor: encodeCursor({ q: signature, b: bucket, k: Buffer.from(key).toString("hex"), s: since, u: until }) };
        }
      }
    }
  }
  return { edges };
}
