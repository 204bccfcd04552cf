import { KvError } from "./kv-error.js";

/** A value exceeds the namespace's size limit; the whole call is refused, nothing is written. */
export class ValueTooLargeError extends KvError {
  readonly size: number;
  readonly limit: number;
  constructor(namespace: string, size: number, limit: number) {
    super(
      "VALUE_TOO_LARGE",
      `[kv] value of ${size} bytes in namespace "${namespace}" exceeds the limit of ${limit} bytes; ` +
        `split the value or raise maxValueBytes for this namespace`,
    );
    this.name = "ValueTooLargeError";
    this.size = size;
    this.limit = limit;
  }
}
