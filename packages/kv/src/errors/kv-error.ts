const MARKER = Symbol.for("rdg.kv.error");

/** Stable codes of every error the KV layer throws. */
export type KvErrorCode =
  | "INVALID_ARGUMENT"
  | "VALUE_TOO_LARGE"
  | "INVALID_PAGE_TOKEN"
  | "STORE_CLOSED"
  | "UNKNOWN_NAMESPACE"
  | "CONNECTION"
  | "TIMEOUT"
  | "BACKEND";

/** Options shared by every KV error. */
export interface KvErrorOptions {
  cause?: unknown;
  /** True when the same call may succeed if retried (connection loss, timeouts). @default false */
  retryable?: boolean;
}

/**
 * Base of every error the KV layer throws. `code` is stable; messages name what to change.
 * `KvError.isInstance` works across copies of the package (a `Symbol.for` marker).
 */
export class KvError extends Error {
  readonly code: KvErrorCode;
  readonly isRetryable: boolean;

  constructor(code: KvErrorCode, message: string, options: KvErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "KvError";
    this.code = code;
    this.isRetryable = options.retryable ?? false;
    Object.defineProperty(this, MARKER, { value: true });
  }

  static isInstance(error: unknown): error is KvError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}
