import { join } from "node:path";
import { RawLmdbDriver } from "../drivers/raw-lmdb-driver.js";
import { batchedWriteRate, scatteredKey } from "../drivers/batched-writes.js";

const VALUE = Buffer.alloc(100, 7);

/** Raw lmdb-js random puts (1000 a transaction, two in flight): the ceiling graph writes are held to. */
export async function rawRandomPutCeiling(dataDir: string, sync: boolean, ms: number): Promise<number> {
  const raw = new RawLmdbDriver(join(dataDir, "ceiling"), sync);
  try {
    const { rate } = await batchedWriteRate(ms, 1000, 2, (b) => {
      const keys: Buffer[] = [];
      for (let i = 0; i < 1000; i++) keys.push(Buffer.from(scatteredKey(0, b * 1000 + i)));
      return raw.putBatch(keys, VALUE);
    });
    return rate;
  } finally {
    await raw.close();
  }
}
