import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { open } from "lmdb";
import { KvError } from "@rdg/kv";
import { LmdbKvStore } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "rdg-lmdb-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const b = (s: string) => new TextEncoder().encode(s);

describe("LmdbKvStore", () => {
  it("keeps data across a close and reopen (durable commits)", async () => {
    const path = join(dir, "persist");
    const first = new LmdbKvStore({ path, namespaces: { c: { countItems: true } } });
    await first.mutate([{ op: "put", ns: "c", id: "r", items: [{ key: b("a"), value: b("1") }, { key: b("b"), value: b("2") }], writeTime: 5n }]);
    await first.deleteRecord("c", "r", { writeTime: 4n }); // older than the items: keeps them
    await first.close();
    const second = new LmdbKvStore({ path, namespaces: { c: { countItems: true } } });
    expect(second.getItems("c", "r").items.map((i) => i.writeTime)).toEqual([5n, 5n]);
    expect(second.countItems("c", "r")).toBe(2);
    await second.putItems("c", "r", [{ key: b("z"), value: b("late") }], { writeTime: 3n }); // older than the record delete
    expect(second.getItems("c", "r").items).toHaveLength(2);
    await second.close();
  });

  it("returns reads synchronously", async () => {
    await using store = new LmdbKvStore({ path: join(dir, "sync") });
    await store.putItems("n", "r", [{ key: b("k"), value: b("v") }]);
    const page = store.getItems("n", "r");
    expect(page instanceof Promise).toBe(false);
    expect(page.items).toHaveLength(1);
  });

  it("accepts a ready lmdb root and leaves it open on close", async () => {
    const root = open({ path: join(dir, "ready"), maxDbs: 10 });
    const store = new LmdbKvStore({ database: root });
    await store.putItems("n", "r", [{ key: b("k"), value: b("v") }]);
    await store.close();
    expect(root.openDB({ name: "probe" }).get("x")).toBeUndefined(); // still usable
    await root.close();
  });

  it("refuses options that give both or neither of path and database", () => {
    let caught: unknown;
    try { new LmdbKvStore({}); } catch (e) { caught = e; }
    expect(KvError.isInstance(caught) && caught.code).toBe("INVALID_ARGUMENT");
    expect(String(caught)).toMatch(/exactly one of "path" or "database"/);
  });

  it("refuses a path that is not a directory, before LMDB touches it", () => {
    const file = join(dir, "events.jsonl");
    writeFileSync(file, "{}\n");
    for (const path of [file, join(file, "graph")]) {
      let caught: unknown;
      try { new LmdbKvStore({ path }); } catch (e) { caught = e; }
      expect(KvError.isInstance(caught) && caught.code).toBe("INVALID_ARGUMENT");
      const message = (caught as Error).message;
      expect(message.startsWith("[kv-lmdb]"), message).toBe(true);
      expect(message).toContain(file);
      expect(message).toMatch(/pass a directory/);
    }
    expect(readdirSync(dir).filter((f) => f.startsWith("events.jsonl"))).toEqual(["events.jsonl"]); // no lock file beside it
  });

  it("takes a path with an extension as a directory too", async () => {
    const path = join(dir, "graph.v1");
    const store = new LmdbKvStore({ path });
    await store.putItems("n", "r", [{ key: b("k"), value: b("v") }]);
    await store.close();
    expect(readdirSync(path).sort()).toEqual(["data.mdb", "lock.mdb"]);
  });
});

describe("LmdbKvStore instances sharing one path", () => {
  const items = (s: LmdbKvStore) => s.getItems("n", "r").items.map((i) => new TextDecoder().decode(i.key));

  it("see each other's record and range deletes: a stale instance resurrects nothing", async () => {
    const path = join(dir, "shared");
    const first = new LmdbKvStore({ path });
    const second = new LmdbKvStore({ path });
    try {
      // second writes first, so it has looked at the namespace before any delete existed.
      await second.putItems("n", "r", [{ key: b("k1"), value: b("1") }], { writeTime: 1n });
      await second.putItems("n", "other", [{ key: b("k"), value: b("1") }], { writeTime: 1n });
      await first.deleteRecord("n", "r", { writeTime: 10n });
      await second.putItems("n", "r", [{ key: b("k2"), value: b("old") }], { writeTime: 5n }); // older than the delete
      expect(items(first)).toEqual([]);
      expect(items(second)).toEqual([]);
      await first.deleteItems("n", "other", { range: { start: b("a"), end: b("z") } }, { writeTime: 20n });
      await second.putItems("n", "other", [{ key: b("m"), value: b("old") }], { writeTime: 15n });
      expect(first.getItems("n", "other").items).toEqual([]);
      await second.putItems("n", "r", [{ key: b("k3"), value: b("new") }], { writeTime: 11n }); // newer: kept
      expect(items(second)).toEqual(["k3"]);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it("see a range delete made by another process", async () => {
    const path = join(dir, "shared-process");
    mkdirSync(path);
    const store = new LmdbKvStore({ path });
    try {
      await store.putItems("n", "r", [{ key: b("k1"), value: b("1") }], { writeTime: 1n });
      const lib = join(import.meta.dirname, "..", "dist", "index.js");
      execFileSync(process.execPath, ["--input-type=module", "-e", `
        const { LmdbKvStore } = await import(${JSON.stringify(lib)});
        const other = new LmdbKvStore({ path: ${JSON.stringify(path)} });
        await other.deleteRecord("n", "r", { writeTime: 10n });
        await other.close();`]);
      await store.putItems("n", "r", [{ key: b("k2"), value: b("old") }], { writeTime: 5n });
      expect(items(store)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
