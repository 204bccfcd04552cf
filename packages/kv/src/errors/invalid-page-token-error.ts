import { KvError } from "./kv-error.js";

/** A page token is corrupt, or belongs to another query. Start again without a token. */
export class InvalidPageTokenError extends KvError {
  constructor(reason: string) {
    super("INVALID_PAGE_TOKEN", `[kv] invalid page token: ${reason}; pass the token from the previous page of the same query unchanged, or omit it to start over`);
    this.name = "InvalidPageTokenError";
  }
}
