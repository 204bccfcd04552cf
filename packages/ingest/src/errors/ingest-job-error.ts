import { RdgError, formatErrorMessage, hasMarker } from "@rdg/model";

const MARKER = Symbol.for("rdg.ingest.job-error");

/**
 * A job of a `JobsRunner` failed (its store stayed down, Kafka refused it, its store could not
 * be opened): `[ingest] job "playback": <what failed>`. The code, `isRetryable` and `cause` are
 * those of the error that stopped it (`BACKEND` when that was no RDG error); the other jobs
 * were stopped cleanly first.
 */
export class IngestJobError extends RdgError {
  /** The job's name. */
  readonly job: string;

  constructor(job: string, cause: unknown) {
    const rdg = RdgError.isInstance(cause) ? cause : undefined;
    super(rdg?.code ?? "BACKEND", formatErrorMessage("ingest", `job "${job}"`, cause instanceof Error ? cause.message : String(cause)), {
      field: rdg?.field, cause, retryable: rdg?.isRetryable ?? false,
    });
    this.name = "IngestJobError";
    this.job = job;
    Object.defineProperty(this, MARKER, { value: true });
  }

  /** True for an `IngestJobError` from any copy of `@rdg/ingest`. */
  static override isInstance(error: unknown): error is IngestJobError {
    return hasMarker(error, MARKER);
  }
}
