import { formatErrorMessage } from "@rdg/model";
import { KvError } from "./kv-error.js";

/** Options of `InvalidArgumentError`. */
export interface InvalidArgumentErrorOptions {
  /** The package or store that refused, shown first in the message, e.g. `kv-redis`. @default "kv" */
  readonly origin?: string;
  /** The error this one wraps. @default undefined */
  readonly cause?: unknown;
}

// The form used before `options.origin`: the origin at the head of the message.
const ORIGIN_IN_MESSAGE = /^\[([\w.-]+)\] /;

/**
 * A call's argument or a store's option is malformed (bad namespace, id, key, time or option).
 * Not retryable. The message reads `[origin] argument: what is wrong; what to do`, and
 * `field` (also `argument`) names the argument.
 */
export class InvalidArgumentError extends KvError {
  /** The argument or option at fault; the same as `field`. */
  readonly argument: string;
  declare readonly field: string;

  constructor(argument: string, message: string, options: InvalidArgumentErrorOptions = {}) {
    const legacy = options.origin === undefined ? ORIGIN_IN_MESSAGE.exec(message) : null;
    const origin = options.origin ?? legacy?.[1] ?? "kv";
    const problem = legacy === null ? message : message.slice(legacy[0].length);
    super("INVALID_ARGUMENT", formatErrorMessage(origin, argument, problem), { field: argument, cause: options.cause });
    this.name = "InvalidArgumentError";
    this.argument = argument;
  }
}
