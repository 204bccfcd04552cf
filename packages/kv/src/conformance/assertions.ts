import assert from "node:assert/strict";
import type { Item } from "../contract/kv-types.js";
import { KvError } from "../errors/kv-error.js";

export { assert };

/** Awaits `run` and checks that it failed with a KV error of `code`. */
export async function rejectsWithCode(run: () => unknown, code: string, what: string): Promise<KvError> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `${what}: expected a ${code} error, but the call succeeded`);
  assert.ok(KvError.isInstance(caught), `${what}: expected a KvError, got ${String(caught)}`);
  assert.equal(caught.code, code, `${what}: expected code ${code}, got ${caught.code} (${caught.message})`);
  assert.ok(caught.message.length > 10, `${what}: the error message says nothing`);
  return caught;
}

const text = new TextDecoder();

/** `key=value` strings of items, for readable comparisons. */
export function show(items: readonly Item[]): string[] {
  return items.map((i) => `${text.decode(i.key)}=${text.decode(i.value)}`);
}
