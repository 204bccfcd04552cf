import type { Awaitable, Item, KvStore } from "@rdg/kv";
import { EDGE_DELETED_KEY, NODE_EXISTS_KEY, decodeKey, edgeNamespace, propertyKey, type EdgeTypeDef, type Properties, type PropertyValue } from "@rdg/model";
import { decodeEnds, decodeValue } from "../codec/value-codec.js";

/** Records per `getMany` call: well under the contract's 10,000, so one call stays short. */
const RECORDS_PER_CALL = 1024;

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
/** Property names by the key objects a reader asked for: `getMany` hands those same objects back. */
const namesByKey = new WeakMap<Uint8Array, string>();

/** What a reader needs of an edge: its existence marker and the properties of its type. */
function propsKeys(def: EdgeTypeDef): Uint8Array[] {
  let keys = readKeys.get(def);
  if (keys === undefined) {
    const names = [...def.properties.keys()];
    keys = [NODE_EXISTS_KEY, ...names.map(propertyKey)];
    names.forEach((name, i) => namesByKey.set(keys![i + 1]!, name));
    readKeys.set(def, keys);
  }
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
    else if (withProps) props[namesByKey.get(item.key) ?? decodeKey(item.key)] = decodeValue(item.value);
  }
  return ends === undefined ? { alive, deleted, props } : { alive, deleted, props, ends };
}

/**
 * States of many edges of one type, read by key in one `getMany` call per 1,024 edges (point
 * reads, cheaper than a range; on LMDB and memory one synchronous pass, no promise): `markers`
 * reads the existence and delete markers (what a writer needs), `props` the existence marker
 * and the type's properties (what a reader returns).
 */
export function readEdgeStates(kv: KvStore, def: EdgeTypeDef, recordIds: readonly string[], mode: "markers" | "props", signal?: AbortSignal): Awaitable<EdgeState[]> {
  const ns = edgeNamespace(def.name);
  const query = { keys: mode === "markers" ? MARKERS : propsKeys(def), signal };
  const withProps = mode === "props";
  const decode = (records: readonly Item[][]): EdgeState[] => records.map((items) => edgeStateOf(items, withProps));
  if (recordIds.length <= RECORDS_PER_CALL) {
    const read = kv.getMany(ns, recordIds, query);
    return read instanceof Promise ? read.then(decode) : decode(read);
  }
  return (async () => {
    const out: EdgeState[] = [];
    for (let i = 0; i < recordIds.length; i += RECORDS_PER_CALL) out.push(...decode(await kv.getMany(ns, recordIds.slice(i, i + RECORDS_PER_CALL), query)));
    return out;
  })();
}
