import type { MapEntry, OrderedBytesMap } from "@rdg/kv";
import type { Database } from "lmdb";

/**
 * One lmdb-js database with binary keys and values as an `OrderedBytesMap`. LMDB compares keys
 * as unsigned bytes (memcmp), which is the order the KV contract fixes. Reads are synchronous;
 * writes happen inside the write transaction the store opens around each batch.
 */
export class LmdbBytesMap implements OrderedBytesMap {
  readonly #db: Database<Buffer, Buffer>;

  constructor(db: Database<Buffer, Buffer>) {
    this.#db = db;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#db.getBinary(asBuffer(key));
  }

  peek(key: Uint8Array): Uint8Array | undefined {
    return this.#db.getBinaryFast(asBuffer(key));
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.#db.putSync(asBuffer(key), asBuffer(value));
  }

  remove(key: Uint8Array): void {
    this.#db.removeSync(asBuffer(key));
  }

  range(start: Uint8Array, end: Uint8Array | undefined, reverse: boolean): Iterable<MapEntry> {
    // lmdb-js walks a reverse range from `start` down to `end`; flip the bounds' inclusiveness.
    const options = reverse
      ? { start: end === undefined ? undefined : asBuffer(end), end: asBuffer(start), reverse: true, exclusiveStart: true, inclusiveEnd: true }
      : { start: asBuffer(start), end: end === undefined ? undefined : asBuffer(end) };
    return this.#db.getRange(options);
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
