import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defineSchema, memberJourneySchema } from "@rdg/model";
import { StoreError, describeStore, openGraphStore, parseStoreConfig, type StoreConfig } from "../src/index.js";

// The real servers of services/*.sh on the project's ports; RDG_STORES (comma-separated kinds) picks some.
const HOW = "start them with services/redis.sh start --all and services/cassandra.sh start (from the repository root)";
const dir = mkdtempSync(join(tmpdir(), "rdg-stores-"));
const run = `${process.pid}-${Date.now().toString(36)}`;
const STORES: readonly StoreConfig[] = [
  { kind: "lmdb", path: join(dir, "graph"), noSync: true },
  { kind: "redis", url: "redis://127.0.0.1:16379", keyPrefix: "rdg-stores-test:" },
  { kind: "redis-cluster", nodes: ["127.0.0.1:17001", "127.0.0.1:17002"], keyPrefix: "rdg-stores-test:" },
  { kind: "cassandra", contactPoints: ["127.0.0.1:19042"], keyspace: "rdg_stores_test", consistency: "one" },
];
const wanted = process.env["RDG_STORES"]?.split(",").map((s) => s.trim());

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("openGraphStore (real servers)", () => {
  for (const config of STORES.filter((s) => wanted === undefined || wanted.includes(s.kind))) {
    it(`${config.kind}: a graph written through one opening is read through the next`, async () => {
      const first = await openGraphStore(config, memberJourneySchema).catch((error: unknown) => {
        throw new Error(`${describeStore(config)} is not answering (${(error as Error).message}); ${HOW}`);
      });
      const id = `p-${run}`;
      try {
        await first.graph.write([{ op: "upsertNode", type: "profile", id, props: { name: "Ada" }, time: Date.now() }]);
      } finally {
        await first.kv.close();
      }
      const second = await openGraphStore(config, memberJourneySchema);
      try {
        expect((await second.graph.getNode("profile", id))?.props).toEqual({ name: "Ada" });
      } finally {
        await second.kv.close();
      }
    }, 120_000);
  }

  it("refuses a store written with another schema, naming the store (SCHEMA_MISMATCH), and closes it", async () => {
    const config = parseStoreConfig({ kind: "lmdb", path: join(dir, "schemas") }, "store");
    const opened = await openGraphStore(config, memberJourneySchema);
    await opened.kv.close();
    const other = defineSchema({ nodes: { profile: { properties: { name: "int" } } }, edges: {} });
    const error = await openGraphStore(config, other).catch((e: unknown) => e);
    expect(StoreError.isInstance(error)).toBe(true);
    expect((error as StoreError).code).toBe("SCHEMA_MISMATCH");
    expect((error as StoreError).message).toContain(`[stores] cannot open LMDB ${config.kind === "lmdb" ? config.path : ""}: `);
    // Closed again: the directory opens once more.
    const again = await openGraphStore(config, memberJourneySchema);
    await again.kv.close();
  });

  it("a Redis that does not answer is a retryable CONNECTION error naming the store", async () => {
    const error = await openGraphStore({ kind: "redis", url: "redis://127.0.0.1:1" }, memberJourneySchema).catch((e: unknown) => e);
    expect(StoreError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: "CONNECTION", isRetryable: true });
    expect((error as Error).message).toMatch(/^\[stores\] cannot open Redis redis:\/\/127\.0\.0\.1:1 \(keys rdg:\*\): /);
  }, 30_000);
});
