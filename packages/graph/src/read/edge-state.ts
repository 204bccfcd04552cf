import type { Item, KvStore } from "@rdg/kv";
import { EDGE_DELETED_KEY, NODE_EXISTS_KEY, decodeKey, edgeNamespace, type Properties, type PropertyValue } from "@rdg/model";
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
 * States of many edges of one type. `withProps` false reads only the existence and delete
 * markers (what a writer needs); true reads the whole record (what a reader returns).
 */
export function readEdgeStates(kv: KvStore, edgeType: string, recordIds: readonly string[], withProps: boolean): Promise<EdgeState[]> {
  const ns = edgeNamespace(edgeType);
  return gather(recordIds, (id) => {
    const page = withProps ? kv.getItems(ns, id, { limit: 10_000 }) : kv.getItems(ns, id, { keys: MARKERS });
    return page instanceof Promise ? page.then((p) => edgeStateOf(p.items, withProps)) : edgeStateOf(page.items, withProps);
  });
}
