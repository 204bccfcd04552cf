import { KvError } from "./kv-error.js";

/** A call's argument is malformed (bad namespace, id, key, time or option). Not retryable. */
export class InvalidArgumentError extends KvError {
  readonly argument: string;
  constructor(argument: string, message: string) {
    super("INVALID_ARGUMENT", `[kv] invalid ${argument}: ${message}`);
    this.name = "InvalidArgumentError";
    this.argument = argument;
  }
}
