import { afterAll, beforeAll, describe, it } from "vitest";
import type { Client } from "cassandra-driver";
import { kvConformanceSuite } from "@rdg/kv/conformance";
import { CassandraKvStore } from "../src/index.js";
import { TEST_KEYSPACE, clientOptions, connectOrExplain } from "./cassandra-test-server.js";

// One client for every store of the suite: a client costs a connection pool and a prepare of
// each statement; stores given a client never shut it down. `reopen` makes a store with its
// own client, so a token is also shown to survive a brand-new connection.
let shared: Client | undefined;
beforeAll(async () => {
  shared = await connectOrExplain();
});
afterAll(async () => {
  await shared?.shutdown();
});

const client = (): Client => {
  if (shared === undefined) throw new Error("[kv-cassandra tests] no client: beforeAll failed (is Cassandra running? run services/cassandra.sh start)");
  return shared;
};

kvConformanceSuite({ describe, it }, {
  name: "cassandra",
  create: (namespaces) => new CassandraKvStore({ client: client(), keyspace: TEST_KEYSPACE, namespaces }),
  reopen: async (previous, namespaces) => {
    await previous.close();
    return new CassandraKvStore({ clientOptions: clientOptions(), keyspace: TEST_KEYSPACE, namespaces });
  },
  flags: { ttlGranularity: "s" },
  timeoutMs: 60_000,
});
