import type { KvStore } from "@rdg/kv";
import { bucketIndexNamespace, nodeNamespace, type Schema } from "@rdg/model";
import { GraphError } from "../errors/graph-error.js";
import { GRAPH_META_NAMESPACE } from "./graph-meta.js";

/** Version of the storage layout; a graph written with another one is refused. */
export const GRAPH_LAYOUT_VERSION = 2;

const SCHEMA_RECORD = "schema";
const SCHEMA_KEY = Uint8Array.of(0x73); // "s"

/** What of a schema decides where and how data is stored. */
interface StoredSchema {
  layout: number;
  nodes: Record<string, Record<string, string>>;
  edges: Record<string, { from: string; to: string; bucketMs: number; properties: Record<string, string> }>;
}

function describe(schema: Schema): StoredSchema {
  const props = (m: ReadonlyMap<string, { type: string }>): Record<string, string> => Object.fromEntries([...m].map(([n, p]) => [n, p.type]).sort());
  const nodes = Object.fromEntries([...schema.nodes.values()].map((n) => [n.name, props(n.properties)]));
  const edges = Object.fromEntries([...schema.edges.values()].map((e) => [e.name, { from: e.from, to: e.to, bucketMs: e.bucketMs, properties: props(e.properties) }]));
  return { layout: GRAPH_LAYOUT_VERSION, nodes, edges };
}

/** Differences that would make the stored data read wrongly; empty when compatible. */
function conflicts(stored: StoredSchema, wanted: StoredSchema): string[] {
  const out: string[] = [];
  for (const [name, e] of Object.entries(wanted.edges)) {
    const s = stored.edges[name];
    if (s === undefined) continue;
    if (s.bucketMs !== e.bucketMs) out.push(`edge ${name}: bucketMs ${e.bucketMs}, but the graph was written with ${s.bucketMs}`);
    if (s.from !== e.from || s.to !== e.to) out.push(`edge ${name}: ${e.from} -> ${e.to}, but the graph was written with ${s.from} -> ${s.to}`);
    for (const [p, t] of Object.entries(e.properties)) if (s.properties[p] !== undefined && s.properties[p] !== t) out.push(`edge ${name}.${p}: ${t}, but the graph was written with ${s.properties[p]}`);
  }
  for (const [name, props] of Object.entries(wanted.nodes)) {
    const s = stored.nodes[name];
    if (s === undefined) continue;
    for (const [p, t] of Object.entries(props)) if (s[p] !== undefined && s[p] !== t) out.push(`node ${name}.${p}: ${t}, but the graph was written with ${s[p]}`);
  }
  return out;
}

/** The schema a graph was written with, or undefined for a new graph. */
export async function readStoredSchema(kv: KvStore): Promise<StoredSchema | undefined> {
  const page = await kv.getItems(GRAPH_META_NAMESPACE, SCHEMA_RECORD, { keys: [SCHEMA_KEY] });
  const item = page.items[0];
  if (item === undefined) return undefined;
  return JSON.parse(Buffer.from(item.value).toString("utf8")) as StoredSchema;
}

/**
 * Records the schema in a new graph; in an existing one, refuses a schema that would read its
 * data wrongly (another bucket width, other ends, other property types) and records the types
 * a compatible schema adds. Types only grow: one left out of the schema keeps its data.
 */
export async function checkSchema(kv: KvStore, schema: Schema): Promise<void> {
  const wanted = describe(schema);
  const stored = await readStoredSchema(kv);
  if (stored !== undefined) {
    if (stored.layout !== GRAPH_LAYOUT_VERSION) {
      throw new GraphError("SCHEMA_MISMATCH", `the graph was written with storage layout ${stored.layout} and this version reads layout ${GRAPH_LAYOUT_VERSION}; rebuild it by ingesting its events again into a new graph`);
    }
    const found = conflicts(stored, wanted);
    if (found.length > 0) throw new GraphError("SCHEMA_MISMATCH", `the schema does not match the one this graph was written with: ${found.join("; ")}; open it with the schema it was written with, or ingest into a new graph`);
    const merged: StoredSchema = { layout: GRAPH_LAYOUT_VERSION, nodes: { ...stored.nodes, ...wanted.nodes }, edges: { ...stored.edges, ...wanted.edges } };
    for (const [n, props] of Object.entries(stored.nodes)) merged.nodes[n] = { ...props, ...wanted.nodes[n] };
    for (const [n, e] of Object.entries(stored.edges)) merged.edges[n] = wanted.edges[n] === undefined ? e : { ...e, properties: { ...e.properties, ...wanted.edges[n]!.properties } };
    if (JSON.stringify(merged) === JSON.stringify(stored)) return;
    await put(kv, merged);
    return;
  }
  if (await holdsData(kv, schema)) {
    throw new GraphError(
      "SCHEMA_MISMATCH",
      `the graph holds data but no schema record: it was written by RDG 0.1 (storage layout 1), which this version (layout ${GRAPH_LAYOUT_VERSION}) cannot read; ingest its events again into a new graph`,
    );
  }
  await put(kv, wanted);
}

/**
 * True when a graph without a schema record already holds nodes or edges: RDG 0.1 wrote no
 * record. Checked on embedded stores, where the first record of a namespace is one cheap
 * read; a shared server's namespaces are not scanned on every open.
 */
async function holdsData(kv: KvStore, schema: Schema): Promise<boolean> {
  if (!kv.capabilities.syncReads) return false;
  const namespaces = [...[...schema.nodes.keys()].map(nodeNamespace), ...[...schema.edges.keys()].map((e) => bucketIndexNamespace(e, "out"))];
  for (const ns of namespaces) {
    for await (const _record of kv.scan(ns)) return true;
  }
  return false;
}

function put(kv: KvStore, schema: StoredSchema): Promise<void> {
  return kv.putItems(GRAPH_META_NAMESPACE, SCHEMA_RECORD, [{ key: SCHEMA_KEY, value: Buffer.from(JSON.stringify(schema)) }]);
}
