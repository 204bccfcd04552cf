import { RdgError, formatErrorMessage, hasMarker, type RdgErrorCode } from "@rdg/model";

const MARKER = Symbol.for("rdg.graph.error");

/** Every code a `GraphError` can have, as data (the type below is derived from it). */
export const GRAPH_ERROR_CODES: readonly ["INVALID_QUERY", "INVALID_CURSOR", "SCHEMA_MISMATCH"] = ["INVALID_QUERY", "INVALID_CURSOR", "SCHEMA_MISMATCH"];

/**
 * Stable codes of graph errors: `INVALID_QUERY` (a query cannot be answered as asked),
 * `INVALID_CURSOR` (a cursor is corrupt or belongs to another query), `SCHEMA_MISMATCH` (the
 * graph was written with another schema or layout).
 */
export type GraphErrorCode = (typeof GRAPH_ERROR_CODES)[number];

// Every graph code has its row in the one table of codes, `ERROR_STATUS` (a compile-time check).
void (GRAPH_ERROR_CODES satisfies readonly RdgErrorCode[]);

/** What a `GraphError` may carry besides its code and message. */
export interface GraphErrorOptions {
  /** The query field at fault, e.g. `limit`; the message is then `[graph] limit: ...`. @default undefined */
  readonly field?: string;
  /** The error this one wraps. @default undefined */
  readonly cause?: unknown;
}

/** The graph cannot do what was asked; the message says what to change. */
export class GraphError extends RdgError {
  declare readonly code: GraphErrorCode;

  constructor(code: GraphErrorCode, message: string, options: GraphErrorOptions = {}) {
    super(code, formatErrorMessage("graph", options.field, message), options);
    this.name = "GraphError";
    Object.defineProperty(this, MARKER, { value: true });
  }

  /** True for a `GraphError` from any copy of `@rdg/graph`. */
  static override isInstance(error: unknown): error is GraphError {
    return hasMarker(error, MARKER);
  }
}
