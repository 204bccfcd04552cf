import { KvError } from "./kv-error.js";

/** The router has no route for a namespace. */
export class UnknownNamespaceError extends KvError {
  constructor(namespace: string) {
    super("UNKNOWN_NAMESPACE", `[kv-router] no route for namespace "${namespace}"; add a route or a default store`);
    this.name = "UnknownNamespaceError";
  }
}
