import { formatErrorMessage } from "@rdg/model";
import { KvError } from "./kv-error.js";

/** A value exceeds the namespace's size limit; the whole call is refused, nothing is written. */
export class ValueTooLargeError extends KvError {
  /** Size of the refused value, bytes. */
  readonly size: number;
  /** The namespace's limit (`maxValueBytes`), bytes. */
  readonly limit: number;
  /** The namespace written to. */
  readonly namespace: string;

  constructor(namespace: string, size: number, limit: number) {
    super(
      "VALUE_TOO_LARGE",
      formatErrorMessage(
        "kv",
        undefined,
        `value of ${size} bytes in namespace "${namespace}" exceeds the limit of ${limit} bytes; split the value or raise maxValueBytes for this namespace`,
      ),
    );
    this.name = "ValueTooLargeError";
    this.size = size;
    this.limit = limit;
    this.namespace = namespace;
  }
}
