import type { Awaitable } from "@rdg/kv";

const CHUNK = 256;

/**
 * Calls `fn` for each input and gathers the results. Synchronous stores (LMDB, memory) answer
 * without a promise per call; remote stores get up to 256 calls in flight at once.
 */
export async function gather<I, O>(inputs: readonly I[], fn: (input: I) => Awaitable<O>): Promise<O[]> {
  const out = new Array<O>(inputs.length);
  let pending: Promise<void>[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const r = fn(inputs[i]!);
    if (r instanceof Promise) {
      pending.push(r.then((v) => void (out[i] = v)));
      if (pending.length >= CHUNK) {
        await Promise.all(pending);
        pending = [];
      }
    } else {
      out[i] = r;
    }
  }
  if (pending.length > 0) await Promise.all(pending);
  return out;
}
