import { Client, policies, type DseClientOptions } from "cassandra-driver";
import { optionError } from "./cassandra-errors.js";
import { CASSANDRA_KV_DEFAULTS } from "./cassandra-kv-store-options.js";

/**
 * Makes the client of a store that was given options rather than a client. The defaults are
 * for a store that must survive a restart of its nodes: a constant, short reconnection delay
 * (the driver's exponential default waits up to 10 minutes), bounded connect and read
 * timeouts so a call on a dead connection fails typed instead of hanging, and BigInt
 * timestamps (write times are BigInt microseconds). The caller's options win.
 */
export function createClient(options: DseClientOptions): Client {
  if (typeof options !== "object" || options === null) throw optionError("clientOptions", "must be an object of cassandra-driver ClientOptions");
  if ((options.contactPoints === undefined || options.contactPoints.length === 0) && options.cloud === undefined) {
    throw optionError("clientOptions.contactPoints", 'is required, e.g. { contactPoints: ["127.0.0.1:9042"], localDataCenter: "datacenter1" }');
  }
  const d = CASSANDRA_KV_DEFAULTS;
  return new Client({
    localDataCenter: d.localDataCenter,
    ...options,
    policies: { reconnection: new policies.reconnection.ConstantReconnectionPolicy(d.reconnectDelayMs), ...options.policies },
    socketOptions: { connectTimeout: d.connectTimeoutMs, readTimeout: d.readTimeoutMs, ...options.socketOptions },
    encoding: { useBigIntAsLong: true, ...options.encoding },
  });
}
