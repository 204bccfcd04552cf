import { formatErrorMessage } from "@rdg/model";
import { KvError } from "./kv-error.js";

/** A page token is corrupt, or belongs to another query. Start again without a token. */
export class InvalidPageTokenError extends KvError {
  /** `reason` says what is wrong with the token; the message adds what to do. */
  constructor(reason: string) {
    super(
      "INVALID_PAGE_TOKEN",
      formatErrorMessage("kv", "pageToken", `${reason}; pass the token from the previous page of the same query unchanged, or omit it to start over`),
      { field: "pageToken" },
    );
    this.name = "InvalidPageTokenError";
  }
}
