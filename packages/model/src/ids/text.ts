import { ModelError, type ModelErrorCode } from "../errors/model-error.js";

// Node >= 20 has String.prototype.isWellFormed; the ES2023 lib this package compiles against does not declare it.
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** UTF-8 length of a string, without encoding it when its UTF-16 length already decides. */
function utf8Bytes(s: string, limit: number): number {
  // Every UTF-16 code unit is 1 to 3 UTF-8 bytes.
  return s.length * 3 <= limit ? s.length : Buffer.byteLength(s, "utf8");
}

/**
 * Checks that a string is valid text (no lone UTF-16 surrogate, which UTF-8 cannot carry and
 * would store as U+FFFD) of at most `maxBytes` UTF-8 bytes. Throws a `ModelError` naming `field`.
 */
export function checkText(code: ModelErrorCode, field: string, value: string, maxBytes: number, limitName: string): void {
  const bytes = utf8Bytes(value, maxBytes);
  if (bytes > maxBytes) {
    throw new ModelError(code, field, `is ${bytes} bytes of UTF-8; the limit is ${maxBytes} (${limitName}): keep large values outside the graph and store a reference`);
  }
  if (!isWellFormed(value)) {
    const at = LONE_SURROGATE.exec(value)?.index ?? -1;
    throw new ModelError(code, field, `is not valid text: a lone UTF-16 surrogate at index ${at}; decode the source as UTF-8, or drop the broken character`);
  }
}
