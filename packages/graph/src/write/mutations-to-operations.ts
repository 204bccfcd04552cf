import type { ItemInput, KvOperation } from "@rdg/kv";
import {
  NODE_EXISTS_KEY,
  adjacencyNamespace,
  adjacencyRecordId,
  bucketIndexNamespace,
  bucketKey,
  bucketOf,
  idKey,
  nodeNamespace,
  propertyKey,
  writeTimeOf,
  type Direction,
  type Mutation,
  type Schema,
  type UpsertEdge,
  type UpsertNode,
} from "@rdg/model";
import { EMPTY, encodeEdge, encodeValue } from "../codec/value-codec.js";

/**
 * Pure mapping of upserts and node deletes to KV operations; no reads. Edge deletes need the
 * edge's buckets and are planned by `planEdgeDelete`.
 */
export function upsertOperations(
  schema: Schema,
  m: UpsertNode | UpsertEdge | Extract<Mutation, { op: "deleteNode" }>,
  out: KvOperation[],
  indexBucket?: IndexBucket,
): void {
  if (m.op === "deleteNode") {
    out.push({ op: "deleteRecord", ns: nodeNamespace(m.type), id: m.id, writeTime: writeTimeOf(m.time) });
    return;
  }
  if (m.op === "upsertNode") {
    const items: ItemInput[] = [{ key: NODE_EXISTS_KEY, value: EMPTY }];
    for (const [name, value] of Object.entries(m.props ?? {})) {
      const t = m.propTimes?.[name];
      items.push(t === undefined ? { key: propertyKey(name), value: encodeValue(value) } : { key: propertyKey(name), value: encodeValue(value), writeTime: writeTimeOf(t) });
    }
    out.push({ op: "put", ns: nodeNamespace(m.type), id: m.id, items, writeTime: writeTimeOf(m.time) });
    return;
  }
  const def = schema.edge(m.type);
  const bucket = bucketOf(m.time, def.bucketMs);
  const value = encodeEdge(m.time, m.props);
  const writeTime = writeTimeOf(m.time);
  out.push({ op: "put", ns: adjacencyNamespace(m.type, "out"), id: adjacencyRecordId(m.from, bucket), items: [{ key: idKey(m.to), value }], writeTime });
  out.push({ op: "put", ns: adjacencyNamespace(m.type, "in"), id: adjacencyRecordId(m.to, bucket), items: [{ key: idKey(m.from), value }], writeTime });
  indexBucket?.(m.type, "out", m.from, bucket, def.bucketMs);
  indexBucket?.(m.type, "in", m.to, bucket, def.bucketMs);
}

/** Called for each (edge type, direction, node, bucket) an upsert touches. */
export type IndexBucket = (type: string, direction: Direction, nodeId: string, bucket: number, bucketMs: number) => void;

/**
 * Bucket index puts. The entry has a fixed write time per bucket, so writing it again is a
 * no-op tie; the caller still skips the ones it wrote recently.
 */
export function bucketIndexOperation(type: string, direction: Direction, nodeId: string, bucket: number, bucketMs: number): KvOperation {
  return { op: "put", ns: bucketIndexNamespace(type, direction), id: nodeId, items: [{ key: bucketKey(bucket), value: EMPTY }], writeTime: writeTimeOf(bucket * bucketMs) };
}

/** Deletes of one edge from each end's buckets up to the delete's own bucket. */
export function edgeDeleteOperations(
  type: string,
  ends: Readonly<Record<Direction, { self: string; other: string; buckets: readonly number[] }>>,
  time: number,
  out: KvOperation[],
): void {
  const writeTime = writeTimeOf(time);
  for (const dir of ["out", "in"] as const) {
    const { self, other, buckets } = ends[dir];
    for (const bucket of buckets) {
      out.push({ op: "deleteItems", ns: adjacencyNamespace(type, dir), id: adjacencyRecordId(self, bucket), keys: [idKey(other)], writeTime });
    }
  }
}

const byId = (a: KvOperation, b: KvOperation): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Groups a batch by namespace and sorts each group by record. Last-write-wins makes the order
 * of a batch irrelevant to the result. Off by default: on the member-journey workload the sort
 * cost more CPU than LMDB saved (see the note of the foundation issue), but a store whose
 * writes are slower than our CPU may gain from it.
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
