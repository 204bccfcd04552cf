import { RdgError, hasMarker, type RdgErrorCode } from "@rdg/model";

const MARKER = Symbol.for("rdg.kv.error");

/** Every code a `KvError` can have, as data (the type below is derived from it). */
export const KV_ERROR_CODES: readonly [
  "INVALID_ARGUMENT",
  "VALUE_TOO_LARGE",
  "INVALID_PAGE_TOKEN",
  "STORE_CLOSED",
  "UNKNOWN_NAMESPACE",
  "CONNECTION",
  "TIMEOUT",
  "BACKEND",
] = ["INVALID_ARGUMENT", "VALUE_TOO_LARGE", "INVALID_PAGE_TOKEN", "STORE_CLOSED", "UNKNOWN_NAMESPACE", "CONNECTION", "TIMEOUT", "BACKEND"];

/** Stable codes of every error the KV layer throws; `ERROR_STATUS` of `@rdg/model` says what each means. */
export type KvErrorCode = (typeof KV_ERROR_CODES)[number];

// Every KV code has its row in the one table of codes (a compile-time check).
void (KV_ERROR_CODES satisfies readonly RdgErrorCode[]);

/** Options shared by every KV error. */
export interface KvErrorOptions {
  /** The error this one wraps (a driver's error). @default undefined */
  cause?: unknown;
  /** True when the same call may succeed if retried (connection loss, timeouts). @default false */
  retryable?: boolean;
  /** The argument or option at fault. @default undefined */
  field?: string;
}

/**
 * Base of every error the KV layer and its stores throw, an `RdgError`. `code` is stable;
 * messages read `[origin] field: what is wrong; what to do`. `KvError.isInstance` works
 * across copies of the package (a `Symbol.for` marker).
 */
export class KvError extends RdgError {
  declare readonly code: KvErrorCode;

  constructor(code: KvErrorCode, message: string, options: KvErrorOptions = {}) {
    super(code, message, options);
    this.name = "KvError";
    Object.defineProperty(this, MARKER, { value: true });
  }

  /** True for a `KvError` (or a subclass) from any copy of `@rdg/kv`. */
  static override isInstance(error: unknown): error is KvError {
    return hasMarker(error, MARKER);
  }
}
