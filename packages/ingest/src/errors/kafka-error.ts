import { ERROR_STATUS } from "@rdg/model";
import { IngestError } from "./ingest-error.js";

/**
 * The codes a `KafkaError` has: `CONNECTION` (no broker reachable; retryable), `TIMEOUT` (a
 * broker did not answer in time; retryable), `BACKEND` (a broker answered with an error of its own).
 */
export type KafkaErrorCode = "CONNECTION" | "TIMEOUT" | "BACKEND";

/**
 * Kafka refused or could not be reached. The message names the bootstrap brokers and what to
 * change: `[ingest] brokers: cannot reach Kafka at 127.0.0.1:19092 ...; start it with
 * services/kafka.sh start, ...`. `isRetryable` follows the code's row in `ERROR_STATUS`.
 */
export class KafkaError extends IngestError {
  declare readonly code: KafkaErrorCode;
  /** The bootstrap brokers the client was given, `host:port`. */
  readonly brokers: readonly string[];

  /** `message` is used as given; build it with `formatErrorMessage("ingest", field, problem)`. */
  constructor(code: KafkaErrorCode, message: string, options: { readonly brokers: readonly string[]; readonly field?: string; readonly cause?: unknown }) {
    super(code, message, { field: options.field, cause: options.cause, retryable: ERROR_STATUS[code].retryable });
    this.name = "KafkaError";
    this.brokers = Object.freeze([...options.brokers]);
  }
}
