import { formatErrorMessage } from "@rdg/model";
import { KvError } from "./kv-error.js";

/** The router has no route for a namespace: a configuration gap, not a bad request. */
export class UnknownNamespaceError extends KvError {
  /** The namespace without a route. */
  readonly namespace: string;

  constructor(namespace: string) {
    super("UNKNOWN_NAMESPACE", formatErrorMessage("kv-router", undefined, `no route for namespace "${namespace}"; add a route or a default store`));
    this.name = "UnknownNamespaceError";
    this.namespace = namespace;
  }
}
