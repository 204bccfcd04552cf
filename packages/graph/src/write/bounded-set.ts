/** A set that forgets its oldest entries past a size: memory stays bounded however long a job runs. */
export class BoundedSet {
  readonly #max: number;
  #current = new Set<string>();
  #previous = new Set<string>();

  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  has(key: string): boolean {
    return this.#current.has(key) || this.#previous.has(key);
  }

  add(key: string): void {
    if (this.#current.size >= this.#max / 2) {
      // Two generations: dropping the older half is O(1) and keeps recent keys.
      this.#previous = this.#current;
      this.#current = new Set();
    }
    this.#current.add(key);
  }
}
