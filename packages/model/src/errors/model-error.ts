import type { RdgErrorCode } from "./error-status.js";
import { RdgError, formatErrorMessage, hasMarker } from "./rdg-error.js";

const MARKER = Symbol.for("rdg.model.error");

/** Every code a `ModelError` can have, as data (the type below is derived from it). */
export const MODEL_ERROR_CODES: readonly ["INVALID_SCHEMA", "VALIDATION", "INVALID_ID", "INVALID_ARGUMENT"] = [
  "INVALID_SCHEMA",
  "VALIDATION",
  "INVALID_ID",
  "INVALID_ARGUMENT",
];

/**
 * Stable codes of model errors: `INVALID_SCHEMA` (a schema definition), `VALIDATION` (a
 * mutation that does not fit the schema or the time and size limits), `INVALID_ID` (an id),
 * `INVALID_ARGUMENT` (an option given to a model function).
 */
export type ModelErrorCode = (typeof MODEL_ERROR_CODES)[number];

// Every model code has its row in the one table of codes, `ERROR_STATUS` (a compile-time check).
void (MODEL_ERROR_CODES satisfies readonly RdgErrorCode[]);

/**
 * A schema definition or a write does not fit. `field` names the failing place, e.g.
 * `edge watched.props.positionSec`, so the message says what to change:
 * `[model] edge watched.props.positionSec: expected int, got string "30"`.
 */
export class ModelError extends RdgError {
  declare readonly code: ModelErrorCode;
  declare readonly field: string;

  /** `message` says what is wrong and, where it helps, what to do; it is prefixed with `[model] field: `. */
  constructor(code: ModelErrorCode, field: string, message: string, options: { readonly cause?: unknown } = {}) {
    super(code, formatErrorMessage("model", field, message), { field, cause: options.cause });
    this.name = "ModelError";
    Object.defineProperty(this, MARKER, { value: true });
  }

  /** True for a `ModelError` from any copy of `@rdg/model`. */
  static override isInstance(error: unknown): error is ModelError {
    return hasMarker(error, MARKER);
  }
}
