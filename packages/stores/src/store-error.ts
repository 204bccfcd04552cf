import { RdgError, formatErrorMessage, hasMarker } from "@rdg/model";

const MARKER = Symbol.for("rdg.stores.error");

/**
 * An error of `@rdg/stores`: a configuration that does not fit (`INVALID_ARGUMENT`, `field` the
 * place at fault, e.g. `jobs[2].store.keyspace`), or a store that could not be opened (the code,
 * `isRetryable` and `field` of the store's own error, which is the `cause`).
 */
export class StoreError extends RdgError {
  /** What is wrong, without the `[stores] field: ` prefix of the message. */
  readonly problem: string;

  constructor(code: string, field: string | undefined, problem: string, options: { readonly cause?: unknown; readonly retryable?: boolean } = {}) {
    super(code, formatErrorMessage("stores", field, problem), { field, cause: options.cause, retryable: options.retryable });
    this.name = "StoreError";
    this.problem = problem;
    Object.defineProperty(this, MARKER, { value: true });
  }

  /** True for a `StoreError` from any copy of `@rdg/stores`. */
  static override isInstance(error: unknown): error is StoreError {
    return hasMarker(error, MARKER);
  }
}

/** A store configuration that does not fit: `[stores] <where>: <problem>`. */
export const configError = (where: string, problem: string): StoreError => new StoreError("INVALID_ARGUMENT", where, problem);
