import type { KvCapabilities, NamespaceConfig } from "../contract/kv-types.js";
import { EngineKvStore } from "../engine/engine-kv-store.js";
import type { NamespaceMaps } from "../engine/ordered-kv-engine.js";
import { SortedBytesMap } from "./sorted-bytes-map.js";

/** Options of the in-memory store. */
export interface MemoryKvStoreOptions {
  /** Configuration per namespace. @default {} */
  readonly namespaces?: Readonly<Record<string, NamespaceConfig>>;
  /** Configuration of namespaces not listed. @default {} */
  readonly defaultNamespace?: NamespaceConfig;
}

/** The whole KV contract in process memory. For unit tests and examples; nothing is persisted. */
export class MemoryKvStore extends EngineKvStore {
  readonly capabilities: KvCapabilities = Object.freeze({ syncReads: true, ttlGranularity: "ms", nativeCounts: true });
  protected readonly storeName = "kv-memory";
  readonly #options: MemoryKvStoreOptions;
  readonly #maps = new Map<string, NamespaceMaps>();

  constructor(options: MemoryKvStoreOptions = {}) {
    super();
    this.#options = Object.freeze({ ...options });
  }

  protected namespaceConfig(ns: string): NamespaceConfig {
    return this.#options.namespaces?.[ns] ?? this.#options.defaultNamespace ?? {};
  }

  protected namespaceMaps(ns: string): NamespaceMaps {
    let maps = this.#maps.get(ns);
    if (maps === undefined) {
      maps = { items: new SortedBytesMap(), meta: new SortedBytesMap(), config: this.namespaceConfig(ns) };
      this.#maps.set(ns, maps);
    }
    return maps;
  }

  protected writeTransaction(apply: () => void): Promise<void> {
    apply();
    return Promise.resolve();
  }

  protected async closeBackend(): Promise<void> {
    this.#maps.clear();
  }
}
