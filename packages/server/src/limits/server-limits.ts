import { ServerError } from "../errors/server-error.js";

/**
 * The server's limits, and the defaults a request gets when it names none: the one place
 * they are defined. Every limit has a `rdg serve` flag (`LIMIT_FLAGS`) and an error that names
 * it and its value (`exceeded`).
 */
export interface ServerLimits {
  /** Largest request body, in bytes; a larger one is answered 413 `BODY_TOO_LARGE`. @default 1048576 (1 MiB) */
  readonly maxBodyBytes: number;
  /** Most nodes in one `POST /v1/nodes/batch`, and most events in one `POST /v1/events/{topic}`. @default 1000 */
  readonly maxBatchSize: number;
  /** Most edges in one page of `GET .../edges/{edgeType}`. @default 1000 */
  readonly maxPageSize: number;
  /** Edges in a page when the request names no `limit`. @default 50 */
  readonly defaultPageSize: number;
  /** Most steps of one traversal (the graph reads at most 4). @default 4 */
  readonly maxHops: number;
  /** Most edges read per node at one traversal step (a step's `limit`). @default 1000 */
  readonly maxFanOut: number;
  /** Edges read per node at a traversal step that names no `limit` (Netflix's per-hop default). @default 300 */
  readonly defaultFanOut: number;
  /** Most edges one traversal returns over all its steps (its overall `limit`). @default 10000 */
  readonly maxTraversalEdges: number;
  /** Longest deadline a traversal may ask for, in ms; also the deadline of one that asks for none. @default 1000 */
  readonly traversalDeadlineMs: number;
  /** Longest time any request may run, in ms; past it its reads are stopped and it is answered 503 `DEADLINE_EXCEEDED`. @default 10000 */
  readonly requestTimeoutMs: number;
}

/** The defaults of every limit. */
export const DEFAULT_SERVER_LIMITS: ServerLimits = Object.freeze({
  maxBodyBytes: 1_048_576,
  maxBatchSize: 1000,
  maxPageSize: 1000,
  defaultPageSize: 50,
  maxHops: 4,
  maxFanOut: 1000,
  defaultFanOut: 300,
  maxTraversalEdges: 10_000,
  traversalDeadlineMs: 1000,
  requestTimeoutMs: 10_000,
});

/** The `rdg serve` flag of each limit. */
export const LIMIT_FLAGS: Readonly<Record<keyof ServerLimits, string>> = Object.freeze({
  maxBodyBytes: "--max-body-bytes",
  maxBatchSize: "--max-batch-size",
  maxPageSize: "--max-page-size",
  defaultPageSize: "--default-page-size",
  maxHops: "--max-hops",
  maxFanOut: "--max-fan-out",
  defaultFanOut: "--default-fan-out",
  maxTraversalEdges: "--max-traversal-edges",
  traversalDeadlineMs: "--traversal-deadline-ms",
  requestTimeoutMs: "--request-timeout-ms",
});

/** Largest value each limit may be set to (the graph's own bounds). */
const CEILINGS: Partial<Record<keyof ServerLimits, number>> = { maxHops: 4, maxBatchSize: 1000, maxPageSize: 10_000, maxFanOut: 10_000, defaultPageSize: 10_000, defaultFanOut: 10_000 };

/**
 * The defaults with `overrides` applied, checked and frozen. A value that is not a positive
 * integer, is over its ceiling, or a default over its limit is a `ServerError`
 * `INVALID_ARGUMENT` naming the option (`limits.maxHops`).
 */
export function resolveLimits(overrides: Partial<ServerLimits> = {}): ServerLimits {
  const out: Record<string, number> = { ...DEFAULT_SERVER_LIMITS };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(DEFAULT_SERVER_LIMITS, name)) {
      throw new ServerError("INVALID_ARGUMENT", `is not a limit; the limits are ${Object.keys(DEFAULT_SERVER_LIMITS).join(", ")}`, { field: `limits.${name}` });
    }
    const ceiling = CEILINGS[name as keyof ServerLimits];
    if (!Number.isSafeInteger(value) || value < 1 || (ceiling !== undefined && value > ceiling)) {
      throw new ServerError("INVALID_ARGUMENT", `must be an integer from 1 to ${ceiling ?? Number.MAX_SAFE_INTEGER}, got ${String(value)}`, { field: `limits.${name}` });
    }
    out[name] = value;
  }
  const limits = out as unknown as ServerLimits;
  if (limits.defaultPageSize > limits.maxPageSize) out["defaultPageSize"] = limits.maxPageSize;
  if (limits.defaultFanOut > limits.maxFanOut) out["defaultFanOut"] = limits.maxFanOut;
  return Object.freeze(limits);
}

/**
 * The error of a request that asks for more than a limit allows: it names the request's field,
 * the limit and its value, e.g. `[server] query.limit: 5000 is over the server's maxPageSize of
 * 1000; ask for at most 1000 (page with the cursor for more)`.
 */
export function exceeded(field: string, asked: number | string, limit: keyof ServerLimits, value: number, hint: string): ServerError {
  return new ServerError("LIMIT_EXCEEDED", `${asked} is over the server's ${limit} of ${value}; ${hint}`, { field });
}
