import { InvalidArgumentError } from "@rdg/kv";

/** The options given to `RedisKvStore` are incomplete or contradict each other. Not retryable. */
export class RedisOptionsError extends InvalidArgumentError {
  constructor(message: string) {
    super("options", message);
    this.name = "RedisOptionsError";
    // The shared class prefixes "[kv]"; say which package refused the options.
    this.message = `[kv-redis] invalid options: ${message}`;
  }
}
