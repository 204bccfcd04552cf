import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { ValueTooLargeError } from "../errors/value-too-large-error.js";
import type { GetQuery, ItemInput, KeyRange, KvOperation, NamespaceConfig } from "./kv-types.js";

/** Limits every backend shares, so data valid on one store is valid on all. */
export const KV_LIMITS: Readonly<{
  maxIdBytes: number;
  maxKeyBytes: number;
  defaultMaxValueBytes: number;
  maxPageLimit: number;
  defaultPageLimit: number;
  defaultPageBytes: number;
  maxKeysPerQuery: number;
}> = Object.freeze({
  maxIdBytes: 512,
  maxKeyBytes: 1024,
  defaultMaxValueBytes: 1024 * 1024,
  maxPageLimit: 10_000,
  defaultPageLimit: 1000,
  defaultPageBytes: 1024 * 1024,
  maxKeysPerQuery: 10_000,
});

const NS_PATTERN = /^[A-Za-z0-9_.:-]{1,120}$/;

const knownGood = new Set<string>();

export function checkNamespace(ns: unknown): asserts ns is string {
  if (typeof ns === "string" && knownGood.has(ns)) return;
  if (typeof ns !== "string" || !NS_PATTERN.test(ns)) {
    throw new InvalidArgumentError("namespace", `${JSON.stringify(ns)} must be 1-120 characters of A-Z a-z 0-9 _ . : -`);
  }
  if (knownGood.size < 10_000) knownGood.add(ns);
}

export function checkId(id: unknown): asserts id is string {
  if (typeof id !== "string" || id.length === 0) {
    throw new InvalidArgumentError("record id", `${JSON.stringify(id)} must be a non-empty string`);
  }
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short ids need no byte count.
  if (id.length * 3 > KV_LIMITS.maxIdBytes && Buffer.byteLength(id) > KV_LIMITS.maxIdBytes) {
    throw new InvalidArgumentError("record id", `${Buffer.byteLength(id)} bytes exceeds ${KV_LIMITS.maxIdBytes}`);
  }
}

export function checkKey(key: unknown, what = "item key"): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array)) throw new InvalidArgumentError(what, "must be a Uint8Array");
  if (key.length === 0) throw new InvalidArgumentError(what, "must not be empty");
  if (key.length > KV_LIMITS.maxKeyBytes) {
    throw new InvalidArgumentError(what, `${key.length} bytes exceeds ${KV_LIMITS.maxKeyBytes}`);
  }
}

export function checkWriteTime(t: unknown): void {
  if (t === undefined) return;
  if (typeof t !== "bigint" || t < 0n || t > 0x7fffffffffffffffn) {
    throw new InvalidArgumentError("writeTime", `${String(t)} must be a non-negative bigint of microseconds`);
  }
}

export function checkTtl(ttl: unknown): void {
  if (ttl === undefined) return;
  if (typeof ttl !== "number" || !Number.isFinite(ttl) || ttl <= 0) {
    throw new InvalidArgumentError("ttlMs", `${String(ttl)} must be a positive number of milliseconds`);
  }
}

function checkRange(range: KeyRange | undefined): void {
  if (range === undefined) return;
  if (range.start !== undefined) checkKey(range.start, "range.start");
  if (range.end !== undefined) checkKey(range.end, "range.end");
}

export function checkItems(ns: string, items: readonly ItemInput[], config: NamespaceConfig | undefined): void {
  if (!Array.isArray(items)) throw new InvalidArgumentError("items", "must be an array");
  const limit = config?.maxValueBytes ?? KV_LIMITS.defaultMaxValueBytes;
  for (const item of items) {
    checkKey(item?.key);
    if (!(item.value instanceof Uint8Array)) throw new InvalidArgumentError("item value", "must be a Uint8Array");
    if (item.value.length > limit) throw new ValueTooLargeError(ns, item.value.length, limit);
    checkWriteTime(item.writeTime);
    checkTtl(item.ttlMs);
  }
}

export function checkQuery(query: GetQuery | undefined): void {
  if (query === undefined) return;
  // Every store calls this first, so an aborted signal stops a read before it reaches the backend.
  query.signal?.throwIfAborted();
  if ("keys" in query) {
    if (!Array.isArray(query.keys)) throw new InvalidArgumentError("keys", "must be an array of Uint8Array");
    if (query.keys.length > KV_LIMITS.maxKeysPerQuery) {
      throw new InvalidArgumentError("keys", `${query.keys.length} keys exceeds ${KV_LIMITS.maxKeysPerQuery} per query`);
    }
    for (const k of query.keys) checkKey(k);
    return;
  }
  checkRange(query.range);
  const { limit, pageBytes } = query;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > KV_LIMITS.maxPageLimit)) {
    throw new InvalidArgumentError("limit", `${String(limit)} must be an integer from 1 to ${KV_LIMITS.maxPageLimit}`);
  }
  if (pageBytes !== undefined && (!Number.isInteger(pageBytes) || pageBytes < 1)) {
    throw new InvalidArgumentError("pageBytes", `${String(pageBytes)} must be a positive integer`);
  }
}

/** Checks the arguments of `getMany`: a namespace, an array of valid ids, a keys query. */
export function checkManyQuery(ns: unknown, ids: unknown, query: unknown): void {
  checkNamespace(ns);
  if (!Array.isArray(ids)) throw new InvalidArgumentError("ids", "must be an array of record ids");
  if (ids.length > KV_LIMITS.maxKeysPerQuery) {
    throw new InvalidArgumentError("ids", `${ids.length} ids exceeds ${KV_LIMITS.maxKeysPerQuery} per call; split the call`);
  }
  for (const id of ids) checkId(id);
  if (typeof query !== "object" || query === null || !("keys" in query)) throw new InvalidArgumentError("query", "must be { keys }");
  checkQuery(query as GetQuery);
}

export function checkOperation(operation: KvOperation, config: (ns: string) => NamespaceConfig | undefined): void {
  if (typeof operation !== "object" || operation === null) throw new InvalidArgumentError("operation", "must be an object");
  checkNamespace(operation.ns);
  checkId(operation.id);
  checkWriteTime(operation.writeTime);
  switch (operation.op) {
    case "put":
      checkTtl(operation.ttlMs);
      checkItems(operation.ns, operation.items, config(operation.ns));
      return;
    case "deleteItems":
      if (operation.keys !== undefined) for (const k of operation.keys) checkKey(k);
      else if (operation.range !== undefined) checkRange(operation.range);
      else throw new InvalidArgumentError("deleteItems", "needs keys or a range");
      return;
    case "deleteRecord":
      return;
    default:
      throw new InvalidArgumentError("operation", `unknown op ${JSON.stringify((operation as { op: unknown }).op)}`);
  }
}
