import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { DeleteOptions, ItemInput, KeyRange, KeysQuery, KvOperation, KvStore, PutOptions } from "./kv-types.js";

/**
 * What every store shares: the single-record calls are one-operation batches of `mutate`, so a
 * store implements writes once, and `await using` closes it. Subclasses declare
 * `implements KvStore` and provide the rest.
 */
export abstract class KvStoreBase implements Pick<KvStore, "putItems" | "deleteItems" | "deleteRecord" | typeof Symbol.asyncDispose> {
  abstract mutate(batch: readonly KvOperation[]): Promise<void>;
  abstract close(): Promise<void>;

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
