import { ModelError } from "../errors/model-error.js";
import { checkText } from "./text.js";

/** Longest id accepted, in UTF-8 bytes (leaves room in a 512-byte KV record id for a bucket). */
export const MAX_ID_BYTES = 256;

/**
 * Checks a node id: a non-empty string of valid text (no lone surrogates) of at most 256
 * UTF-8 bytes, without control characters. Throws a `ModelError` (`INVALID_ID`) naming `field`.
 */
export function checkId(field: string, id: unknown): asserts id is string {
  if (typeof id !== "string" || id.length === 0) {
    const shown = (JSON.stringify(id) ?? String(id)).slice(0, 60);
    throw new ModelError("INVALID_ID", field, `must be a non-empty string, got ${shown}`);
  }
  checkText("INVALID_ID", field, id, MAX_ID_BYTES, "MAX_ID_BYTES");
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) throw new ModelError("INVALID_ID", field, "must not contain control characters");
}
