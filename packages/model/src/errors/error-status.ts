import { RdgError } from "./rdg-error.js";

/** Every code an RDG package throws. A new code is added here, with its row in `ERROR_STATUS`. */
export type RdgErrorCode =
  | "INVALID_ARGUMENT"
  | "INVALID_SCHEMA"
  | "VALIDATION"
  | "INVALID_ID"
  | "VALUE_TOO_LARGE"
  | "INVALID_PAGE_TOKEN"
  | "INVALID_QUERY"
  | "INVALID_CURSOR"
  | "BAD_EVENT"
  | "SOURCE_CHANGED"
  | "SCHEMA_MISMATCH"
  | "UNKNOWN_NAMESPACE"
  | "STORE_CLOSED"
  | "CONNECTION"
  | "TIMEOUT"
  | "BACKEND";

/** One row of `ERROR_STATUS`. */
export interface ErrorCodeInfo {
  /** The HTTP status a server answers an error of this code with. */
  readonly status: number;
  /** True when errors of this code are retryable: the same call may succeed later. */
  readonly retryable: boolean;
  /**
   * True when the code blames the content of the request or event itself (not the stored state,
   * the configuration or a store): sending it again fails again, and other requests are not affected.
   */
  readonly blamesInput: boolean;
  /** The packages that throw it. */
  readonly packages: readonly string[];
  /** What the code means, in one line; no two codes mean the same. */
  readonly meaning: string;
}

/**
 * Every error code of every RDG package: what it means, whether it is retryable, whether it
 * blames the request's or event's own content, and the HTTP status a server maps it to. 4xx
 * codes blame the caller (the content, or a conflict with stored state: 409); 5xx codes blame
 * the server, its configuration or its stores.
 */
export const ERROR_STATUS: Readonly<Record<RdgErrorCode, ErrorCodeInfo>> = Object.freeze({
  INVALID_ARGUMENT: row(400, false, true, ["model", "kv (every store)", "ingest"], "an argument or option of a call is malformed or out of range"),
  INVALID_SCHEMA: row(422, false, true, ["model"], "a schema definition is not valid"),
  VALIDATION: row(422, false, true, ["model"], "a mutation does not fit the schema or the time and size limits"),
  INVALID_ID: row(400, false, true, ["model"], "a node id is empty, too long, or not valid text"),
  VALUE_TOO_LARGE: row(413, false, true, ["kv (every store)"], "a stored value exceeds its namespace's size limit"),
  INVALID_PAGE_TOKEN: row(400, false, true, ["kv"], "a KV page token is corrupt or belongs to another query"),
  INVALID_QUERY: row(400, false, true, ["graph"], "a graph query cannot be answered as asked"),
  INVALID_CURSOR: row(400, false, true, ["graph"], "a neighbour cursor is corrupt or belongs to another query"),
  BAD_EVENT: row(422, false, true, ["ingest"], "an event cannot be turned into mutations"),
  SOURCE_CHANGED: row(409, false, false, ["ingest"], "a replayed source changed since its checkpoint was committed"),
  SCHEMA_MISMATCH: row(409, false, false, ["graph"], "a graph was written with another schema or storage layout"),
  UNKNOWN_NAMESPACE: row(500, false, false, ["kv"], "the namespace router has no store for a namespace (configuration)"),
  STORE_CLOSED: row(503, false, false, ["kv (every store)"], "a store was called after close()"),
  CONNECTION: row(503, true, false, ["kv-redis", "kv-cassandra", "ingest"], "the backend is unreachable or dropped the call; nothing was acknowledged"),
  TIMEOUT: row(504, true, false, ["kv-redis", "ingest"], "the backend did not answer in time; nothing was acknowledged"),
  BACKEND: row(502, false, false, ["kv-redis", "kv-cassandra", "ingest"], "the backend answered with an error of its own"),
});

function row(status: number, retryable: boolean, blamesInput: boolean, packages: readonly string[], meaning: string): ErrorCodeInfo {
  return Object.freeze({ status, retryable, blamesInput, packages: Object.freeze([...packages]), meaning });
}

/** The `ERROR_STATUS` row of an error's code, or undefined when it is not an RDG error of a known code. */
export function errorInfo(error: unknown): ErrorCodeInfo | undefined {
  if (!RdgError.isInstance(error)) return undefined;
  return Object.hasOwn(ERROR_STATUS, error.code) ? ERROR_STATUS[error.code as RdgErrorCode] : undefined;
}

/** The HTTP status for any thrown value: its code's status, 500 for anything else. */
export function httpStatusOf(error: unknown): number {
  return errorInfo(error)?.status ?? 500;
}

/**
 * True when an error blames the content of its request or event (`blamesInput`) and is not
 * retryable: the same content fails again, other content is unaffected. An ingestion job
 * dead-letters such events and goes on; any other error stops it.
 */
export function isInputError(error: unknown): boolean {
  const info = errorInfo(error);
  return info !== undefined && info.blamesInput && !(error as RdgError).isRetryable;
}
