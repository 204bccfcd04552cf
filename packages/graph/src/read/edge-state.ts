import type { Item, KvStore } from "@rdg/kv";
import { EDGE_DELETED_KEY, NODE_EXISTS_KEY, decodeKey, edgeNamespace, propertyKey, type EdgeTypeDef, type Properties, type PropertyValue } from "@rdg/model";
import { decodeEnds, decodeValue } from "../codec/value-codec.js";
import { gather } from "../util/awaitable.js";

/** An edge's state as stored in its one record. */
export interface EdgeState {
  /** Time (ms) of the newest upsert, when that is newer than the newest delete. */
  readonly alive: number | undefined;
  /** Time (ms) of the newest delete, when one is stored. */
  readonly deleted: number | undefined;
  /** Properties, when read in full. */
  readonly props: Properties;
  /** The ends, when the record id is a hash. */
  readonly ends?: { from: string; to: string };
}

const MARKERS = [NODE_EXISTS_KEY, EDGE_DELETED_KEY];
const readKeys = new WeakMap<EdgeTypeDef, Uint8Array[]>();

/** What a reader needs of an edge: its existence marker and the properties of its type. */
function propsKeys(def: EdgeTypeDef): Uint8Array[] {
  let keys = readKeys.get(def);
  if (keys === undefined) readKeys.set(def, (keys = [NODE_EXISTS_KEY, ...[...def.properties.keys()].map(propertyKey)]));
  return keys;
}

const msOf = (writeTime: bigint): number => Number(writeTime / 1000n);

/** Decodes the items of an edge record. */
export function edgeStateOf(items: readonly Item[], withProps: boolean): EdgeState {
  let alive: number | undefined;
  let deleted: number | undefined;
  let ends: { from: string; to: string } | undefined;
  const props: Record<string, PropertyValue> = {};
  for (const item of items) {
    const first = item.key[0];
    if (item.key.length === 1 && first === 0x00) alive = msOf(item.writeTime);
    else if (item.key.length === 1 && first === 0xff) deleted = msOf(item.writeTime);
    else if (item.key.length === 1 && first === 0xfe) ends = decodeEnds(item.value);
    else if (withProps) props[decodeKey(item.key)] = decodeValue(item.value);
  }
  return ends === undefined ? { alive, deleted, props } : { alive, deleted, props, ends };
}

/**
 * States of many edges of one type, read by key (point reads, cheaper than a range): `markers`
 * reads the existence and delete markers (what a writer needs), `props` the existence marker
 * and the type's properties (what a reader returns).
 */
export function readEdgeStates(kv: KvStore, def: EdgeTypeDef, recordIds: readonly string[], mode: "markers" | "props", signal?: AbortSignal): Promise<EdgeState[]> {
  const ns = edgeNamespace(def.name);
  const keys = mode === "markers" ? MARKERS : propsKeys(def);
  const withProps = mode === "props";
  return gather(recordIds, (id) => {
    const page = kv.getItems(ns, id, signal === undefined ? { keys } : { keys, signal });
    return page instanceof Promise ? page.then((p) => edgeStateOf(p.items, withProps)) : edgeStateOf(page.items, withProps);
  });
}
