const MARKER = Symbol.for("rdg.graph.error");

/** Stable codes of graph errors. */
export type GraphErrorCode = "INVALID_QUERY" | "INVALID_CURSOR";

/** A query the graph cannot answer as asked; the message says what to change. */
export class GraphError extends Error {
  readonly code: GraphErrorCode;
  constructor(code: GraphErrorCode, message: string) {
    super(`[graph] ${message}`);
    this.name = "GraphError";
    this.code = code;
    Object.defineProperty(this, MARKER, { value: true });
  }
  static isInstance(error: unknown): error is GraphError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}
