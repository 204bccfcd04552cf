import { InvalidArgumentError } from "@rdg/kv";

/**
 * The options given to `RedisKvStore` are incomplete or contradict each other. Not retryable.
 * The message reads `[kv-redis] <option>: <what is wrong>; <what to do>`.
 */
export class RedisOptionsError extends InvalidArgumentError {
  /** `option` names the option at fault (`url`, `keyPrefix`, or `options` for the whole object). */
  constructor(option: string, message: string) {
    super(option, message, { origin: "kv-redis" });
    this.name = "RedisOptionsError";
  }
}
