import { open, type Database, type RootDatabase } from "lmdb";

/**
 * lmdb-js driven directly, the ceiling our KV layer is measured against: the same environment
 * options, binary keys and values, a write transaction per batch.
 */
export class RawLmdbDriver {
  readonly root: RootDatabase;
  readonly db: Database<Buffer, Buffer>;

  constructor(path: string, sync: boolean) {
    this.root = open({ path, noSync: !sync, mapSize: 256 * 1024 * 1024, compression: false, maxDbs: 4 });
    this.db = this.root.openDB<Buffer, Buffer>("bench", { keyEncoding: "binary", encoding: "binary", cache: false });
  }

  putBatch(keys: readonly Buffer[], value: Buffer): Promise<unknown> {
    return this.root.transaction(() => {
      for (const k of keys) this.db.putSync(k, value);
    });
  }

  get(key: Buffer): Buffer | undefined {
    return this.db.get(key);
  }

  range(start: Buffer, end: Buffer): Buffer[] {
    const out: Buffer[] = [];
    for (const { value } of this.db.getRange({ start, end })) out.push(value);
    return out;
  }

  close(): Promise<void> {
    return this.root.close();
  }
}
