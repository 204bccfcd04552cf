import { EngineKvStore, InvalidArgumentError, type KvCapabilities, type NamespaceConfig, type NamespaceMaps } from "@rdg/kv";
import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { open, type Database, type RootDatabase } from "lmdb";
import { LmdbBytesMap } from "./lmdb-bytes-map.js";
import type { LmdbKvStoreOptions } from "./lmdb-kv-store-options.js";

/**
 * The KV contract on LMDB, embedded in the process. Each namespace is its own pair of LMDB
 * databases (items and record metadata). Reads are synchronous, as lmdb-js's are; each
 * `mutate` is one write transaction that checks last-write-wins inside it, so there is no
 * read-before-write round trip, and it resolves once the transaction is committed.
 */
export class LmdbKvStore extends EngineKvStore {
  readonly capabilities: KvCapabilities = Object.freeze({ syncReads: true, ttlGranularity: "ms", nativeCounts: true });
  protected readonly storeName = "kv-lmdb";
  readonly #root: RootDatabase;
  readonly #ownsRoot: boolean;
  readonly #options: LmdbKvStoreOptions;
  readonly #maps = new Map<string, NamespaceMaps>();

  constructor(options: LmdbKvStoreOptions) {
    super();
    if ((options.path === undefined) === (options.database === undefined)) {
      throw new InvalidArgumentError("options", '[kv-lmdb] give exactly one of "path" or "database"');
    }
    if (options.path !== undefined) checkEnvironmentPath(options.path);
    this.#options = Object.freeze({ ...options });
    this.#ownsRoot = options.database === undefined;
    this.#root =
      options.database ??
      open({
        path: options.path!,
        // Always a directory: lmdb-js otherwise takes a path with an extension ("graph.db") as the data file.
        noSubdir: false,
        maxDbs: (options.maxNamespaces ?? 500) * 2,
        noSync: options.noSync ?? false,
        mapSize: options.mapSize ?? 256 * 1024 * 1024,
        compression: false,
      });
  }

  /** The lmdb-js root database, for tools that need it (backups, stats). */
  get database(): RootDatabase {
    return this.#root;
  }

  protected namespaceConfig(ns: string): NamespaceConfig {
    return this.#options.namespaces?.[ns] ?? this.#options.defaultNamespace ?? {};
  }

  protected namespaceMaps(ns: string): NamespaceMaps {
    let maps = this.#maps.get(ns);
    if (maps === undefined) {
      const openDb = (name: string): Database<Buffer, Buffer> =>
        this.#root.openDB<Buffer, Buffer>(name, { keyEncoding: "binary", encoding: "binary", cache: false });
      maps = { items: new LmdbBytesMap(openDb(ns)), meta: new LmdbBytesMap(openDb(`${ns}#meta`)), config: this.namespaceConfig(ns) };
      this.#maps.set(ns, maps);
    }
    return maps;
  }

  protected async writeTransaction(apply: () => void): Promise<void> {
    await this.#root.transaction(apply);
  }

  protected async closeBackend(): Promise<void> {
    this.#maps.clear();
    if (this.#ownsRoot) await this.#root.close();
  }
}

/**
 * LMDB treats a path that is not a directory as its data file, and lmdb-js then crashes the
 * process (a segmentation fault) and leaves a `-lock` file beside it: refuse before opening,
 * so nothing is created and the message says what to pass.
 */
function checkEnvironmentPath(path: string): void {
  for (let at = resolve(path); ; at = dirname(at)) {
    const stat = statSync(at, { throwIfNoEntry: false });
    if (stat === undefined) {
      if (dirname(at) === at) return;
      continue;
    }
    if (stat.isDirectory()) return;
    const kind = stat.isFile() ? "a file" : "not a directory";
    const what = at === resolve(path) ? `is ${kind}` : `is inside ${at}, which is ${kind}`;
    throw new InvalidArgumentError("path", `"${path}" ${what}; pass a directory for the LMDB environment (an existing one, or a new path that will be created), not a data file`, { origin: "kv-lmdb" });
  }
}
