import type { KvStore, NamespaceConfig } from "../contract/kv-types.js";

/** The few test-runner functions the suite needs (vitest, node:test and mocha all fit). */
export interface SuiteApi {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void>, timeoutMs?: number): void;
  afterAll?(fn: () => Promise<void>): void;
}

/** What a store cannot do; tests that need it are skipped by name, never silently passed. */
export interface ConformanceFlags {
  /** Smallest TTL unit the backend honours. @default "ms" */
  readonly ttlGranularity?: "ms" | "s";
}

/** How the suite gets stores. */
export interface ConformanceOptions {
  /** Shown in test names, e.g. "lmdb". */
  readonly name: string;
  /**
   * Creates a store with this namespace configuration. Namespaces carry a random prefix per run,
   * so a store backed by a long-lived server needs no cleaning between runs.
   */
  create(namespaces: Readonly<Record<string, NamespaceConfig>>): Promise<KvStore> | KvStore;
  /** Opens a new store over the same data (a restart), for backends that persist. */
  reopen?(previous: KvStore, namespaces: Readonly<Record<string, NamespaceConfig>>): Promise<KvStore>;
  readonly flags?: ConformanceFlags;
  /** Per-test timeout. @default 20000 */
  readonly timeoutMs?: number;
}

/** The namespaces every run uses. */
export interface SuiteNamespaces {
  readonly plain: string;
  readonly other: string;
  readonly ttl: string;
  readonly counted: string;
  readonly small: string;
}
