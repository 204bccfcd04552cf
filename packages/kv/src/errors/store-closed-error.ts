import { formatErrorMessage } from "@rdg/model";
import { KvError } from "./kv-error.js";

/** The store was closed; every call after `close()` throws this. */
export class StoreClosedError extends KvError {
  /** `store` names the store (`kv-redis`, `kv-router`, ...), `operation` the method called. */
  constructor(store: string, operation: string) {
    super("STORE_CLOSED", formatErrorMessage(store, undefined, `${operation}() called after close(); open a new store`));
    this.name = "StoreClosedError";
  }
}
