import { Client } from "cassandra-driver";

/** The node started by `services/cassandra.sh start` (see services/README.md). */
export const CONTACT_POINT = process.env["RDG_CASSANDRA_CONTACT_POINT"] ?? "127.0.0.1:19042";
export const LOCAL_DC = "datacenter1";
/** Every table the tests make lives here, so `DROP KEYSPACE rdg_test` cleans up. */
export const TEST_KEYSPACE = "rdg_test";

export const clientOptions = (): { contactPoints: string[]; localDataCenter: string } => ({ contactPoints: [CONTACT_POINT], localDataCenter: LOCAL_DC });

/**
 * Connects a client for a test file, or fails with how to start the real node. Tests that
 * claim to test Cassandra never run against anything else.
 */
export async function connectOrExplain(options: ConstructorParameters<typeof Client>[0] = clientOptions()): Promise<Client> {
  const client = new Client({ ...options, socketOptions: { connectTimeout: 5000 } });
  try {
    await client.connect();
  } catch (error) {
    await client.shutdown().catch(() => undefined);
    throw new Error(
      `[kv-cassandra tests] Cassandra is not answering on ${CONTACT_POINT}: run services/cassandra.sh start (from the repository root), then run the tests again. ` +
        `Driver said: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return client;
}
