import type { MapEntry, OrderedBytesMap } from "../engine/ordered-bytes-map.js";

// Latin-1 strings compare code unit by code unit, which is unsigned byte order.
const toKey = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
const fromKey = (key: string): Uint8Array => new Uint8Array(Buffer.from(key, "latin1"));

/** A sorted in-memory byte map: a hash map for lookups and a sorted key array for ranges. */
export class SortedBytesMap implements OrderedBytesMap {
  readonly #values = new Map<string, Uint8Array>();
  #keys: string[] = [];

  get(key: Uint8Array): Uint8Array | undefined {
    const v = this.#values.get(toKey(key));
    return v === undefined ? undefined : Uint8Array.from(v);
  }

  put(key: Uint8Array, value: Uint8Array): void {
    const k = toKey(key);
    if (!this.#values.has(k)) this.#keys.splice(this.#lowerBound(k), 0, k);
    this.#values.set(k, Uint8Array.from(value));
  }

  remove(key: Uint8Array): void {
    const k = toKey(key);
    if (!this.#values.delete(k)) return;
    this.#keys.splice(this.#lowerBound(k), 1);
  }

  *range(start: Uint8Array, end: Uint8Array | undefined, reverse: boolean): Generator<MapEntry> {
    const lo = this.#lowerBound(toKey(start));
    const hi = end === undefined ? this.#keys.length : this.#lowerBound(toKey(end));
    // Snapshot the slice so writes during iteration neither skip nor repeat entries.
    const slice = this.#keys.slice(lo, hi);
    if (reverse) slice.reverse();
    for (const k of slice) {
      const v = this.#values.get(k);
      if (v !== undefined) yield { key: fromKey(k), value: Uint8Array.from(v) };
    }
  }

  #lowerBound(k: string): number {
    let lo = 0;
    let hi = this.#keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#keys[mid]! < k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
