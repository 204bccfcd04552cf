/**
 * Which (edge type, direction, bucket, node) bucket index entries are known to be written, so an
 * edge that is updated again does not rewrite its bucket index entry. Grouped by bucket: the
 * lookup of a batch's many edges in the same bucket costs one map hit each, and when the cache
 * is full the oldest buckets go first. Memory stays bounded however long a job runs.
 */
export class BucketIndexCache {
  readonly #max: number;
  readonly #groups = new Map<string, Set<string>>();
  #size = 0;
  #lastType = "";
  #lastDirection = "";
  #lastBucket = -1;
  #last: Set<string> | undefined;

  /** @param max most entries kept. */
  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  #group(type: string, direction: string, bucket: number, create: boolean): Set<string> | undefined {
    if (bucket === this.#lastBucket && type === this.#lastType && direction === this.#lastDirection && this.#last !== undefined) return this.#last;
    const key = `${type}|${direction}|${bucket}`;
    let group = this.#groups.get(key);
    if (group === undefined) {
      if (!create) return undefined;
      group = new Set();
      this.#groups.set(key, group);
    }
    this.#lastType = type;
    this.#lastDirection = direction;
    this.#lastBucket = bucket;
    this.#last = group;
    return group;
  }

  has(type: string, direction: string, bucket: number, nodeId: string): boolean {
    return this.#group(type, direction, bucket, false)?.has(nodeId) === true;
  }

  add(type: string, direction: string, bucket: number, nodeId: string): void {
    const group = this.#group(type, direction, bucket, true)!;
    if (group.has(nodeId)) return;
    group.add(nodeId);
    if (++this.#size > this.#max) this.#evictOldest();
  }

  /** Every entry of `other` into this cache. */
  addAll(other: BucketIndexCache): void {
    for (const [key, ids] of other.#groups) {
      const [type, direction, bucket] = key.split("|") as [string, string, string];
      for (const id of ids) this.add(type, direction, Number(bucket), id);
    }
  }

  #evictOldest(): void {
    const oldest = this.#groups.keys().next();
    if (oldest.done === true) return;
    this.#size -= this.#groups.get(oldest.value)!.size;
    this.#groups.delete(oldest.value);
    this.#last = undefined;
    this.#lastBucket = -1;
  }
}
