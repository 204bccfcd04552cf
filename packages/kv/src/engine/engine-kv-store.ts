import type {
  GetQuery,
  Item,
  KeysQuery,
  KvCapabilities,
  KvOperation,
  KvStore,
  NamespaceConfig,
  Page,
  ScannedRecord,
} from "../contract/kv-types.js";
import { checkId, checkManyQuery, checkNamespace, checkOperation, checkQuery } from "../contract/validate-arguments.js";
import { StoreClosedError } from "../errors/store-closed-error.js";
import { KvStoreBase } from "../contract/kv-store-base.js";
import { OrderedKvEngine, type NamespaceMaps } from "./ordered-kv-engine.js";
import { checkEncodedBatch } from "./apply-encoded-batch.js";

/**
 * Shared shell of the stores built on `OrderedKvEngine`: argument checks, the closed state,
 * and the mapping of every contract call onto one batch. A subclass supplies the maps of a
 * namespace and a write transaction.
 */
export abstract class EngineKvStore extends KvStoreBase implements KvStore {
  abstract readonly capabilities: KvCapabilities;
  protected abstract readonly storeName: string;
  readonly #engine: OrderedKvEngine;
  #closed = false;

  constructor() {
    super();
    this.#engine = new OrderedKvEngine((ns) => this.namespaceMaps(ns));
  }

  /** The maps and configuration of a namespace, created on first use. */
  protected abstract namespaceMaps(ns: string): NamespaceMaps;
  /** Runs `apply` inside one write transaction; resolves when it is durable. */
  protected abstract writeTransaction(apply: () => void): Promise<void>;
  /** Releases the backend; called once. */
  protected abstract closeBackend(): Promise<void>;
  /** The configuration of a namespace. */
  protected abstract namespaceConfig(ns: string): NamespaceConfig;

  protected ensureOpen(operation: string): void {
    if (this.#closed) throw new StoreClosedError(this.storeName, operation);
  }

  override mutate(batch: readonly KvOperation[]): Promise<void> {
    try {
      this.ensureOpen("mutate");
      // Validate the whole batch first: a bad operation refuses the batch, nothing is half-written.
      for (const op of batch) checkOperation(op, (ns) => this.namespaceConfig(ns));
    } catch (error) {
      return Promise.reject(error);
    }
    if (batch.length === 0) return Promise.resolve();
    return this.writeTransaction(() => this.#engine.applyBatch(batch));
  }

  /**
   * Writes encoded batches (built by `EncodedBatchBuilder`, typically in worker threads) and
   * operations in one write transaction, with the same last-write-wins as `mutate`; resolves
   * with the items written once durable. Each batch is checked first: a bad one refuses the call.
   */
  mutateEncoded(batches: readonly Uint8Array[], ops: readonly KvOperation[] = []): Promise<number> {
    try {
      this.ensureOpen("mutateEncoded");
      for (const batch of batches) checkEncodedBatch(batch, (ns) => this.namespaceConfig(ns));
      for (const op of ops) checkOperation(op, (ns) => this.namespaceConfig(ns));
    } catch (error) {
      return Promise.reject(error);
    }
    let written = 0;
    return this.writeTransaction(() => {
      if (ops.length > 0) this.#engine.applyBatch(ops);
      for (const batch of batches) written += this.#engine.applyEncoded(batch);
    }).then(() => written);
  }

  getItems(ns: string, id: string, query?: GetQuery): Page {
    this.ensureOpen("getItems");
    checkNamespace(ns);
    checkId(id);
    checkQuery(query);
    return this.#engine.getItems(ns, id, query);
  }

  /** Synchronous, in one pass over the maps: no promise and one validation for the whole call. */
  override getMany(ns: string, ids: readonly string[], query: KeysQuery): Item[][] {
    this.ensureOpen("getMany");
    checkManyQuery(ns, ids, query);
    return this.#engine.getMany(ns, ids, query.keys);
  }

  countItems(ns: string, id: string): number {
    this.ensureOpen("countItems");
    checkNamespace(ns);
    checkId(id);
    return this.#engine.countItems(ns, id);
  }

  async *scan(ns: string): AsyncGenerator<ScannedRecord> {
    this.ensureOpen("scan");
    checkNamespace(ns);
    for (const record of this.#engine.scan(ns)) {
      yield record;
      this.ensureOpen("scan");
    }
  }

  override async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.closeBackend();
  }
}
