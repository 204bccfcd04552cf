import { join } from "node:path";
import { RawLmdbDriver } from "../drivers/raw-lmdb-driver.js";
import { batchedWriteRate, scatteredKey } from "../drivers/batched-writes.js";

const VALUE = Buffer.alloc(100, 7);

/**
 * Raw lmdb-js random puts, `batch` a write transaction, two in flight: the ceiling graph writes
 * are held to. Give it the transaction size of the writes it is compared with: with fsync on, a
 * larger transaction amortises the sync and would flatter whichever side has it.
 */
export async function rawRandomPutCeiling(dataDir: string, sync: boolean, ms: number, batch: number): Promise<number> {
  const raw = new RawLmdbDriver(join(dataDir, "ceiling"), sync);
  try {
    const { rate } = await batchedWriteRate(ms, batch, 2, (b) => {
      const keys: Buffer[] = [];
      for (let i = 0; i < batch; i++) keys.push(Buffer.from(scatteredKey(0, b * batch + i)));
      return raw.putBatch(keys, VALUE);
    });
    return rate;
  } finally {
    await raw.close();
  }
}
