import type {
  Awaitable,
  DeleteOptions,
  GetQuery,
  Item,
  ItemInput,
  KeyRange,
  KeysQuery,
  KvCapabilities,
  KvOperation,
  KvStore,
  Page,
  PutOptions,
  ScannedRecord,
} from "../contract/kv-types.js";
import { checkNamespace } from "../contract/validate-arguments.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { StoreClosedError } from "../errors/store-closed-error.js";
import { UnknownNamespaceError } from "../errors/unknown-namespace-error.js";

/** One route: namespaces matching `match` go to `store`. */
export interface NamespaceRoute {
  /** An exact name, a prefix ending in `*` (`"edge.watched.*"`), or a predicate. */
  readonly match: string | ((ns: string) => boolean);
  readonly store: KvStore;
}

/** Options of the router. */
export interface NamespaceRouterOptions {
  /** Tried in order; the first match wins. */
  readonly routes?: readonly NamespaceRoute[];
  /** Store of namespaces no route matches. @default none: such namespaces are refused */
  readonly defaultStore?: KvStore;
  /** Close the routed stores when the router closes. @default true */
  readonly ownsStores?: boolean;
}

const matches = (match: NamespaceRoute["match"], ns: string): boolean =>
  typeof match === "function" ? match(ns) : match.endsWith("*") ? ns.startsWith(match.slice(0, -1)) : ns === match;

/**
 * Sends each namespace to its own store: moving a namespace to another cluster is a change of
 * configuration, not of code. It is itself a `KvStore`, so everything above it is unaware.
 */
export class NamespaceRouter implements KvStore {
  readonly capabilities: KvCapabilities;
  readonly #routes: readonly NamespaceRoute[];
  readonly #default: KvStore | undefined;
  readonly #owns: boolean;
  readonly #cache = new Map<string, KvStore>();
  #closed = false;

  constructor(options: NamespaceRouterOptions) {
    this.#routes = Object.freeze([...(options.routes ?? [])]);
    this.#default = options.defaultStore;
    this.#owns = options.ownsStores ?? true;
    const stores = this.#stores();
    if (stores.length === 0) throw new InvalidArgumentError("router options", "give at least one route or a defaultStore");
    this.capabilities = Object.freeze({
      syncReads: stores.every((s) => s.capabilities.syncReads),
      ttlGranularity: stores.some((s) => s.capabilities.ttlGranularity === "s") ? "s" : "ms",
      nativeCounts: stores.every((s) => s.capabilities.nativeCounts),
    });
  }

  #stores(): KvStore[] {
    const all = this.#routes.map((r) => r.store);
    if (this.#default !== undefined) all.push(this.#default);
    return [...new Set(all)];
  }

  /** The store that serves a namespace. */
  storeFor(ns: string): KvStore {
    if (this.#closed) throw new StoreClosedError("kv-router", "storeFor");
    let store = this.#cache.get(ns);
    if (store !== undefined) return store;
    checkNamespace(ns);
    store = this.#routes.find((r) => matches(r.match, ns))?.store ?? this.#default;
    if (store === undefined) throw new UnknownNamespaceError(ns);
    this.#cache.set(ns, store);
    return store;
  }

  putItems(ns: string, id: string, items: readonly ItemInput[], options?: PutOptions): Promise<void> {
    return this.storeFor(ns).putItems(ns, id, items, options);
  }

  getItems(ns: string, id: string, query?: GetQuery): Awaitable<Page> {
    return this.storeFor(ns).getItems(ns, id, query);
  }

  getMany(ns: string, ids: readonly string[], query: KeysQuery): Awaitable<Item[][]> {
    return this.storeFor(ns).getMany(ns, ids, query);
  }

  deleteItems(ns: string, id: string, target: KeysQuery | { range: KeyRange }, options?: DeleteOptions): Promise<void> {
    return this.storeFor(ns).deleteItems(ns, id, target, options);
  }

  deleteRecord(ns: string, id: string, options?: DeleteOptions): Promise<void> {
    return this.storeFor(ns).deleteRecord(ns, id, options);
  }

  countItems(ns: string, id: string): Awaitable<number> {
    return this.storeFor(ns).countItems(ns, id);
  }

  async mutate(batch: readonly KvOperation[]): Promise<void> {
    const groups = new Map<KvStore, KvOperation[]>();
    for (const op of batch) {
      const store = this.storeFor(op.ns);
      let group = groups.get(store);
      if (group === undefined) groups.set(store, (group = []));
      group.push(op);
    }
    if (groups.size === 1) {
      const [store, ops] = groups.entries().next().value!;
      return store.mutate(ops);
    }
    await Promise.all([...groups].map(([store, ops]) => store.mutate(ops)));
  }

  scan(ns: string): AsyncIterable<ScannedRecord> {
    return this.storeFor(ns).scan(ns);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#owns) await Promise.all(this.#stores().map((s) => s.close()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
