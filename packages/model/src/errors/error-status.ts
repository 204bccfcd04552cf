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
  | "BACKEND"
  | "INVALID_REQUEST"
  | "UNKNOWN_TYPE"
  | "LIMIT_EXCEEDED"
  | "BODY_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "ROUTE_NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "DEADLINE_EXCEEDED"
  | "CANCELLED"
  | "NOT_READY"
  | "INTERNAL";

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
  INVALID_REQUEST: row(400, false, true, ["server"], "an HTTP request's JSON, path, query or body does not fit the API's schema"),
  UNKNOWN_TYPE: row(400, false, true, ["server"], "a request names a node or edge type the graph's schema does not have"),
  LIMIT_EXCEEDED: row(400, false, true, ["server"], "a request asks for more than one of the server's limits allows (page, batch, hops, fan-out, deadline)"),
  BODY_TOO_LARGE: row(413, false, true, ["server"], "a request body is larger than the server's body limit"),
  UNSUPPORTED_MEDIA_TYPE: row(415, false, true, ["server"], "a request body is not application/json"),
  UNAUTHORIZED: row(401, false, true, ["server"], "a request carries no bearer token, or one the server does not know"),
  FORBIDDEN: row(403, false, true, ["server"], "a request's token lacks the scope its path needs, or a tokenless server was reached from another machine"),
  NOT_FOUND: row(404, false, false, ["server"], "the node or topic a request names does not exist"),
  ROUTE_NOT_FOUND: row(404, false, true, ["server"], "no path of the API matches the request's path"),
  METHOD_NOT_ALLOWED: row(405, false, true, ["server"], "the path exists but not with the request's method"),
  DEADLINE_EXCEEDED: row(503, true, false, ["server"], "a request ran past the server's request timeout; its reads were stopped"),
  CANCELLED: row(499, false, false, ["server"], "the client closed the connection before the answer; its reads were stopped"),
  NOT_READY: row(503, true, false, ["server"], "the server's store does not answer yet (readiness)"),
  INTERNAL: row(500, false, false, ["server"], "an unexpected error inside the server (a bug): its log has the details"),
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
