import { mkdtempSync, rmSync } from "node:fs";
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
});
