import type { DeleteOptions, GetQuery, Item, ItemInput, KeyRange, KeysQuery, KvOperation, KvStore, Page, PutOptions, ScannedRecord } from "@rdg/kv";

/**
 * A view of a long-lived store (Redis, Cassandra) in which every record id carries a prefix,
 * so each test sees an empty graph without creating tables or databases. Scans see only the
 * prefixed records. Closing the view closes the store only when the view owns it.
 */
export class IsolatedKvStore implements KvStore {
  readonly #kv: KvStore;
  readonly #prefix: string;
  readonly #owns: boolean;

  constructor(kv: KvStore, prefix: string, owns: boolean) {
    this.#kv = kv;
    this.#prefix = prefix;
    this.#owns = owns;
  }

  get capabilities(): KvStore["capabilities"] {
    return this.#kv.capabilities;
  }

  putItems(ns: string, id: string, items: readonly ItemInput[], options?: PutOptions): Promise<void> {
    return this.#kv.putItems(ns, this.#prefix + id, items, options);
  }

  getItems(ns: string, id: string, query?: GetQuery): Page | Promise<Page> {
    return this.#kv.getItems(ns, this.#prefix + id, query);
  }

  getMany(ns: string, ids: readonly string[], query: KeysQuery): Item[][] | Promise<Item[][]> {
    return this.#kv.getMany(ns, ids.map((id) => this.#prefix + id), query);
  }

  deleteItems(ns: string, id: string, target: KeysQuery | { range: KeyRange }, options?: DeleteOptions): Promise<void> {
    return this.#kv.deleteItems(ns, this.#prefix + id, target, options);
  }

  deleteRecord(ns: string, id: string, options?: DeleteOptions): Promise<void> {
    return this.#kv.deleteRecord(ns, this.#prefix + id, options);
  }

  mutate(batch: readonly KvOperation[]): Promise<void> {
    return this.#kv.mutate(batch.map((op) => ({ ...op, id: this.#prefix + op.id })));
  }

  countItems(ns: string, id: string): number | Promise<number> {
    return this.#kv.countItems(ns, this.#prefix + id);
  }

  async *scan(ns: string): AsyncGenerator<ScannedRecord> {
    for await (const record of this.#kv.scan(ns)) {
      if (record.id.startsWith(this.#prefix)) yield { id: record.id.slice(this.#prefix.length), items: record.items };
    }
  }

  async close(): Promise<void> {
    if (this.#owns) await this.#kv.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
