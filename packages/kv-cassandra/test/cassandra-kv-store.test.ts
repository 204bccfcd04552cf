import assert from "node:assert/strict";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { Client } from "cassandra-driver";
import { KvError, type KvStore } from "@rdg/kv";
import { CassandraKvStore, tableNameFor, type CassandraKvStoreOptions } from "../src/index.js";
import { TEST_KEYSPACE, clientOptions, connectOrExplain } from "./cassandra-test-server.js";

// Fixed namespace names: these tables are made once and reused by every run (ids are unique per run).
const NS = { plain: "spec.plain", routed: "spec:routed-ns", rf3: "spec.rf3", strict: "spec.strict" } as const;
const ROUTED_KEYSPACE = "rdg_test_routed";
const RF3_KEYSPACE = "rdg_test_rf3";
const run = Date.now().toString(36);
const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (u: Uint8Array): string => new TextDecoder().decode(u);

let client: Client;
beforeAll(async () => {
  client = await connectOrExplain();
});
afterAll(async () => {
  await client?.shutdown();
});

const open = (extra: Partial<CassandraKvStoreOptions> = {}): CassandraKvStore =>
  new CassandraKvStore({
    client,
    keyspace: TEST_KEYSPACE,
    namespaces: {
      [NS.routed]: { keyspace: ROUTED_KEYSPACE },
      [NS.rf3]: { keyspace: RF3_KEYSPACE, replication: { class: "SimpleStrategy", replication_factor: 3 } },
      [NS.strict]: { writeConsistency: "two", readConsistency: "all" },
    },
    ...extra,
  });

async function rejects(run: () => unknown, code: string, pattern?: RegExp): Promise<KvError> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  assert.ok(KvError.isInstance(caught), `expected a KvError with code ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (pattern !== undefined) assert.match(caught.message, pattern);
  return caught;
}

describe("table names", () => {
  it("maps namespaces to valid, deterministic, distinct table names", () => {
    const names = ["c1.plain", "C1.plain", "c1_plain", "c1:plain", "a-b.c:d", "x".repeat(120), "...", "9lives", "_"];
    const tables = names.map(tableNameFor);
    for (const t of tables) assert.match(t, /^[a-z][a-z0-9_]{0,47}$/, `${t} is not a valid Cassandra table name`);
    assert.equal(new Set(tables).size, names.length, "distinct namespaces share a table");
    assert.deepEqual(names.map(tableNameFor), tables, "the mapping is deterministic");
    assert.match(tableNameFor("c1.plain"), /^kv_c1_plain_[0-9a-f]{10}$/);
    assert.equal(tableNameFor("x".repeat(120)).length, 48);
  });
});

describe("per-namespace placement and consistency", () => {
  it("creates a namespace's table in the keyspace it is routed to", async () => {
    await using store = open();
    const id = `routed-${run}`;
    await store.putItems(NS.routed, id, [{ key: b("k"), value: b("v") }]);
    assert.deepEqual((await store.getItems(NS.routed, id)).items.map((i) => text(i.value)), ["v"]);
    const { keyspace, table } = store.namespaceTable(NS.routed);
    assert.equal(keyspace, ROUTED_KEYSPACE);
    const there = await client.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?", [ROUTED_KEYSPACE, table]);
    assert.equal(there.rowLength, 1, `table ${table} missing from ${ROUTED_KEYSPACE}`);
    // Unrouted, the same namespace is the same-named table in the default keyspace, which holds
    // none of the routed data: a namespace moves by configuration alone.
    await using plain = new CassandraKvStore({ client, keyspace: TEST_KEYSPACE });
    assert.deepEqual(plain.namespaceTable(NS.routed), { keyspace: TEST_KEYSPACE, table });
    assert.deepEqual((await plain.getItems(NS.routed, id)).items, []);
  });

  it("creates a keyspace with the namespace's replication, and writes at its consistency", async () => {
    await using store = open();
    const id = `rf3-${run}`;
    // RF 3 on a one-node cluster: LOCAL_QUORUM needs 2 replicas, so Cassandra answers "unavailable".
    const err = await rejects(() => store.putItems(NS.rf3, id, [{ key: b("k"), value: b("v") }]), "CONNECTION", /LOCAL_QUORUM|unavailable|Cannot achieve/i);
    assert.equal(err.isRetryable, true);
    const ks = await client.execute("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?", [RF3_KEYSPACE]);
    const replication = ks.first()?.["replication"] as Record<string, string>;
    assert.equal(replication["replication_factor"], "3");
    assert.match(replication["class"]!, /SimpleStrategy/);
    // The same keyspace written at ONE succeeds: consistency is per namespace.
    await using one = new CassandraKvStore({ client, namespaces: { [NS.rf3]: { keyspace: RF3_KEYSPACE, writeConsistency: "one", readConsistency: "one" } } });
    await one.putItems(NS.rf3, id, [{ key: b("k"), value: b("v") }]);
    assert.equal((await one.getItems(NS.rf3, id)).items.length, 1);
  });

  it("uses each namespace's own consistency levels", async () => {
    await using store = open();
    const id = `strict-${run}`;
    // TWO cannot be met with replication factor 1; ALL can.
    await rejects(() => store.putItems(NS.strict, id, [{ key: b("k"), value: b("v") }]), "CONNECTION", /TWO|Cannot achieve/i);
    assert.deepEqual((await store.getItems(NS.strict, id)).items, []);
    await store.putItems(NS.plain, id, [{ key: b("k"), value: b("v") }]);
  });
});

describe("writes", () => {
  it("groups a batch by partition, splits large partition writes, and stores every operation", async () => {
    await using store = open({ writeConcurrency: 3, maxBatchBytes: 200 });
    const ids = Array.from({ length: 20 }, (_, i) => `group-${run}-${i}`);
    const ops = ids.flatMap((id, i) => [
      { op: "put", ns: NS.plain, id, items: Array.from({ length: 6 }, (_, k) => ({ key: b(`k${k}`), value: b(`v${i}`.padEnd(40, ".")) })), writeTime: 10n },
      { op: "deleteItems", ns: NS.plain, id, keys: [b("k0"), b("k1")], writeTime: 11n },
      { op: "deleteItems", ns: NS.plain, id, range: { start: b("k4") }, writeTime: 12n },
    ] as const);
    await store.mutate(ops);
    for (const id of ids) assert.deepEqual((await store.getItems(NS.plain, id)).items.map((i) => text(i.key)), ["k2", "k3"], id);
  });

  it("keeps write times exact up to 2^63-1, with BigInt and Long encodings", async () => {
    const times = [1n, 2n ** 32n + 7n, 2n ** 62n + 5n, 2n ** 63n - 1n];
    for (const bigint of [false, true]) {
      await using store = bigint ? new CassandraKvStore({ clientOptions: clientOptions(), keyspace: TEST_KEYSPACE }) : open();
      for (const [n, t] of times.entries()) {
        const id = `time-${run}-${bigint}-${n}`;
        await store.putItems(NS.plain, id, [{ key: b("k"), value: b("v") }], { writeTime: t });
        assert.equal((await store.getItems(NS.plain, id)).items[0]?.writeTime, t, `bigint=${bigint}`);
      }
    }
  });

  it("refuses a TTL Cassandra cannot hold, writing nothing", async () => {
    await using store = open();
    const id = `ttl-${run}`;
    await rejects(
      () => store.mutate([
        { op: "put", ns: NS.plain, id, items: [{ key: b("a"), value: b("v") }] },
        { op: "put", ns: NS.plain, id, items: [{ key: b("b"), value: b("v"), ttlMs: 21 * 365 * 86_400_000 }] },
      ]),
      "INVALID_ARGUMENT",
      /maximum TTL/,
    );
    assert.deepEqual((await store.getItems(NS.plain, id)).items, []);
  });
});

describe("reads", () => {
  it("reads a long list of keys in order, once each", async () => {
    await using store = open();
    const id = `many-keys-${run}`;
    const keys = Array.from({ length: 1200 }, (_, i) => b(`k${String(i).padStart(5, "0")}`));
    await store.putItems(NS.plain, id, keys.filter((_, i) => i % 3 !== 0).map((key) => ({ key, value: b("v") })));
    const asked = [...keys].reverse().concat(keys.slice(0, 10));
    const page = await store.getItems(NS.plain, id, { keys: asked });
    assert.deepEqual(page.items.map((i) => text(i.key)), keys.filter((_, i) => i % 3 !== 0).map(text));
  });

  it("reports expiry at a whole second and counts live items", async () => {
    await using store = open();
    const id = `expiry-${run}`;
    const before = Date.now();
    await store.putItems(NS.plain, id, [{ key: b("a"), value: b("v"), ttlMs: 10_000 }, { key: b("b"), value: b("v") }]);
    const [a, bItem] = (await store.getItems(NS.plain, id)).items;
    assert.ok(a?.expiresAt !== undefined && a.expiresAt % 1000 === 0, `expiresAt ${a?.expiresAt}`);
    assert.ok(a.expiresAt >= before + 10_000 - 1000 && a.expiresAt <= before + 12_000, `expiresAt ${a.expiresAt} vs written at ${before}`);
    assert.equal(bItem?.expiresAt, undefined);
    assert.equal(await store.countItems(NS.plain, id), 2);
  });
});

describe("options and lifecycle", () => {
  it("refuses bad options with an error that names the option", () => {
    const bad: [string, () => unknown, RegExp][] = [
      ["no client", () => new CassandraKvStore({}), /exactly one of "client"/],
      ["both", () => new CassandraKvStore({ client, clientOptions: clientOptions() }), /exactly one of "client"/],
      ["no contact points", () => new CassandraKvStore({ clientOptions: {} }), /clientOptions\.contactPoints: is required/],
      ["keyspace", () => new CassandraKvStore({ client, keyspace: "bad-name" }), /keyspace: must be/],
      ["replication", () => new CassandraKvStore({ client, replication: { replication_factor: 1 } as never }), /replication: must be an object with a "class"/],
      ["replication value", () => new CassandraKvStore({ client, replication: { class: "SimpleStrategy", replication_factor: "1'}" } }), /replication: has an invalid entry/],
      ["consistency", () => new CassandraKvStore({ client, writeConsistency: "most" as never }), /writeConsistency: must be one of/],
      ["read at any", () => new CassandraKvStore({ client, readConsistency: "any" }), /readConsistency: cannot be "any".*for writes only/],
      ["concurrency", () => new CassandraKvStore({ client, writeConcurrency: 0 }), /writeConcurrency: must be a positive integer/],
      ["namespace ttl", () => new CassandraKvStore({ client, namespaces: { a: { ttlMs: 0 } } }), /^\[kv-cassandra\] namespaces\["a"\]\.ttlMs: /],
      ["namespace keyspace", () => new CassandraKvStore({ client, namespaces: { a: { keyspace: "1x" } } }), /namespaces\["a"\]\.keyspace/],
      ["namespace table", () => new CassandraKvStore({ client, defaultNamespace: { table: "has space" } }), /defaultNamespace\.table/],
      ["namespace name", () => new CassandraKvStore({ client, namespaces: { "bad name!": {} } }), /namespace/],
    ];
    for (const [what, make, pattern] of bad) {
      let caught: unknown;
      try {
        make();
      } catch (error) {
        caught = error;
      }
      assert.ok(KvError.isInstance(caught), `${what}: expected a KvError, got ${String(caught)}`);
      assert.equal(caught.code, "INVALID_ARGUMENT", what);
      assert.match(caught.message, pattern, what);
      // One format for option errors: [<origin>] <option>: <what is wrong>; <what to do>.
      assert.ok(caught.message.startsWith(`[kv-cassandra] ${caught.field}: `) || caught.message.startsWith(`[kv] ${caught.field}: `), caught.message);
    }
  });

  it("says which table is missing when schema creation is off", async () => {
    await using store = new CassandraKvStore({ client, keyspace: TEST_KEYSPACE, createSchema: false });
    await rejects(() => store.getItems(`never.created.${run}`, "x"), "BACKEND", /\[kv-cassandra\] getItems\(\) failed: .*(unconfigured|does not exist)/i);
  });

  it("leaves a client it was given open, and shuts down one it made", async () => {
    const given = open();
    await given.close();
    assert.equal((await client.execute("SELECT release_version FROM system.local")).rowLength, 1, "the given client still works");
    const own: KvStore & { client: Client } = new CassandraKvStore({ clientOptions: clientOptions(), keyspace: TEST_KEYSPACE });
    await own.putItems(NS.plain, `own-${run}`, [{ key: b("k"), value: b("v") }]);
    await own.close();
    await assert.rejects(() => own.client.execute("SELECT release_version FROM system.local"));
  });
});
