import type { Item, KvStore } from "@rdg/kv";
import { adjacencyNamespace, adjacencyRecordId, bucketOf, decodeKey, type EdgeTypeDef } from "@rdg/model";
import { edgeProps, edgeTime } from "../codec/value-codec.js";
import type { GraphEdge, NeighborsPage, NeighborsQuery } from "../graph-types.js";
import { listBuckets } from "./buckets.js";
import { GraphError } from "../errors/graph-error.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { matchesWhere } from "./property-filter.js";
import type { ResolvedEdge } from "./resolve-edge.js";

interface Candidate {
  readonly other: string;
  readonly key: Uint8Array;
  readonly time: number;
  readonly value: Uint8Array;
  /** Decoded on first need: most edges of a bucket are sorted past, never returned. */
  props?: GraphEdge["props"];
}

const propsOf = (c: Candidate): GraphEdge["props"] => (c.props ??= edgeProps(c.value));

/** The time window of a query, in milliseconds: [since, until). */
export function queryWindow(def: EdgeTypeDef, q: Pick<NeighborsQuery, "since" | "until" | "lookbackMs">, now: number, defaultLookbackMs: number): { since: number; until: number } {
  const lookback = q.lookbackMs ?? def.lookbackMs ?? defaultLookbackMs;
  return { since: q.since ?? Math.max(0, now - lookback), until: q.until ?? Number.MAX_SAFE_INTEGER };
}

async function readAll(kv: KvStore, ns: string, id: string): Promise<Item[]> {
  const out: Item[] = [];
  let pageToken: string | undefined;
  do {
    const page = await kv.getItems(ns, id, { pageToken, limit: 10_000, pageBytes: 16 * 1024 * 1024 });
    for (const item of page.items) out.push(item);
    pageToken = page.next;
  } while (pageToken !== undefined);
  return out;
}

const toCandidate = (item: Item): Candidate => ({ other: decodeKey(item.key), key: item.key, time: edgeTime(item.value), value: item.value });

/**
 * Neighbours of one node, walking its time buckets newest first. Within a bucket `latest` sorts
 * by time (a bucket is bounded, the node's whole adjacency is never read); `any` streams the
 * bucket in key order. An edge updated in several buckets is returned once, from its newest.
 */
export async function readNeighbors(kv: KvStore, edge: ResolvedEdge, nodeId: string, q: NeighborsQuery, now: number, defaultLookbackMs: number): Promise<NeighborsPage> {
  const { def, direction } = edge;
  const order = q.order ?? "latest";
  const limit = q.limit ?? 300;
  const signature = `${def.name}|${direction}|${nodeId}|${order}`;
  const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor, signature);
  // A continued query keeps its first page's window: "the last 100 days" must not slide between pages.
  const { since, until } = cursor === undefined ? queryWindow(def, q, now, defaultLookbackMs) : { since: cursor.s, until: cursor.u };
  if (cursor !== undefined && ((q.since !== undefined && q.since !== since) || (q.until !== undefined && q.until !== until))) {
    throw new GraphError("INVALID_CURSOR", "cursor belongs to a query with another time window (since/until differ)");
  }
  const buckets = await listBuckets(kv, def.name, direction, nodeId, bucketOf(since, def.bucketMs), bucketOf(Math.min(until, 0xffffffff * def.bucketMs), def.bucketMs), true);
  const ns = adjacencyNamespace(def.name, direction);
  const startAt = cursor === undefined ? 0 : buckets.indexOf(cursor.b);
  if (startAt < 0) return { edges: [] };
  const earlier = buckets.slice(0, startAt); // newer buckets returned on previous pages
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();

  const accept = async (bucketCandidates: Candidate[]): Promise<Candidate[]> => {
    const fresh = bucketCandidates.filter((c) => !seen.has(c.other) && c.time >= since && c.time < until && (q.where === undefined || matchesWhere(propsOf(c), q.where)));
    if (earlier.length === 0 || fresh.length === 0) return fresh;
    // Drop edges that also sit in a newer bucket a previous page already covered.
    const stale = new Set<string>();
    for (const b of earlier) {
      const page = await kv.getItems(ns, adjacencyRecordId(nodeId, b), { keys: fresh.map((c) => c.key) });
      for (const item of page.items) stale.add(decodeKey(item.key));
    }
    return fresh.filter((c) => !stale.has(c.other));
  };
  const emit = (c: Candidate): void => {
    seen.add(c.other);
    const [from, to] = direction === "out" ? [nodeId, c.other] : [c.other, nodeId];
    edges.push({ type: def.name, from, to, other: c.other, time: c.time, props: propsOf(c) });
  };

  for (let i = startAt; i < buckets.length; i++) {
    const bucket = buckets[i]!;
    const record = adjacencyRecordId(nodeId, bucket);
    const resume = cursor !== undefined && i === startAt ? cursor : undefined;
    if (order === "latest") {
      const all = (await readAll(kv, ns, record)).map(toCandidate).sort((a, b) => b.time - a.time || (a.other < b.other ? -1 : 1));
      const from = resume?.o ?? 0;
      const slice = all.slice(from);
      // Mark every edge of the bucket seen, so older buckets' stale copies are skipped even past the limit.
      const fresh = await accept(slice);
      for (let j = 0; j < fresh.length; j++) {
        emit(fresh[j]!);
        if (edges.length === limit) {
          const offset = from + slice.indexOf(fresh[j]!) + 1;
          const more = offset < all.length || i + 1 < buckets.length;
          return more ? { edges, cursor: encodeCursor(offset < all.length ? { q: signature, b: bucket, o: offset, s: since, u: until } : { q: signature, b: buckets[i + 1]!, s: since, u: until }) } : { edges };
        }
      }
      for (const c of all) seen.add(c.other);
      continue;
    }
    let pageToken = resume?.k;
    do {
      const page = await kv.getItems(ns, record, { limit: Math.min(10_000, limit - edges.length), pageToken });
      const candidates = page.items.map(toCandidate);
      for (const c of await accept(candidates)) emit(c);
      for (const c of candidates) seen.add(c.other);
      pageToken = page.next;
      if (edges.length >= limit) {
        if (pageToken !== undefined) return { edges, cursor: encodeCursor({ q: signature, b: bucket, k: pageToken, s: since, u: until }) };
        return i + 1 < buckets.length ? { edges, cursor: encodeCursor({ q: signature, b: buckets[i + 1]!, s: since, u: until }) } : { edges };
      }
    } while (pageToken !== undefined);
  }
  return { edges };
}
