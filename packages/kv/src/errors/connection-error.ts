import { KvError } from "./kv-error.js";

/** The backend could not be reached or dropped the connection. Retryable; nothing was acknowledged. */
export class KvConnectionError extends KvError {
  constructor(store: string, message: string, cause?: unknown) {
    super("CONNECTION", `[${store}] ${message}`, { cause, retryable: true });
    this.name = "KvConnectionError";
  }
}
