const MARKER = Symbol.for("rdg.error");

/** What every RDG error may carry besides its code and message. */
export interface RdgErrorOptions {
  /** The field, option or argument at fault, e.g. `edge watched.time` or `keyPrefix`. @default undefined */
  readonly field?: string;
  /** The error this one wraps (a driver's error, a failed validation). @default undefined */
  readonly cause?: unknown;
  /** True when the same call may succeed if retried (connection loss, timeouts). @default false */
  readonly retryable?: boolean;
}

/**
 * `[origin] field: problem` (or `[origin] problem` without a field): the one message format
 * of RDG errors. `origin` is the package or store that refused, e.g. `model`, `kv-redis`.
 * Write `problem` as what is wrong, then `; ` and what to do.
 */
export function formatErrorMessage(origin: string, field: string | undefined, problem: string): string {
  return field === undefined || field === "" ? `[${origin}] ${problem}` : `[${origin}] ${field}: ${problem}`;
}

/**
 * Base of every error an RDG package throws. `code` is stable (see `ERROR_STATUS` for every
 * code, whether it is retryable and the HTTP status it maps to); `field` names what to change.
 * `RdgError.isInstance` works across copies of the package (a `Symbol.for` marker), where
 * `instanceof` does not.
 */
export class RdgError extends Error {
  /** Stable, machine-readable code, e.g. `VALIDATION`, `VALUE_TOO_LARGE`, `CONNECTION`. */
  readonly code: string;
  /** True when the same call may succeed if retried; nothing was acknowledged. */
  readonly isRetryable: boolean;
  /** The field, option or argument at fault, when there is one. */
  readonly field: string | undefined;

  /** `message` is used as given; build it with `formatErrorMessage` for the house format. */
  constructor(code: string, message: string, options: RdgErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RdgError";
    this.code = code;
    this.isRetryable = options.retryable ?? false;
    this.field = options.field;
    Object.defineProperty(this, MARKER, { value: true });
  }

  /** True for an error of any RDG package, whichever copy of the package created it. */
  static isInstance(error: unknown): error is RdgError {
    return hasMarker(error, MARKER);
  }
}

/** True when `error` is an object carrying `marker` (how each error class's `isInstance` works). */
export function hasMarker(error: unknown, marker: symbol): boolean {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[marker] === true;
}
