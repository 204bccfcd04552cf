import { Cluster, Redis, type RedisOptions } from "ioredis";
import { RedisOptionsError } from "../errors/redis-options-error.js";
import type { RedisKvStoreOptions } from "../redis-kv-store-options.js";

/** A client and whether the store owns it (and so closes it). */
export interface StoreClient {
  readonly client: Redis | Cluster;
  readonly owned: boolean;
}

const retryDelay = (maxDelayMs: number) => (times: number): number => Math.min(50 * 2 ** Math.min(times - 1, 10), maxDelayMs);

/**
 * Fail fast and recover by itself: a command in flight when the connection drops waits for
 * at most `maxRetriesPerRequest` reconnect attempts (at most `maxReconnectDelayMs` apart)
 * and then fails; the client keeps reconnecting, so the same store works again once the
 * server is back.
 */
function nodeDefaults(options: RedisKvStoreOptions): RedisOptions {
  return {
    maxRetriesPerRequest: options.maxRetriesPerRequest ?? 1,
    // One timer per connection, not one per command (ioredis' commandTimeout costs a timer
    // each, a third of a point read's client time): a server that stops answering drops the
    // connection, and the calls waiting on it fail as for any lost connection.
    socketTimeout: options.socketTimeoutMs ?? 10_000,
    // Lua replies have one shape on RESP2 and RESP3; RESP2 skips the HELLO round trip.
    protocol: 2,
  };
}

function checkClientOptions(options: RedisKvStoreOptions): void {
  const given = [options.client, options.url, options.clusterNodes].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new RedisOptionsError("options", `give exactly one of "client", "url" or "clusterNodes" (got ${given === 0 ? "none" : given})`);
  }
  if (options.url !== undefined && (typeof options.url !== "string" || !/^rediss?:\/\//.test(options.url))) {
    throw new RedisOptionsError("url", `must start with redis:// or rediss://, got ${JSON.stringify(options.url)}`);
  }
  if (options.clusterNodes !== undefined && (!Array.isArray(options.clusterNodes) || options.clusterNodes.length === 0)) {
    throw new RedisOptionsError("clusterNodes", 'must be a non-empty array of startup nodes, e.g. ["127.0.0.1:17001"]');
  }
  const client = options.client;
  if (client !== undefined && (typeof client !== "object" || client === null || typeof client.evalsha !== "function" || typeof client.on !== "function")) {
    throw new RedisOptionsError("client", 'must be an ioredis Redis or Cluster instance');
  }
  const prefixed: [string, string | undefined][] = [
    ["redisOptions.keyPrefix", options.redisOptions?.keyPrefix],
    ["clusterOptions.keyPrefix", options.clusterOptions?.keyPrefix],
    ["clusterOptions.redisOptions.keyPrefix", options.clusterOptions?.redisOptions?.keyPrefix],
  ];
  for (const [option, prefix] of prefixed) {
    if (prefix) throw new RedisOptionsError(option, `ioredis' keyPrefix ${JSON.stringify(prefix)} is not seen by SCAN patterns; use the store's "keyPrefix" option instead`);
  }
  if (client?.options.keyPrefix) {
    throw new RedisOptionsError("client", `sets ioredis' keyPrefix ${JSON.stringify(client.options.keyPrefix)}, which SCAN patterns do not see; use the store's "keyPrefix" option instead`);
  }
}

/** The client the options name: the caller's, or a new one the store owns. */
export function createStoreClient(options: RedisKvStoreOptions): StoreClient {
  checkClientOptions(options);
  if (options.client !== undefined) return { client: options.client, owned: false };
  const maxDelay = options.maxReconnectDelayMs ?? 1000;
  if (options.url !== undefined) {
    const client = new Redis(options.url, {
      ...nodeDefaults(options),
      retryStrategy: retryDelay(maxDelay),
      // The store only sends when the client is ready; a command caught by a reconnect waits
      // here for the next attempt rather than failing at once.
      enableOfflineQueue: true,
      // All the script calls of a mutate leave in one write.
      enableAutoPipelining: true,
      ...options.redisOptions,
    });
    return { client, owned: true };
  }
  const client = new Cluster([...options.clusterNodes!], {
    clusterRetryStrategy: retryDelay(maxDelay),
    // A Cluster flushes its offline queue only when it gives up for good: with every node
    // down a queued command would wait forever. The store waits for "ready" itself instead.
    enableOfflineQueue: false,
    // One pipeline per node for all the script calls of a mutate.
    enableAutoPipelining: true,
    // A node that does not answer fails the command after a few quick redirections, not 16.
    maxRedirections: 4,
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    ...options.clusterOptions,
    redisOptions: { ...nodeDefaults(options), ...options.redisOptions, ...options.clusterOptions?.redisOptions },
  });
  return { client, owned: true };
}
