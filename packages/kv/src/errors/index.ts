export { KV_ERROR_CODES, KvError, type KvErrorCode, type KvErrorOptions } from "./kv-error.js";
export { InvalidArgumentError, type InvalidArgumentErrorOptions } from "./invalid-argument-error.js";
export { ValueTooLargeError } from "./value-too-large-error.js";
export { InvalidPageTokenError } from "./invalid-page-token-error.js";
export { StoreClosedError } from "./store-closed-error.js";
export { UnknownNamespaceError } from "./unknown-namespace-error.js";
export { KvConnectionError } from "./connection-error.js";
