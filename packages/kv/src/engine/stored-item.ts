import type { Item } from "../contract/kv-types.js";

/**
 * An item read from a sorted map, decoded on access: a range page hands out many items whose
 * write time (a BigInt) and views are never looked at, and building them eagerly cost more than
 * LMDB's own iteration.
 */
export class StoredItem implements Item {
  readonly #mapKey: Uint8Array;
  readonly #keyStart: number;
  readonly #entry: Uint8Array;
  readonly #header: number;

  constructor(mapKey: Uint8Array, keyStart: number, entry: Uint8Array, header: number) {
    this.#mapKey = mapKey;
    this.#keyStart = keyStart;
    this.#entry = entry;
    this.#header = header;
  }

  get key(): Uint8Array {
    const k = this.#mapKey;
    return new Uint8Array(k.buffer, k.byteOffset + this.#keyStart, k.length - this.#keyStart);
  }

  get value(): Uint8Array {
    const e = this.#entry;
    return new Uint8Array(e.buffer, e.byteOffset + this.#header, e.length - this.#header);
  }

  get writeTime(): bigint {
    const e = this.#entry;
    return new DataView(e.buffer, e.byteOffset, e.length).getBigInt64(1);
  }

  get expiresAt(): number | undefined {
    const e = this.#entry;
    return this.#header === 17 ? new DataView(e.buffer, e.byteOffset, e.length).getFloat64(9) : undefined;
  }

  toJSON(): { key: Uint8Array; value: Uint8Array; writeTime: string; expiresAt?: number } {
    const expiresAt = this.expiresAt;
    return expiresAt === undefined ? { key: this.key, value: this.value, writeTime: String(this.writeTime) } : { key: this.key, value: this.value, writeTime: String(this.writeTime), expiresAt };
  }
}
