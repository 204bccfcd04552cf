import { formatErrorMessage } from "@rdg/model";
import { KvError } from "./kv-error.js";

/** The backend could not be reached or dropped the connection. Retryable; nothing was acknowledged. */
export class KvConnectionError extends KvError {
  /** `store` names the store (`kv-redis`, ...); `message` says what failed; `cause` is the driver's error. */
  constructor(store: string, message: string, cause?: unknown) {
    super("CONNECTION", formatErrorMessage(store, undefined, message), { cause, retryable: true });
    this.name = "KvConnectionError";
  }
}
