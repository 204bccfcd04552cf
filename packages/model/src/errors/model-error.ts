const MARKER = Symbol.for("rdg.model.error");

/** Stable codes of model errors. */
export type ModelErrorCode = "INVALID_SCHEMA" | "VALIDATION" | "INVALID_ID";

/**
 * A schema definition or a write does not fit. `field` names the failing place, e.g.
 * `edge watched.props.positionSec`, so the message says what to change.
 */
export class ModelError extends Error {
  readonly code: ModelErrorCode;
  readonly field: string;

  constructor(code: ModelErrorCode, field: string, message: string) {
    super(`[model] ${field}: ${message}`);
    this.name = "ModelError";
    this.code = code;
    this.field = field;
    Object.defineProperty(this, MARKER, { value: true });
  }

  static isInstance(error: unknown): error is ModelError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}
