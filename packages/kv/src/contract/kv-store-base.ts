import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { Awaitable, DeleteOptions, GetQuery, Item, ItemInput, KeyRange, KeysQuery, KvOperation, KvStore, Page, PutOptions } from "./kv-types.js";
import { checkManyQuery } from "./validate-arguments.js";

/** Reads of `getMany` in flight at once on a remote store. */
const MANY_IN_FLIGHT = 256;

/**
 * What every store shares: the single-record calls are one-operation batches of `mutate`, so a
 * store implements writes once, and `await using` closes it. Subclasses declare
 * `implements KvStore` and provide the rest.
 */
export abstract class KvStoreBase implements Pick<KvStore, "putItems" | "deleteItems" | "deleteRecord" | "getMany" | typeof Symbol.asyncDispose> {
  abstract mutate(batch: readonly KvOperation[]): Promise<void>;
  abstract close(): Promise<void>;
  abstract getItems(ns: string, id: string, query?: GetQuery): Awaitable<Page>;

  /**
   * One `getItems` per record, up to 256 in flight at once: a remote store's reads overlap
   * their round trips (ioredis and cassandra-driver send them without waiting for answers).
   * An embedded store overrides it with one synchronous pass.
   */
  getMany(ns: string, ids: readonly string[], query: KeysQuery): Awaitable<Item[][]> {
    try {
      checkManyQuery(ns, ids, query);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#getEach(ns, ids, query);
  }

  async #getEach(ns: string, ids: readonly string[], query: KeysQuery): Promise<Item[][]> {
    const out = new Array<Item[]>(ids.length);
    for (let start = 0; start < ids.length; start += MANY_IN_FLIGHT) {
      const end = Math.min(ids.length, start + MANY_IN_FLIGHT);
      const reads: Promise<void>[] = [];
      for (let i = start; i < end; i++) reads.push(Promise.resolve(this.getItems(ns, ids[i]!, query)).then((page) => void (out[i] = page.items)));
      await Promise.all(reads);
    }
    return out;
  }

  async putItems(ns: string, id: string, items: readonly ItemInput[], options: PutOptions = {}): Promise<void> {
    await this.mutate([{ op: "put", ns, id, items, writeTime: options.writeTime, ttlMs: options.ttlMs }]);
  }

  async deleteItems(ns: string, id: string, target: KeysQuery | { range: KeyRange }, options: DeleteOptions = {}): Promise<void> {
    if (typeof target !== "object" || target === null) throw new InvalidArgumentError("target", "must be { keys } or { range }");
    const op: KvOperation =
      "keys" in target
        ? { op: "deleteItems", ns, id, keys: target.keys, writeTime: options.writeTime }
        : { op: "deleteItems", ns, id, range: target.range, writeTime: options.writeTime };
    await this.mutate([op]);
  }

  async deleteRecord(ns: string, id: string, options: DeleteOptions = {}): Promise<void> {
    await this.mutate([{ op: "deleteRecord", ns, id, writeTime: options.writeTime }]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
