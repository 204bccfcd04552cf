/** Bounds of the read cache. */
export interface ReadCacheOptions {
  /** Most entries kept; 0 turns the cache off. @default 10000 */
  readonly maxEntries?: number;
  /** Most bytes kept (the entries' JSON size, estimated). @default 67108864 (64 MiB) */
  readonly maxBytes?: number;
  /**
   * How long an entry is served, in ms: the staleness bound for writes made by other processes
   * (writes through this server's `/v1/events` drop what they touch at once). @default 1000
   */
  readonly stalenessMs?: number;
  /** Clock in ms, for tests. @default performance.now */
  readonly now?: () => number;
}

/** The defaults of `ReadCacheOptions`. */
export const DEFAULT_CACHE: Readonly<Required<Omit<ReadCacheOptions, "now">>> = Object.freeze({ maxEntries: 10_000, maxBytes: 64 * 1024 * 1024, stalenessMs: 1000 });

interface Entry<V> {
  readonly value: V;
  readonly bytes: number;
  readonly expires: number;
  readonly tags: readonly string[];
}

/**
 * A least-recently-used cache bounded in entries and in bytes, whose entries expire after the
 * staleness bound. Each entry carries tags (the node, or the node and edge type of a page), so a
 * write drops every entry it touches (`invalidate`). A read that missed remembers `epoch()` before
 * it reads the store and stores its answer only if nothing was invalidated meanwhile, so an
 * answer read before a write can never be cached after it.
 */
export class ReadCache<V> {
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #staleness: number;
  readonly #now: () => number;
  // A Map iterates in insertion order: re-inserting on a hit keeps the least recent first.
  readonly #entries = new Map<string, Entry<V>>();
  readonly #byTag = new Map<string, Set<string>>();
  #bytes = 0;
  #epoch = 0;

  constructor(options: ReadCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? DEFAULT_CACHE.maxEntries;
    this.#maxBytes = options.maxBytes ?? DEFAULT_CACHE.maxBytes;
    this.#staleness = options.stalenessMs ?? DEFAULT_CACHE.stalenessMs;
    this.#now = options.now ?? (() => performance.now());
  }

  /** False when the cache is off (no entries or no time to keep them). */
  get enabled(): boolean {
    return this.#maxEntries > 0 && this.#maxBytes > 0 && this.#staleness > 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Changes whenever something is invalidated. */
  epoch(): number {
    return this.#epoch;
  }

  /** The entry, or undefined when absent or older than the staleness bound. */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires <= this.#now()) {
      this.#remove(key, entry);
      return undefined;
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Stores a value read when the epoch was `epoch`; does nothing if an invalidation came since. */
  set(key: string, value: V, bytes: number, tags: readonly string[], epoch: number): void {
    if (!this.enabled || epoch !== this.#epoch || bytes > this.#maxBytes) return;
    const old = this.#entries.get(key);
    if (old !== undefined) this.#remove(key, old);
    this.#entries.set(key, { value, bytes, expires: this.#now() + this.#staleness, tags });
    this.#bytes += bytes;
    for (const tag of tags) {
      let keys = this.#byTag.get(tag);
      if (keys === undefined) this.#byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
    while (this.#entries.size > this.#maxEntries || this.#bytes > this.#maxBytes) {
      const [oldestKey, oldest] = this.#entries.entries().next().value as [string, Entry<V>];
      this.#remove(oldestKey, oldest);
    }
  }

  /** Drops every entry carrying one of `tags`. */
  invalidate(tags: Iterable<string>): void {
    this.#epoch++;
    for (const tag of tags) {
      const keys = this.#byTag.get(tag);
      if (keys === undefined) continue;
      for (const key of [...keys]) {
        const entry = this.#entries.get(key);
        if (entry !== undefined) this.#remove(key, entry);
      }
    }
  }

  clear(): void {
    this.#epoch++;
    this.#entries.clear();
    this.#byTag.clear();
    this.#bytes = 0;
  }

  #remove(key: string, entry: Entry<V>): void {
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
    for (const tag of entry.tags) {
      const keys = this.#byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.#byTag.delete(tag);
    }
  }
}

/** The tag of a node's entry. */
export const nodeTag = (type: string, id: string): string => `n\u0000${type}\u0000${id}`;
/** The tag of a node's neighbour pages over one edge type (either direction). */
export const edgesTag = (edgeType: string, nodeId: string): string => `e\u0000${edgeType}\u0000${nodeId}`;
