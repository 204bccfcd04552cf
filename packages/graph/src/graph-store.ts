import type { KvOperation, KvStore, NamespaceConfig } from "@rdg/kv";
import {
  adjacencyNamespace,
  adjacencyRecordId,
  bucketIndexNamespace,
  bucketOf,
  checkId,
  decodeKey,
  nodeNamespace,
  validateMutation,
  type Mutation,
  type Properties,
  type PropertyValue,
  type Schema,
} from "@rdg/model";
import { decodeValue, edgeTime } from "./codec/value-codec.js";
import { GraphError } from "./errors/graph-error.js";
import type { EdgeCount, GraphNode, NeighborsPage, NeighborsQuery } from "./graph-types.js";
import { listBuckets } from "./read/buckets.js";
import { queryWindow, readNeighbors } from "./read/neighbors-reader.js";
import { resolveEdge } from "./read/resolve-edge.js";
import { traverse } from "./traverse/traverse.js";
import type { TraversalQuery, TraversalResult } from "./traverse/traversal-types.js";
import { bucketIndexOperation, edgeDeleteOperations, sortOperations, upsertOperations, type IndexBucket } from "./write/mutations-to-operations.js";
import { BucketIndexCache } from "./write/bucket-index-cache.js";

const DAY = 86_400_000;

/** Options of a `GraphStore`. */
export interface GraphStoreOptions {
  readonly kv: KvStore;
  readonly schema: Schema;
  /** Lookback of edge reads when neither the query nor the edge type sets one. @default 100 days */
  readonly defaultLookbackMs?: number;
  /** Up to this many bucket entries an edge count is exact (distinct edges). @default 10000 */
  readonly exactCountLimit?: number;
  /** Bucket index entries remembered as written, so repeated edges skip that put. @default 200000 */
  readonly bucketIndexCache?: number;
  /** Sort each KV batch by namespace and record before writing. @default false */
  readonly sortBatches?: boolean;
  /** Clock in milliseconds, for tests. @default Date.now */
  readonly now?: () => number;
}

/** Options of `write`. */
export interface WriteOptions {
  /** Check every mutation against the schema first. @default true */
  readonly validate?: boolean;
}

/**
 * KV namespace configuration the graph needs: adjacency records keep an O(1) item count, so
 * an edge count never scans a supernode. Give it to the store when you create it.
 */
export function graphNamespaces(schema: Schema): Record<string, NamespaceConfig> {
  const out: Record<string, NamespaceConfig> = {};
  for (const edge of schema.edges.values()) {
    for (const dir of ["out", "in"] as const) out[adjacencyNamespace(edge.name, dir)] = { countItems: true };
  }
  return out;
}

/** The graph on a KV store: writes of mutations, and node, neighbour, count and traversal reads. */
export class GraphStore {
  readonly schema: Schema;
  readonly #kv: KvStore;
  readonly #now: () => number;
  readonly #lookback: number;
  readonly #exactLimit: number;
  readonly #indexedBuckets: BucketIndexCache;
  readonly #sort: boolean;

  constructor(options: GraphStoreOptions) {
    this.#kv = options.kv;
    this.schema = options.schema;
    this.#now = options.now ?? Date.now;
    this.#lookback = options.defaultLookbackMs ?? 100 * DAY;
    this.#exactLimit = options.exactCountLimit ?? 10_000;
    this.#indexedBuckets = new BucketIndexCache(options.bucketIndexCache ?? 200_000);
    this.#sort = options.sortBatches ?? false;
  }

  get kv(): KvStore {
    return this.#kv;
  }

  /**
   * KV operations of a batch of mutations, sorted by record, and the bucket index entries they
   * add. Edge deletes read the edge's buckets.
   */
  async plan(mutations: readonly Mutation[], options: WriteOptions = {}): Promise<{ ops: KvOperation[]; indexed: BucketIndexCache }> {
    if (options.validate !== false) for (const m of mutations) validateMutation(this.schema, m);
    const ops: KvOperation[] = [];
    const indexed = new BucketIndexCache(Number.MAX_SAFE_INTEGER);
    const indexBucket: IndexBucket = (type, direction, nodeId, bucket, bucketMs) => {
      if (indexed.has(type, direction, bucket, nodeId) || this.#indexedBuckets.has(type, direction, bucket, nodeId)) return;
      indexed.add(type, direction, bucket, nodeId);
      ops.push(bucketIndexOperation(type, direction, nodeId, bucket, bucketMs));
    };
    for (const m of mutations) {
      if (m.op !== "deleteEdge") {
        upsertOperations(this.schema, m, ops, indexBucket);
        continue;
      }
      const def = this.schema.edge(m.type);
      const upTo = bucketOf(m.time, def.bucketMs);
      const ends = {
        out: { self: m.from, other: m.to, buckets: [...(await listBuckets(this.#kv, m.type, "out", m.from, 0, upTo, false)), upTo] },
        in: { self: m.to, other: m.from, buckets: [...(await listBuckets(this.#kv, m.type, "in", m.to, 0, upTo, false)), upTo] },
      };
      edgeDeleteOperations(m.type, ends, m.time, ops);
    }
    return { ops: this.#sort ? sortOperations(ops) : ops, indexed };
  }

  /** Writes a batch of mutations in one KV batch; resolves with the KV operation count once durable. */
  async write(mutations: readonly Mutation[], options: WriteOptions = {}): Promise<number> {
    const { ops, indexed } = await this.plan(mutations, options);
    await this.#kv.mutate(ops);
    // Remember bucket index entries only once they are durable.
    this.#indexedBuckets.addAll(indexed);
    return ops.length;
  }

  /** A node, or undefined when it does not exist. */
  async getNode(type: string, id: string): Promise<GraphNode | undefined> {
    this.schema.node(type);
    checkId("id", id);
    const page = await this.#kv.getItems(nodeNamespace(type), id, { limit: 10_000 });
    if (page.items.length === 0) return undefined;
    const props: Record<string, PropertyValue> = {};
    let updated = 0n;
    for (const item of page.items) {
      if (item.writeTime > updated) updated = item.writeTime;
      if (item.key.length === 1 && item.key[0] === 0) continue;
      props[decodeKey(item.key)] = decodeValue(item.value);
    }
    return { type, id, props: props as Properties, updatedAt: Number(updated / 1000n) };
  }

  /** Many nodes of one type, in the order asked; undefined where a node does not exist. */
  async getNodes(type: string, ids: readonly string[]): Promise<(GraphNode | undefined)[]> {
    if (ids.length > 1000) throw new GraphError("INVALID_QUERY", `asked for ${ids.length} nodes; the limit is 1000 per call`);
    return Promise.all(ids.map((id) => this.getNode(type, id)));
  }

  /** Neighbours of a node over one edge type, a page at a time. */
  async neighbors(nodeId: string, query: NeighborsQuery): Promise<NeighborsPage> {
    checkId("nodeId", nodeId);
    const edge = resolveEdge(this.schema, query.edge, query.direction);
    const limit = query.limit ?? 300;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new GraphError("INVALID_QUERY", `limit ${limit} must be an integer from 1 to 10000`);
    if (query.order !== undefined && query.order !== "latest" && query.order !== "any") {
      throw new GraphError("INVALID_QUERY", `order ${JSON.stringify(query.order)} must be "latest" or "any"`);
    }
    return readNeighbors(this.#kv, edge, nodeId, query, this.#now(), this.#lookback);
  }

  /**
   * Edges of a node over one edge type in the time window. Reads per-bucket counts (O(1) each);
   * only when the total is small does it read the edges to count distinct ones exactly.
   */
  async countEdges(nodeId: string, query: Pick<NeighborsQuery, "edge" | "direction" | "since" | "until" | "lookbackMs">): Promise<EdgeCount> {
    checkId("nodeId", nodeId);
    const { def, direction } = resolveEdge(this.schema, query.edge, query.direction);
    const { since, until } = queryWindow(def, query, this.#now(), this.#lookback);
    const buckets = await listBuckets(this.#kv, def.name, direction, nodeId, bucketOf(since, def.bucketMs), bucketOf(Math.min(until, 0xffffffff * def.bucketMs), def.bucketMs), true);
    const ns = adjacencyNamespace(def.name, direction);
    let total = 0;
    for (const b of buckets) total += await this.#kv.countItems(ns, adjacencyRecordId(nodeId, b));
    if (total > this.#exactLimit) return { count: total, exact: false };
    const distinct = new Set<string>();
    for (const b of buckets) {
      let pageToken: string | undefined;
      do {
        const page = await this.#kv.getItems(ns, adjacencyRecordId(nodeId, b), { pageToken, limit: 10_000 });
        for (const item of page.items) {
          const t = edgeTime(item.value);
          if (t >= since && t < until) distinct.add(decodeKey(item.key));
        }
        pageToken = page.next;
      } while (pageToken !== undefined);
    }
    return { count: distinct.size, exact: true };
  }

  /** Breadth-first traversal of 1 to 4 hops with per-hop limits and a deadline. */
  traverse(query: TraversalQuery): Promise<TraversalResult> {
    return traverse(this.schema, (id, q) => this.neighbors(id, q), query);
  }

  /** Namespaces this graph writes, for backfill, export and configuration. */
  namespaces(): string[] {
    const out = [...this.schema.nodes.keys()].map(nodeNamespace);
    for (const e of this.schema.edges.keys()) for (const d of ["out", "in"] as const) out.push(adjacencyNamespace(e, d), bucketIndexNamespace(e, d));
    return out;
  }
}
