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
export function upsertOperations(schema: Schema, m: UpsertNode | UpsertEdge | Extract<Mutation, { op: "deleteNode" }>, out: KvOperation[]): void {
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
  // The bucket index entry has a fixed write time per bucket: rewriting it is a no-op tie.
  const bucketTime = writeTimeOf(bucket * def.bucketMs);
  const bucketItem: ItemInput[] = [{ key: bucketKey(bucket), value: EMPTY }];
  for (const [dir, self, other] of [["out", m.from, m.to], ["in", m.to, m.from]] as const) {
    out.push({ op: "put", ns: adjacencyNamespace(m.type, dir), id: adjacencyRecordId(self, bucket), items: [{ key: idKey(other), value }], writeTime });
    out.push({ op: "put", ns: bucketIndexNamespace(m.type, dir), id: self, items: bucketItem, writeTime: bucketTime });
  }
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

const byRecord = (a: KvOperation, b: KvOperation): number => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Sorts a batch by namespace and record. Last-write-wins makes the order of a batch irrelevant
 * to the result, and ordered stores write key-ordered batches several times faster.
 */
export function sortOperations(ops: KvOperation[]): KvOperation[] {
  return ops.sort(byRecord);
}
