import { formatErrorMessage } from "@rdg/model";
import { IngestError } from "./ingest-error.js";

/** An option of a job, source or generator is missing or out of range. Not retryable. */
export class IngestOptionsError extends IngestError {
  /** The option at fault. */
  declare readonly field: string;

  /** Reads `[ingest] <option>: <what is wrong>; <what to do>`. */
  constructor(option: string, message: string) {
    super("INVALID_ARGUMENT", formatErrorMessage("ingest", option, message), { field: option });
    this.name = "IngestOptionsError";
  }
}
