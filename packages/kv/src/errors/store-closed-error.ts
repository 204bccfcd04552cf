import { KvError } from "./kv-error.js";

/** The store was closed; every call after `close()` throws this. */
export class StoreClosedError extends KvError {
  constructor(store: string, operation: string) {
    super("STORE_CLOSED", `[${store}] ${operation}() called after close(); open a new store`);
    this.name = "StoreClosedError";
  }
}
