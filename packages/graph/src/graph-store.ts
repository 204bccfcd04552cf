import type { KvStore, NamespaceConfig } from "@rdg/kv";
import {
  adjacencyNamespace,
  bucketIndexNamespace,
  checkId,
  decodeKey,
  edgeNamespace,
  nodeNamespace,
  validateMutation,
  type Mutation,
  type Properties,
  type PropertyValue,
  type Schema,
  type ValidationOptions,
} from "@rdg/model";
import { decodeValue } from "./codec/value-codec.js";
import { GraphError } from "./errors/graph-error.js";
import { exportGraph } from "./export/export-graph.js";
import { graphStats, type GraphStats } from "./export/graph-stats.js";
import type { CountQuery, EdgeCount, GraphNode, NeighborsPage, NeighborsQuery, NodeReadOptions } from "./graph-types.js";
import { GRAPH_META_NAMESPACE } from "./meta/graph-meta.js";
import { checkSchema } from "./meta/schema-record.js";
import { countEdges } from "./read/count-edges.js";
import { queryWindow, readNeighbors } from "./read/neighbors-reader.js";
import { resolveEdge } from "./read/resolve-edge.js";
import { traverse } from "./traverse/traverse.js";
import type { TraversalQuery, TraversalResult } from "./traverse/traversal-types.js";
import { BucketIndexCache } from "./write/bucket-index-cache.js";
import { BatchTicket, EdgeTimeCache, type EdgeTimes } from "./write/edge-time-cache.js";
import { bucketIndexOperation, planWrites, sortOperations } from "./write/plan-writes.js";
import type { KvOperation } from "@rdg/kv";

const DAY = 86_400_000;
const MAX_LIMIT = 10_000;

/** Options of a `GraphStore`. */
export interface GraphStoreOptions {
  readonly kv: KvStore;
  readonly schema: Schema;
  /** Lookback of edge reads when neither the query nor the edge type sets one. @default 100 days */
  readonly defaultLookbackMs?: number;
  /** Bucket index entries remembered as written, so repeated edges skip that put. @default 200000 */
  readonly bucketIndexCache?: number;
  /** Edge times remembered, so hot edges are not read back before each write. @default 200000 */
  readonly edgeTimeCache?: number;
  /** Sort each KV batch by namespace and record before writing. @default false */
  readonly sortBatches?: boolean;
  /** Clock in milliseconds, for tests; also the clock event times are checked against. @default Date.now */
  readonly now?: () => number;
  /**
   * Limits of write validation beyond the schema: event times in `[minTime, now + maxAheadMs]`,
   * string values up to `maxStringBytes`. @default the defaults of `ValidationOptions`
   */
  readonly validation?: ValidationOptions;
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
  const out: Record<string, NamespaceConfig> = { [GRAPH_META_NAMESPACE]: {} };
  for (const node of schema.nodes.keys()) out[nodeNamespace(node)] = {};
  for (const edge of schema.edges.values()) {
    out[edgeNamespace(edge.name)] = {};
    for (const dir of ["out", "in"] as const) {
      out[adjacencyNamespace(edge.name, dir)] = { countItems: true };
      out[bucketIndexNamespace(edge.name, dir)] = {};
    }
  }
  return out;
}

/**
 * The graph on a KV store: writes of mutations, and node, neighbour, count and traversal reads.
 * The first call checks the schema against the one the graph was written with (and records it
 * in a new graph); a mismatch is refused with a `GraphError` `SCHEMA_MISMATCH`.
 */
export class GraphStore {
  readonly schema: Schema;
  readonly #kv: KvStore;
  readonly #now: () => number;
  readonly #lookback: number;
  readonly #indexedBuckets: BucketIndexCache;
  readonly #edgeTimes: EdgeTimeCache;
  readonly #sort: boolean;
  readonly #validation: ValidationOptions;
  #ready: Promise<void> | undefined;
  /** Plans run one at a time, so each sees every earlier plan; their writes overlap. */
  #planning: Promise<unknown> = Promise.resolve();

  constructor(options: GraphStoreOptions) {
    this.#kv = options.kv;
    this.schema = options.schema;
    this.#now = options.now ?? Date.now;
    this.#lookback = options.defaultLookbackMs ?? 100 * DAY;
    this.#indexedBuckets = new BucketIndexCache(options.bucketIndexCache ?? 200_000);
    this.#edgeTimes = new EdgeTimeCache(options.edgeTimeCache ?? 200_000);
    this.#sort = options.sortBatches ?? false;
    // One object for every call: validation resolves its options once per object.
    this.#validation = { ...(options.now === undefined ? {} : { now: options.now }), ...options.validation };
  }

  /** Opens a graph and checks its schema at once, rather than on the first call. */
  static async open(options: GraphStoreOptions): Promise<GraphStore> {
    const graph = new GraphStore(options);
    await graph.ready();
    return graph;
  }

  get kv(): KvStore {
    return this.#kv;
  }

  /** Resolves once the schema is checked against the graph's; rejects on a mismatch. */
  ready(): Promise<void> {
    this.#ready ??= checkSchema(this.#kv, this.schema).catch((error: unknown) => {
      this.#ready = undefined; // a store that was down is checked again on the next call
      throw error;
    });
    return this.#ready;
  }

  /**
   * KV operations of a batch of mutations, without writing them. Reads the times of the
   * batch's edges this graph does not know. For inspection: `write` plans and writes.
   */
  async plan(mutations: readonly Mutation[], options: WriteOptions = {}): Promise<{ ops: KvOperation[] }> {
    const ticket = new BatchTicket();
    const { ops, planned } = await this.#plan(mutations, options, ticket);
    this.#edgeTimes.abandon(ticket, planned);
    ticket.resolve(false);
    return { ops };
  }

  async #plan(mutations: readonly Mutation[], options: WriteOptions, ticket: BatchTicket): Promise<{ ops: KvOperation[]; indexed: BucketIndexCache; planned: Map<string, EdgeTimes>; dependsOn: Set<BatchTicket> }> {
    if (options.validate !== false) for (const m of mutations) validateMutation(this.schema, m, this.#validation);
    await this.ready();
    const run = this.#planning.then(async () => {
      const indexed = new BucketIndexCache(Number.MAX_SAFE_INTEGER);
      const bucketOps: KvOperation[] = [];
      const planned = await planWrites(
        this.#kv,
        this.schema,
        mutations,
        (type, direction, nodeId, bucket, bucketMs) => {
          if (indexed.has(type, direction, bucket, nodeId) || this.#indexedBuckets.has(type, direction, bucket, nodeId)) return;
          indexed.add(type, direction, bucket, nodeId);
          bucketOps.push(bucketIndexOperation(type, direction, nodeId, bucket, bucketMs));
        },
        this.#edgeTimes,
        ticket,
      );
      for (const op of bucketOps) planned.ops.push(op);
      return { ...planned, ops: this.#sort ? sortOperations(planned.ops) : planned.ops, indexed };
    });
    this.#planning = run.catch(() => undefined);
    try {
      return await run;
    } catch (error) {
      // A read failed part way through the plan: batches planned on it must not wait for it.
      this.#edgeTimes.abandonAll(ticket);
      ticket.resolve(false);
      throw error;
    }
  }

  /**
   * Writes a batch of mutations in one KV batch; resolves with the KV operation count once
   * durable. How mutations are split into calls, their order and duplicates change nothing a
   * read can see. Calls may overlap: a batch that builds on the edge times of one still in
   * flight waits for it to be stored before writing, and is planned again if it failed.
   */
  async write(mutations: readonly Mutation[], options: WriteOptions = {}): Promise<number> {
    for (;;) {
      const ticket = new BatchTicket();
      const { ops, indexed, planned, dependsOn } = await this.#plan(mutations, options, ticket);
      const built = dependsOn.size === 0 || (await Promise.all([...dependsOn].map((t) => t.done))).every(Boolean);
      if (!built) {
        this.#edgeTimes.abandon(ticket, planned);
        ticket.resolve(false);
        continue;
      }
      try {
        await this.#kv.mutate(ops);
      } catch (error) {
        // What this batch planned is not stored: forget it, so later batches plan again.
        this.#edgeTimes.abandon(ticket, planned);
        ticket.resolve(false);
        throw error;
      }
      this.#edgeTimes.stored(ticket, planned);
      ticket.resolve(true);
      // Remember bucket index entries only once they are durable.
      this.#indexedBuckets.addAll(indexed);
      return ops.length;
    }
  }

  /**
   * Writes batches planned by `EncodedGraphPlanner`s (each planning its own edges, typically in
   * worker threads) in one transaction; resolves with the KV writes done once durable. Needs a
   * store that applies encoded batches (the embedded ones: LMDB, memory). This store's own
   * `write` must not write the same edges meanwhile: the planners own their edges' times.
   */
  async writeEncoded(plans: readonly { readonly batch: Uint8Array; readonly ops: readonly KvOperation[] }[]): Promise<number> {
    const kv = this.#kv as KvStore & { mutateEncoded?: (batches: readonly Uint8Array[], ops: readonly KvOperation[]) => Promise<number> };
    if (typeof kv.mutateEncoded !== "function") {
      throw new GraphError("INVALID_QUERY", "writeEncoded needs an embedded store that applies encoded batches (LMDB or memory); write mutations with write() on other stores");
    }
    await this.ready();
    const ops = plans.length === 1 ? plans[0]!.ops : plans.flatMap((p) => p.ops);
    const written = await kv.mutateEncoded(plans.map((p) => p.batch), ops);
    return written + ops.length;
  }

  /**
   * Forget the edge times this store remembers from its own writes, so the next write of each
   * edge reads its times back from the store. Call it when another process may have written
   * edges this one wrote before (an ingestion job does so when its consumer group moved
   * partitions); without it the graph stays correct for reads, but an adjacency entry can be
   * left behind and counted once too often (see rule 7). Writes in flight are not affected.
   */
  forgetWrittenTimes(): void {
    this.#edgeTimes.forgetStored();
  }

  /**
   * Deletes a node and every edge of it, at `time`: `deleteNode` alone removes only the node's
   * properties. Edges newer than `time` stay, as last-write-wins says.
   */
  async deleteNodeAndEdges(type: string, id: string, time: number): Promise<number> {
    this.schema.node(type);
    checkId("id", id);
    let written = 0;
    for (const def of this.schema.edges.values()) {
      for (const direction of ["out", "in"] as const) {
        if ((direction === "out" ? def.from : def.to) !== type) continue;
        let cursor: string | undefined;
        do {
          const page = await this.neighbors(id, { edge: def.name, direction, since: 0, until: time + 1, limit: MAX_LIMIT, cursor });
          const deletes: Mutation[] = page.edges.map((e) => ({ op: "deleteEdge", type: def.name, from: e.from, to: e.to, time }));
          if (deletes.length > 0) written += await this.write(deletes);
          cursor = page.cursor;
        } while (cursor !== undefined);
      }
    }
    return written + (await this.write([{ op: "deleteNode", type, id, time }]));
  }

  /** A node, or undefined when it does not exist. */
  async getNode(type: string, id: string, options: NodeReadOptions = {}): Promise<GraphNode | undefined> {
    this.schema.node(type);
    checkId("id", id);
    await this.ready();
    const page = await this.#kv.getItems(nodeNamespace(type), id, options.signal === undefined ? { limit: MAX_LIMIT } : { limit: MAX_LIMIT, signal: options.signal });
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
  async getNodes(type: string, ids: readonly string[], options: NodeReadOptions = {}): Promise<(GraphNode | undefined)[]> {
    if (ids.length > 1000) throw new GraphError("INVALID_QUERY", `asked for ${ids.length} nodes; the limit is 1000 per call`);
    return Promise.all(ids.map((id) => this.getNode(type, id, options)));
  }

  /** Neighbours of a node over one edge type, newest first, a page at a time. */
  async neighbors(nodeId: string, query: NeighborsQuery): Promise<NeighborsPage> {
    checkId("nodeId", nodeId);
    const edge = resolveEdge(this.schema, query.edge, query.direction);
    const limit = query.limit ?? 300;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new GraphError("INVALID_QUERY", `limit ${limit} must be an integer from 1 to ${MAX_LIMIT}`);
    if (query.order !== undefined && query.order !== "latest" && query.order !== "any") {
      throw new GraphError("INVALID_QUERY", `order ${JSON.stringify(query.order)} must be "latest" or "any"`);
    }
    await this.ready();
    return readNeighbors(this.#kv, edge, nodeId, query, this.#now(), this.#lookback);
  }

  /**
   * Edges of a node over one edge type in the time window: what paging through `neighbors`
   * over the same window returns. O(1) per time bucket the window covers whole; `verify`
   * checks every edge instead (see `EdgeCount`).
   */
  async countEdges(nodeId: string, query: CountQuery): Promise<EdgeCount> {
    checkId("nodeId", nodeId);
    const edge = resolveEdge(this.schema, query.edge, query.direction);
    const { since, until } = queryWindow(edge.def, query, this.#now(), this.#lookback);
    await this.ready();
    return countEdges(this.#kv, edge, nodeId, since, until, query.verify === true, query.signal);
  }

  /** Breadth-first traversal of 1 to 4 hops with per-hop limits and a deadline. */
  traverse(query: TraversalQuery): Promise<TraversalResult> {
    return traverse(this.schema, (id, q) => this.neighbors(id, q), query, (type, id, signal) => this.getNode(type, id, { signal }));
  }

  /** The whole graph as canonical, sorted JSON lines (see `exportGraph`). */
  async *export(): AsyncGenerator<string> {
    await this.ready();
    yield* exportGraph(this.#kv, this.schema);
  }

  /** Node and edge counts per type, records, items and bytes per namespace (a full scan). */
  async stats(): Promise<GraphStats> {
    await this.ready();
    return graphStats(this.#kv, this.schema);
  }

  /** Namespaces this graph writes, for backfill, export and configuration. */
  namespaces(): string[] {
    return Object.keys(graphNamespaces(this.schema));
  }
}
