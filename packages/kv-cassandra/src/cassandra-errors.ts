import { InvalidArgumentError, KvConnectionError, KvError } from "@rdg/kv";
import { errors, types } from "cassandra-driver";

export const STORE_NAME = "kv-cassandra";

/** Server answers that say "not now" rather than "never": the same request may succeed later. */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([
  types.responseErrorCodes.unavailableException,
  types.responseErrorCodes.overloaded,
  types.responseErrorCodes.isBootstrapping,
  types.responseErrorCodes.writeTimeout,
  types.responseErrorCodes.readTimeout,
]);

// Socket-level failures surface as plain DriverErrors (or Node errors) with only a message.
// "No connection available" comes from a host's pool that is being rebuilt after the host
// came back: the driver's prepare path throws it without retrying.
const SOCKET_FAILURE = /socket was closed|connection (?:was )?closed|no connection available|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|not connected|connection.*(?:terminated|lost)/i;

/** True when the error means Cassandra could not be reached or did not answer in time. */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof errors.NoHostAvailableError) return true;
  if (error instanceof errors.OperationTimedOutError) return true;
  if (error instanceof errors.BusyConnectionError) return true;
  if (error instanceof errors.ResponseError) return TRANSIENT_CODES.has(error.code);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return SOCKET_FAILURE.test(error.message) || (typeof code === "string" && SOCKET_FAILURE.test(code));
  }
  return false;
}

/**
 * Maps a cassandra-driver error to the KV contract's errors: connection loss, timeouts and
 * "unavailable" become a retryable `KvConnectionError`; anything else a `KvError` with code
 * `BACKEND`. KV errors pass through unchanged. `operation` names what failed in the message,
 * e.g. `mutate()` or `create table "rdg"."kv_x"`.
 */
export function toKvError(error: unknown, operation: string): KvError {
  if (KvError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isConnectionFailure(error)) {
    return new KvConnectionError(STORE_NAME, `${operation} failed: Cassandra is unreachable or did not answer in time (${message}); the call may be retried`, error);
  }
  return new KvError("BACKEND", `[${STORE_NAME}] ${operation} failed: ${message}`, { cause: error });
}

/** A bad store option: `[kv-cassandra] <option>: <what is wrong>; <what to do>`. */
export function optionError(option: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError(option, message, { origin: STORE_NAME });
}
