import { RdgError, hasMarker, type RdgErrorCode, type RdgErrorOptions } from "@rdg/model";

const MARKER = Symbol.for("rdg.ingest.error");

/** Every code an `IngestError` can have, as data (the type below is derived from it). */
export const INGEST_ERROR_CODES: readonly ["BAD_EVENT", "INVALID_ARGUMENT", "SOURCE_CHANGED", "CONNECTION", "TIMEOUT", "BACKEND"] = [
  "BAD_EVENT", "INVALID_ARGUMENT", "SOURCE_CHANGED", "CONNECTION", "TIMEOUT", "BACKEND",
];

/**
 * Stable codes of ingestion errors: `BAD_EVENT` (an event cannot be mapped; it is
 * dead-lettered), `INVALID_ARGUMENT` (an option of a job, source or generator),
 * `SOURCE_CHANGED` (a replayed source changed since its checkpoint); `CONNECTION`, `TIMEOUT` and
 * `BACKEND` for Kafka (see `KafkaError`).
 */
export type IngestErrorCode = (typeof INGEST_ERROR_CODES)[number];

// Every ingest code has its row in the one table of codes (a compile-time check).
void (INGEST_ERROR_CODES satisfies readonly RdgErrorCode[]);

/**
 * Base of the errors `@rdg/ingest` throws, an `RdgError`. Messages read
 * `[ingest] field: what is wrong; what to do`.
 */
export class IngestError extends RdgError {
  declare readonly code: IngestErrorCode;

  /** `message` is used as given; build it with `formatErrorMessage("ingest", field, problem)`. */
  constructor(code: IngestErrorCode, message: string, options: RdgErrorOptions = {}) {
    super(code, message, options);
    this.name = "IngestError";
    Object.defineProperty(this, MARKER, { value: true });
  }

  /** True for an `IngestError` (or a subclass) from any copy of `@rdg/ingest`. */
  static override isInstance(error: unknown): error is IngestError {
    return hasMarker(error, MARKER);
  }
}
