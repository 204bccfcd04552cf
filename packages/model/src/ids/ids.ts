import { ModelError } from "../errors/schema-error.js";

/** Longest id accepted, in UTF-8 bytes (leaves room in a 512-byte KV record id for a bucket). */
export const MAX_ID_BYTES = 256;

/** Checks a node id: a non-empty string of at most 256 UTF-8 bytes without control characters. */
export function checkId(field: string, id: unknown): asserts id is string {
  if (typeof id !== "string" || id.length === 0) throw new ModelError("INVALID_ID", field, `must be a non-empty string, got ${JSON.stringify(id)}`);
  if (Buffer.byteLength(id) > MAX_ID_BYTES) throw new ModelError("INVALID_ID", field, `is ${Buffer.byteLength(id)} bytes; the limit is ${MAX_ID_BYTES}`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) throw new ModelError("INVALID_ID", field, "must not contain control characters");
}
