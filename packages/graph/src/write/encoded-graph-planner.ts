import { EncodedBatchBuilder, type KvOperation, type KvStore } from "@rdg/kv";
import {
  EDGE_DELETED_KEY,
  EDGE_ENDS_KEY,
  NODE_EXISTS_KEY,
  adjacencyKey,
  adjacencyNamespace,
  adjacencyRecordId,
  bucketIndexNamespace,
  bucketKey,
  bucketOf,
  edgeIdIsHashed,
  edgeNamespace,
  edgeRecordId,
  encodeValue,
  nodeNamespace,
  propertyKey,
  type EdgeTypeDef,
  type Mutation,
  type Properties,
  type Schema,
} from "@rdg/model";
import { EMPTY, encodeEnds } from "../codec/value-codec.js";
import { readEdgeStates } from "../read/edge-state.js";
import { BucketIndexCache } from "./bucket-index-cache.js";

/** Options of an `EncodedGraphPlanner`. */
export interface EncodedGraphPlannerOptions {
  readonly schema: Schema;
  /** The graph's store, read for the times of edges this planner has not planned. */
  readonly kv: KvStore;
  /** Edge times remembered once stored (in-flight ones are always kept). @default 1000000 */
  readonly edgeTimeCache?: number;
  /** Bucket index entries remembered as written. @default 200000 */
  readonly bucketIndexCache?: number;
}

/** A batch planned into KV writes: encoded items, and the few operations that are not item writes. */
export interface EncodedPlan {
  /** Sequence number of this plan; pass it to `durable` once the writer stored it. */
  readonly seq: number;
  /** Item writes in stored form, sorted (see `EncodedBatchBuilder`). */
  readonly batch: Uint8Array;
  /** Record deletes (node and edge deletes), written beside the batch in the same transaction. */
  readonly ops: KvOperation[];
  /** Item writes and operations: what the store is asked to do. */
  readonly writes: number;
}

interface KnownEdge {
  alive: number | undefined;
  deleted: number | undefined;
  /** Plan that last set these times. */
  seq: number;
}

interface EdgeNames {
  readonly def: EdgeTypeDef;
  readonly ns: string;
  readonly out: string;
  readonly in: string;
  readonly outBuckets: string;
  readonly inBuckets: string;
}

/** One batch's change of one edge: its newest upsert and delete times. */
interface EdgeChange {
  readonly key: string;
  readonly names: EdgeNames;
  readonly from: string;
  readonly to: string;
  readonly id: string;
  upsert: number | undefined;
  delete: number | undefined;
}

const US = 1000;

/**
 * Plans mutations into an encoded KV batch, the work a worker thread does for the one thread
 * that writes an embedded store. Same rules and layout as `GraphStore.write`: state records need
 * no reads; each edge's adjacency entry is written only for an upsert newer than its current and
 * deleted times, and the entry it supersedes is removed. Those times come from what this planner
 * planned before, else from one read of the store.
 *
 * The planner must be the only one planning its edges (partition edges by key across planners),
 * and its plans must be stored in the order they were made, each before any later one counts on
 * it: the parallel ingestion job writes them in order and stops at the first failure. Times of
 * plans not yet `durable` are never forgotten, so an edge in flight is never read back stale.
 */
export class EncodedGraphPlanner {
  readonly #schema: Schema;
  readonly #kv: KvStore;
  readonly #maxTimes: number;
  readonly #times = new Map<string, KnownEdge>();
  readonly #indexed: BucketIndexCache;
  readonly #builder = new EncodedBatchBuilder();
  readonly #nodeNs = new Map<string, string>();
  readonly #edgeNames = new Map<string, EdgeNames>();
  #seq = 0;
  #durable = 0;
  #ops: KvOperation[] = [];

  constructor(options: EncodedGraphPlannerOptions) {
    this.#schema = options.schema;
    this.#kv = options.kv;
    this.#maxTimes = Math.max(0, options.edgeTimeCache ?? 1_000_000);
    this.#indexed = new BucketIndexCache(options.bucketIndexCache ?? 200_000);
  }

  /** Plans up to `seq` are stored: their edge times may be forgotten when the cache is full. */
  durable(seq: number): void {
    if (seq > this.#durable) this.#durable = seq;
    this.#evict();
  }

  /** Forget stored edge times (not those in flight): another process may have written these edges. */
  forgetWrittenTimes(): void {
    for (const [key, known] of this.#times) if (known.seq <= this.#durable) this.#times.delete(key);
  }

  /** Plans a batch of validated mutations. Reads the times of edges it does not know. */
  async plan(mutations: readonly Mutation[]): Promise<EncodedPlan> {
    await this.add(mutations);
    return this.finish();
  }

  /**
   * Plans mutations into the open batch (several coalescing windows may share one batch, one
   * transaction); `finish` closes it. Later mutations build on the times earlier ones planned.
   */
  async add(mutations: readonly Mutation[]): Promise<void> {
    const seq = this.#seq + 1;
    const b = this.#builder;
    const ops = this.#ops;
    const changes = new Map<string, EdgeChange>();
    for (const m of mutations) {
      if (m.op === "upsertNode") {
        this.#entity(this.#nodeNamespace(m.type), m.id, m.props, m.propTimes, m.time);
      } else if (m.op === "deleteNode") {
        ops.push({ op: "deleteRecord", ns: this.#nodeNamespace(m.type), id: m.id, writeTime: BigInt(Math.trunc(m.time)) * 1000n });
      } else {
        const names = this.#names(m.type);
        const id = edgeRecordId(m.from, m.to);
        const key = `${m.type}\u0000${id}`;
        let change = changes.get(key);
        if (change === undefined) changes.set(key, (change = { key, names, from: m.from, to: m.to, id, upsert: undefined, delete: undefined }));
        if (m.op === "upsertEdge") {
          this.#entity(names.ns, id, m.props, m.propTimes, m.time);
          if (edgeIdIsHashed(id)) b.put(names.ns, id, EDGE_ENDS_KEY, encodeEnds(m.from, m.to), Math.trunc(m.time) * US);
          if (change.upsert === undefined || m.time > change.upsert) change.upsert = m.time;
        } else {
          // As GraphStore: the delete marker outlives the record delete of its own time by 999 µs.
          ops.push({ op: "deleteRecord", ns: names.ns, id, writeTime: BigInt(Math.trunc(m.time)) * 1000n });
          b.put(names.ns, id, EDGE_DELETED_KEY, EMPTY, Math.trunc(m.time) * US + 999);
          if (change.delete === undefined || m.time > change.delete) change.delete = m.time;
        }
      }
    }
    if (changes.size > 0) await this.#planAdjacency([...changes.values()], seq);
  }

  /** Closes the open batch: what `add` planned since the last `finish`, encoded and sorted. */
  finish(): EncodedPlan {
    const seq = ++this.#seq;
    const ops = this.#ops;
    this.#ops = [];
    const writes = this.#builder.size + ops.length;
    const batch = this.#builder.finish();
    this.#evict();
    return { seq, batch, ops, writes };
  }

  #entity(ns: string, id: string, props: Properties | undefined, propTimes: Readonly<Record<string, number>> | undefined, time: number): void {
    const b = this.#builder;
    const t = Math.trunc(time) * US;
    b.put(ns, id, NODE_EXISTS_KEY, EMPTY, t);
    for (const name in props) {
      const pt = propTimes?.[name];
      b.put(ns, id, propertyKey(name), encodeValue(props[name]!), pt === undefined ? t : Math.trunc(pt) * US);
    }
  }

  async #planAdjacency(changes: EdgeChange[], seq: number): Promise<void> {
    const unknown = new Map<EdgeNames, EdgeChange[]>();
    for (const c of changes) {
      if (this.#times.has(c.key)) continue;
      const group = unknown.get(c.names);
      if (group === undefined) unknown.set(c.names, [c]);
      else group.push(c);
    }
    for (const [names, group] of unknown) {
      const read = await readEdgeStates(this.#kv, names.def, group.map((c) => c.id), "markers");
      for (let i = 0; i < group.length; i++) this.#times.set(group[i]!.key, { alive: read[i]!.alive, deleted: read[i]!.deleted, seq: 0 });
    }
    const b = this.#builder;
    for (const c of changes) {
      const known = this.#times.get(c.key)!;
      const { alive, deleted } = known;
      const { def } = c.names;
      const newestDelete = Math.max(c.delete ?? -1, deleted ?? -1);
      const u = c.upsert;
      const upsertWins = u !== undefined && u > (alive ?? -1) && u > newestDelete;
      if (upsertWins) {
        const bucket = bucketOf(u, def.bucketMs);
        const t = Math.trunc(u) * US;
        b.put(c.names.out, adjacencyRecordId(c.from, bucket), adjacencyKey(u, c.to), EMPTY, t);
        b.put(c.names.in, adjacencyRecordId(c.to, bucket), adjacencyKey(u, c.from), EMPTY, t);
        this.#indexBucket(c.names, "out", c.from, bucket);
        this.#indexBucket(c.names, "in", c.to, bucket);
      }
      if (alive !== undefined && ((u !== undefined && u > alive) || newestDelete >= alive)) {
        // The entry of the superseded time goes; a replay of that old upsert cannot bring it back.
        const bucket = bucketOf(alive, def.bucketMs);
        const t = Math.trunc(Math.max(u ?? -1, newestDelete)) * US;
        b.deleteItem(c.names.out, adjacencyRecordId(c.from, bucket), adjacencyKey(alive, c.to), t);
        b.deleteItem(c.names.in, adjacencyRecordId(c.to, bucket), adjacencyKey(alive, c.from), t);
      }
      known.alive = upsertWins ? u : alive !== undefined && alive > newestDelete ? alive : undefined;
      known.deleted = newestDelete < 0 ? undefined : newestDelete;
      known.seq = seq;
      // Most recently planned last, so eviction takes the coldest edges first.
      this.#times.delete(c.key);
      this.#times.set(c.key, known);
    }
  }

  #indexBucket(names: EdgeNames, direction: "out" | "in", nodeId: string, bucket: number): void {
    const type = names.def.name;
    if (this.#indexed.has(type, direction, bucket, nodeId)) return;
    // Remembered at plan time: plans are stored in order or the job stops, and a new job starts afresh.
    this.#indexed.add(type, direction, bucket, nodeId);
    const bucketMs = names.def.bucketMs;
    this.#builder.put(direction === "out" ? names.outBuckets : names.inBuckets, nodeId, bucketKey(bucket), EMPTY, bucket * bucketMs * US);
  }

  #evict(): void {
    if (this.#times.size <= this.#maxTimes) return;
    for (const [key, known] of this.#times) {
      if (this.#times.size <= this.#maxTimes || known.seq > this.#durable) return;
      this.#times.delete(key);
    }
  }

  #nodeNamespace(type: string): string {
    let ns = this.#nodeNs.get(type);
    if (ns === undefined) this.#nodeNs.set(type, (ns = nodeNamespace(type)));
    return ns;
  }

  #names(type: string): EdgeNames {
    let names = this.#edgeNames.get(type);
    if (names === undefined) {
      const def = this.#schema.edge(type);
      names = {
        def,
        ns: edgeNamespace(type),
        out: adjacencyNamespace(type, "out"),
        in: adjacencyNamespace(type, "in"),
        outBuckets: bucketIndexNamespace(type, "out"),
        inBuckets: bucketIndexNamespace(type, "in"),
      };
      this.#edgeNames.set(type, names);
    }
    return names;
  }
}
