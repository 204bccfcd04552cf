import type { KvError } from "@rdg/kv";
import type { Cluster, Redis } from "ioredis";
import { toKvError } from "./redis-error-mapping.js";

/**
 * The store's view of its client's connection. Calls wait for the client to be ready for at
 * most `readyTimeoutMs` and then fail with a retryable `KvConnectionError`, instead of
 * joining ioredis' offline queue, which a Cluster never flushes while every node is down and
 * which would grow without bound during an outage. The last connection error is kept for
 * the messages, from clients the store owns (listening also stops ioredis from printing
 * each one as an unhandled error event).
 */
export class RedisConnection {
  readonly #client: Redis | Cluster;
  readonly #readyTimeoutMs: number;
  #lastError: string | undefined;
  #ready: Promise<void> | undefined;

  constructor(client: Redis | Cluster, owned: boolean, readyTimeoutMs: number) {
    this.#client = client;
    this.#readyTimeoutMs = readyTimeoutMs;
    if (owned) {
      const remember = (error: Error): void => {
        this.#lastError = error.message;
      };
      client.on("error", remember);
      client.on("node error", remember);
      client.on("ready", () => {
        this.#lastError = undefined;
      });
    }
  }

  /** Undefined when the client is ready now (the hot path), else a wait that may fail. */
  whenReady(operation: string): Promise<void> | undefined {
    if (this.#client.status === "ready") return undefined;
    this.#ready ??= this.#waitForReady().finally(() => {
      this.#ready = undefined;
    });
    return this.#ready.catch((error: unknown) => Promise.reject(this.error(error, operation)));
  }

  #waitForReady(): Promise<void> {
    const client = this.#client;
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        client.off("ready", done);
        resolve();
      };
      const timer = setTimeout(() => {
        client.off("ready", done);
        reject(new Error(`not connected within ${this.#readyTimeoutMs} ms (client status "${client.status}")`));
      }, this.#readyTimeoutMs);
      client.on("ready", done);
      // A client made with lazyConnect waits for a first command; start it.
      if (client.status === "wait") client.connect().catch(() => undefined);
    });
  }

  /** The typed error of a failed call, naming the last connection error when known. */
  error(error: unknown, operation: string): KvError {
    return toKvError(error, operation, this.#lastError);
  }
}
