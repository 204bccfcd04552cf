import { rate } from "../measure.js";

/** Keys in a scattered but repeatable order: multiplicative hashing of the sequence number. */
export const scatteredKey = (round: number, i: number): string => `r${round}-${((i * 2654435761) >>> 0).toString(16).padStart(8, "0")}`;

/**
 * Runs `writeBatch(b)` for `ms` with up to `inflight` batches outstanding; returns
 * operations per second (`batchSize` operations a batch).
 */
export async function batchedWriteRate(ms: number, batchSize: number, inflight: number, writeBatch: (b: number) => Promise<unknown>): Promise<{ rate: number; batches: number }> {
  const pending = new Set<Promise<unknown>>();
  let batches = 0;
  const r = await rate(ms, batchSize, async (b) => {
    const tracked: Promise<unknown> = writeBatch(b).finally(() => pending.delete(tracked));
    pending.add(tracked);
    batches = b + 1;
    if (pending.size >= inflight) await Promise.race(pending);
  });
  await Promise.all(pending);
  return { rate: r, batches };
}
