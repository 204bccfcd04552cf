import { describe, expect, it } from "vitest";
import { MemoryKvStore, NamespaceRouter, KvError } from "../src/index.js";

const b = (s: string) => new TextEncoder().encode(s);

describe("NamespaceRouter", () => {
  it("sends each namespace to its store, by exact name, prefix and default", async () => {
    const hot = new MemoryKvStore();
    const edges = new MemoryKvStore();
    const rest = new MemoryKvStore();
    const router = new NamespaceRouter({ routes: [{ match: "node.title", store: hot }, { match: "edge.*", store: edges }], defaultStore: rest });
    await router.mutate([
      { op: "put", ns: "node.title", id: "t1", items: [{ key: b("name"), value: b("Stranger Things") }] },
      { op: "put", ns: "edge.watched.out", id: "p1", items: [{ key: b("t1"), value: b("") }] },
      { op: "put", ns: "node.profile", id: "p1", items: [{ key: b("name"), value: b("Ada") }] },
    ]);
    expect((await hot.getItems("node.title", "t1")).items).toHaveLength(1);
    expect((await edges.getItems("edge.watched.out", "p1")).items).toHaveLength(1);
    expect((await rest.getItems("node.profile", "p1")).items).toHaveLength(1);
    expect((await hot.getItems("node.profile", "p1")).items).toHaveLength(0);
    expect((await router.getItems("node.profile", "p1")).items).toHaveLength(1);
    await router.close();
    expect(() => hot.getItems("node.title", "t1")).toThrow(/after close/);
  });

  it("refuses a namespace without a route with a clear error", async () => {
    const router = new NamespaceRouter({ routes: [{ match: "node.*", store: new MemoryKvStore() }] });
    let caught: unknown;
    try { router.getItems("edge.x", "a"); } catch (e) { caught = e; }
    expect(KvError.isInstance(caught) && caught.code).toBe("UNKNOWN_NAMESPACE");
    expect(String(caught)).toMatch(/edge\.x/);
  });
});
