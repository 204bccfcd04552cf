import { formatErrorMessage } from "@rdg/model";
import { IngestError } from "./ingest-error.js";

/**
 * A mapper cannot turn an event into mutations (a missing field, an unknown type); the job
 * dead-letters the event with this message and goes on. Throw it from your own mappers too.
 */
export class BadEventError extends IngestError {
  /**
   * `message` says what is wrong with the event; `options.field`, when given, names the event
   * field at fault: the message then reads `[ingest] event.<field>: ...` and `field` is `event.<field>`.
   */
  constructor(message: string, options: { readonly field?: string; readonly cause?: unknown } = {}) {
    const field = options.field === undefined ? undefined : `event.${options.field}`;
    super("BAD_EVENT", formatErrorMessage("ingest", field ?? "bad event", message), { field, cause: options.cause });
    this.name = "BadEventError";
  }
}
