import type { Item, KvStore } from "@rdg/kv";
import { decodeEdgeRecordId, decodeKey, edgeNamespace, nodeNamespace, type PropertyValue, type Schema } from "@rdg/model";
import { decodeValue } from "../codec/value-codec.js";
import { edgeStateOf } from "../read/edge-state.js";

const sortedProps = (props: Readonly<Record<string, PropertyValue>>): Record<string, PropertyValue> =>
  Object.fromEntries(Object.entries(props).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function nodeLine(type: string, id: string, items: readonly Item[]): string | undefined {
  let time = 0n;
  let exists = false;
  const props: Record<string, PropertyValue> = {};
  for (const item of items) {
    if (item.writeTime > time) time = item.writeTime;
    if (item.key.length === 1 && item.key[0] === 0) exists = true;
    else props[decodeKey(item.key)] = decodeValue(item.value);
  }
  if (!exists && Object.keys(props).length === 0) return undefined;
  return JSON.stringify({ node: type, id, time: Number(time / 1000n), props: sortedProps(props) });
}

function edgeLine(type: string, recordId: string, items: readonly Item[]): string | undefined {
  const state = edgeStateOf(items, true);
  if (state.alive === undefined) return undefined;
  const ends = state.ends ?? decodeEdgeRecordId(recordId)!;
  return JSON.stringify({ edge: type, from: ends.from, to: ends.to, time: state.alive, props: sortedProps(state.props) });
}

async function sortedLines(kv: KvStore, ns: string, line: (id: string, items: readonly Item[]) => string | undefined): Promise<string[]> {
  const lines: string[] = [];
  for await (const record of kv.scan(ns)) {
    const l = line(record.id, record.items);
    if (l !== undefined) lines.push(l);
  }
  return lines.sort();
}

/**
 * The whole graph as canonical JSON lines: every node (`{"node","id","time","props"}`) then
 * every live edge (`{"edge","from","to","time","props"}`), types in name order, lines sorted,
 * properties in name order. Two graphs that hold the same state export the same bytes,
 * whatever order, batching or duplication their events came in. Holds one type's lines in
 * memory at a time.
 */
export async function* exportGraph(kv: KvStore, schema: Schema): AsyncGenerator<string> {
  for (const type of [...schema.nodes.keys()].sort()) yield* await sortedLines(kv, nodeNamespace(type), (id, items) => nodeLine(type, id, items));
  for (const type of [...schema.edges.keys()].sort()) yield* await sortedLines(kv, edgeNamespace(type), (id, items) => edgeLine(type, id, items));
}
