import { RdgError, formatErrorMessage, hasMarker, type RdgErrorCode } from "@rdg/model";

const MARKER = Symbol.for("rdg.server.error");

/** Every code a `ServerError` can have, as data (the type below is derived from it). */
export const SERVER_ERROR_CODES: readonly [
  "INVALID_REQUEST",
  "UNKNOWN_TYPE",
  "LIMIT_EXCEEDED",
  "BODY_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "ROUTE_NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "DEADLINE_EXCEEDED",
  "CANCELLED",
  "NOT_READY",
  "INTERNAL",
  "INVALID_ARGUMENT",
] = [
  "INVALID_REQUEST",
  "UNKNOWN_TYPE",
  "LIMIT_EXCEEDED",
  "BODY_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "ROUTE_NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "DEADLINE_EXCEEDED",
  "CANCELLED",
  "NOT_READY",
  "INTERNAL",
  "INVALID_ARGUMENT",
];

/**
 * Stable codes of the server's own errors; `ERROR_STATUS` of `@rdg/model` gives each its HTTP
 * status. `INVALID_ARGUMENT` is an option of the server itself (a limit, a token file).
 */
export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];

// Every server code has its row in the one table of codes (a compile-time check).
void (SERVER_ERROR_CODES satisfies readonly RdgErrorCode[]);

/** What a `ServerError` may carry besides its code and message. */
export interface ServerErrorOptions {
  /** The request field or server option at fault, e.g. `query.limit`; the message is then `[server] query.limit: ...`. @default undefined */
  readonly field?: string;
  /** The error this one wraps. @default undefined */
  readonly cause?: unknown;
}

/** The server refused a request or an option; the message says what to change. */
export class ServerError extends RdgError {
  declare readonly code: ServerErrorCode;

  constructor(code: ServerErrorCode, message: string, options: ServerErrorOptions = {}) {
    const retryable = code === "DEADLINE_EXCEEDED" || code === "NOT_READY";
    super(code, formatErrorMessage("server", options.field, message), { ...options, retryable });
    this.name = "ServerError";
    Object.defineProperty(this, MARKER, { value: true });
  }

  /** True for a `ServerError` from any copy of `@rdg/server`. */
  static override isInstance(error: unknown): error is ServerError {
    return hasMarker(error, MARKER);
  }
}
