import { KvConnectionError, KvError } from "@rdg/kv";
import { ReplyError } from "ioredis";

const STORE = "kv-redis";
/** Server replies that mean "not now" rather than "never": the same call may succeed later. */
const UNAVAILABLE_REPLY = /^(CLUSTERDOWN|TRYAGAIN|LOADING|MASTERDOWN|BUSY|READONLY|NOREPLICAS|MOVED|ASK)\b/;

/**
 * The typed KV error of a failed ioredis call. A lost or refused connection, a flushed
 * command queue, or a cluster that cannot serve the slot is a retryable `KvConnectionError`
 * (the call was not acknowledged; writes carry their write time, so a retry is safe); a
 * command without a reply in time is a retryable `TIMEOUT`; any other server error is a
 * `BACKEND` error. `lastConnectionError`, when known, goes into the message.
 */
export function toKvError(error: unknown, operation: string, lastConnectionError?: string): KvError {
  if (KvError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const last = lastConnectionError === undefined || message.includes(lastConnectionError) ? "" : `; last connection error: ${lastConnectionError}`;
  if (error instanceof ReplyError) {
    if (UNAVAILABLE_REPLY.test(message)) {
      return new KvConnectionError(STORE, `${operation}: Redis cannot serve the call now (${message}); it was not acknowledged, retry it`, error);
    }
    return new KvError("BACKEND", `[${STORE}] ${operation}: Redis replied with an error: ${message}`, { cause: error });
  }
  if (message === "Command timed out") {
    return new KvError("TIMEOUT", `[${STORE}] ${operation}: Redis did not reply within the client's commandTimeout; the call was not acknowledged, retry it`, { cause: error, retryable: true });
  }
  return new KvConnectionError(STORE, `${operation}: Redis is unreachable (${message}${last}); the call was not acknowledged, retry it`, error);
}
