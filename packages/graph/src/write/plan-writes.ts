import type { ItemInput, KvOperation, KvStore } from "@rdg/kv";
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
  nodeNamespace,
  propertyKey,
  writeTimeOf,
  type Direction,
  type Mutation,
  type Properties,
  type Schema,
} from "@rdg/model";
import { EMPTY, encodeEnds, encodeValue } from "../codec/value-codec.js";
import { readEdgeStates } from "../read/edge-state.js";
import type { BatchTicket, EdgeTimeCache, EdgeTimes } from "./edge-time-cache.js";

/** Called for each (edge type, direction, node, bucket) an adjacency entry is written to. */
export type IndexBucket = (type: string, direction: Direction, nodeId: string, bucket: number, bucketMs: number) => void;

/** A batch's KV operations, the edge times it plans, and the batches in flight it builds on. */
export interface PlannedWrites {
  readonly ops: KvOperation[];
  readonly planned: Map<string, EdgeTimes>;
  readonly dependsOn: Set<BatchTicket>;
}

/** What one batch does to one edge: its newest upsert and newest delete times. */
interface EdgeChange {
  /** Edge type and record id: the key of the edge time cache. */
  readonly key: string;
  readonly type: string;
  readonly from: string;
  readonly to: string;
  readonly id: string;
  upsert: number | undefined;
  delete: number | undefined;
}

function entityItems(props: Properties | undefined, propTimes: Readonly<Record<string, number>> | undefined): ItemInput[] {
  const items: ItemInput[] = [{ key: NODE_EXISTS_KEY, value: EMPTY }];
  for (const name in props) {
    const value = encodeValue(props[name]!);
    const t = propTimes?.[name];
    items.push(t === undefined ? { key: propertyKey(name), value } : { key: propertyKey(name), value, writeTime: writeTimeOf(t) });
  }
  return items;
}

/**
 * The KV operations of a batch of mutations. Node and edge state writes need no reads: each
 * property is its own item and the store keeps the newest. The adjacency entries do: the writer
 * reads each edge's current and deleted times once per batch, writes an entry only for an
 * upsert newer than both, and removes the entry it supersedes. Readers check every entry
 * against the edge's state, so a race between concurrent writers leaves at most an entry that
 * is never returned, never a wrong answer.
 */
export async function planWrites(
  kv: KvStore,
  schema: Schema,
  mutations: readonly Mutation[],
  indexBucket: IndexBucket,
  times: EdgeTimeCache,
  ticket: BatchTicket,
): Promise<PlannedWrites> {
  const ops: KvOperation[] = [];
  const changes = new Map<string, EdgeChange>();
  for (const m of mutations) {
    if (m.op === "upsertNode") {
      ops.push({ op: "put", ns: nodeNamespace(m.type), id: m.id, items: entityItems(m.props, m.propTimes), writeTime: writeTimeOf(m.time) });
      continue;
    }
    if (m.op === "deleteNode") {
      ops.push({ op: "deleteRecord", ns: nodeNamespace(m.type), id: m.id, writeTime: writeTimeOf(m.time) });
      continue;
    }
    const id = edgeRecordId(m.from, m.to);
    const key = `${m.type}\u0000${id}`;
    let change = changes.get(key);
    if (change === undefined) changes.set(key, (change = { key, type: m.type, from: m.from, to: m.to, id, upsert: undefined, delete: undefined }));
    const ns = edgeNamespace(m.type);
    if (m.op === "upsertEdge") {
      const items = entityItems(m.props, m.propTimes);
      if (edgeIdIsHashed(id)) items.push({ key: EDGE_ENDS_KEY, value: encodeEnds(m.from, m.to) });
      ops.push({ op: "put", ns, id, items, writeTime: writeTimeOf(m.time) });
      if (change.upsert === undefined || m.time > change.upsert) change.upsert = m.time;
    } else {
      // The delete marker's write time is the delete's plus 999 µs: every write time of an
      // event is a whole millisecond, so it outlives the record delete of its own time and
      // loses to any newer one, and the newest delete time stays readable.
      const writeTime = writeTimeOf(m.time);
      ops.push({ op: "deleteRecord", ns, id, writeTime });
      ops.push({ op: "put", ns, id, items: [{ key: EDGE_DELETED_KEY, value: EMPTY }], writeTime: writeTime + 999n });
      if (change.delete === undefined || m.time > change.delete) change.delete = m.time;
    }
  }
  const out: PlannedWrites = { ops, planned: new Map(), dependsOn: new Set() };
  if (changes.size > 0) await planAdjacency(kv, schema, [...changes.values()], indexBucket, times, ticket, out);
  return out;
}

async function planAdjacency(
  kv: KvStore,
  schema: Schema,
  changes: EdgeChange[],
  indexBucket: IndexBucket,
  times: EdgeTimeCache,
  ticket: BatchTicket,
  { ops, planned, dependsOn }: PlannedWrites,
): Promise<void> {
  const byType = new Map<string, EdgeChange[]>();
  for (const c of changes) {
    const group = byType.get(c.type);
    if (group === undefined) byType.set(c.type, [c]);
    else group.push(c);
  }
  for (const [type, group] of byType) {
    const def = schema.edge(type);
    const known: (EdgeTimes | undefined)[] = group.map((c) => {
      const k = times.get(c.key);
      if (k?.from !== undefined) dependsOn.add(k.from);
      return k?.times;
    });
    const unknown = group.filter((_, i) => known[i] === undefined);
    if (unknown.length > 0) {
      const read = await readEdgeStates(kv, def, unknown.map((c) => c.id), "markers");
      let r = 0;
      for (let i = 0; i < group.length; i++) known[i] ??= read[r++];
    }
    for (let i = 0; i < group.length; i++) {
      const c = group[i]!;
      const { alive, deleted } = known[i]!;
      const newestDelete = Math.max(c.delete ?? -1, deleted ?? -1);
      const u = c.upsert;
      const upsertWins = u !== undefined && u > (alive ?? -1) && u > newestDelete;
      const next: EdgeTimes = {
        alive: upsertWins ? u : alive !== undefined && alive > newestDelete ? alive : undefined,
        deleted: newestDelete < 0 ? undefined : newestDelete,
      };
      times.plan(c.key, next, ticket);
      planned.set(c.key, next);
      if (upsertWins && u !== undefined) {
        const bucket = bucketOf(u, def.bucketMs);
        const writeTime = writeTimeOf(u);
        ops.push({ op: "put", ns: adjacencyNamespace(type, "out"), id: adjacencyRecordId(c.from, bucket), items: [{ key: adjacencyKey(u, c.to), value: EMPTY }], writeTime });
        ops.push({ op: "put", ns: adjacencyNamespace(type, "in"), id: adjacencyRecordId(c.to, bucket), items: [{ key: adjacencyKey(u, c.from), value: EMPTY }], writeTime });
        indexBucket(type, "out", c.from, bucket, def.bucketMs);
        indexBucket(type, "in", c.to, bucket, def.bucketMs);
      }
      if (alive !== undefined && ((u !== undefined && u > alive) || newestDelete >= alive)) {
        // The entry of the superseded time goes; a replay of that old upsert cannot bring it back.
        const bucket = bucketOf(alive, def.bucketMs);
        const writeTime = writeTimeOf(Math.max(u ?? -1, newestDelete));
        ops.push({ op: "deleteItems", ns: adjacencyNamespace(type, "out"), id: adjacencyRecordId(c.from, bucket), keys: [adjacencyKey(alive, c.to)], writeTime });
        ops.push({ op: "deleteItems", ns: adjacencyNamespace(type, "in"), id: adjacencyRecordId(c.to, bucket), keys: [adjacencyKey(alive, c.from)], writeTime });
      }
    }
  }
}

/**
 * Bucket index puts. The entry has a fixed write time per bucket, so writing it again is a
 * no-op tie; the caller still skips the ones it wrote recently.
 */
export function bucketIndexOperation(type: string, direction: Direction, nodeId: string, bucket: number, bucketMs: number): KvOperation {
  return { op: "put", ns: bucketIndexNamespace(type, direction), id: nodeId, items: [{ key: bucketKey(bucket), value: EMPTY }], writeTime: writeTimeOf(bucket * bucketMs) };
}

const byId = (a: KvOperation, b: KvOperation): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Groups a batch by namespace and sorts each group by record. Last-write-wins makes the order
 * of a batch irrelevant to the result. Off by default: on the member-journey workload the sort
 * cost more CPU than LMDB saved, but a store whose writes are slower than our CPU may gain.
 */
export function sortOperations(ops: KvOperation[]): KvOperation[] {
  const groups = new Map<string, KvOperation[]>();
  for (const op of ops) {
    const group = groups.get(op.ns);
    if (group === undefined) groups.set(op.ns, [op]);
    else group.push(op);
  }
  const out: KvOperation[] = [];
  for (const ns of [...groups.keys()].sort()) for (const op of groups.get(ns)!.sort(byId)) out.push(op);
  return out;
}
