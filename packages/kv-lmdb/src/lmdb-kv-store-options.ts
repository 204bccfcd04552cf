import type { NamespaceConfig } from "@rdg/kv";
import type { RootDatabase } from "lmdb";

/** Options of `LmdbKvStore`: a path to open, or a ready lmdb-js root database. */
export interface LmdbKvStoreOptions {
  /** Directory of the LMDB environment; created if absent. Give this or `database`. */
  readonly path?: string;
  /** A ready root database; the store does not close it. Give this or `path`. */
  readonly database?: RootDatabase;
  /** Configuration per namespace. @default {} */
  readonly namespaces?: Readonly<Record<string, NamespaceConfig>>;
  /** Configuration of namespaces not listed. @default {} */
  readonly defaultNamespace?: NamespaceConfig;
  /**
   * Skip fsync at commit: faster, and a machine crash (not a process crash) can lose the last
   * commits. @default false
   */
  readonly noSync?: boolean;
  /** Maximum number of namespaces (each uses two LMDB databases). @default 500 */
  readonly maxNamespaces?: number;
  /** Initial map size in bytes; lmdb-js grows it as needed. @default 256 MiB */
  readonly mapSize?: number;
}
