import { describe, expect, it } from "vitest";
import { ReadCache } from "../src/index.js";

describe("ReadCache", () => {
  it("keeps at most maxEntries and maxBytes, dropping the least recently used", () => {
    const cache = new ReadCache<string>({ maxEntries: 3, maxBytes: 100, stalenessMs: 1000, now: () => 0 });
    for (const k of ["a", "b", "c"]) cache.set(k, k, 10, [], cache.epoch());
    cache.get("a");
    cache.set("d", "d", 10, [], cache.epoch());
    expect([cache.get("a"), cache.get("b"), cache.get("c"), cache.get("d")]).toEqual(["a", undefined, "c", "d"]);
    cache.set("big", "big", 80, [], cache.epoch());
    expect(cache.bytes).toBeLessThanOrEqual(100);
    expect(cache.size).toBeLessThanOrEqual(3);
    cache.set("huge", "huge", 101, [], cache.epoch());
    expect(cache.get("huge")).toBeUndefined();
  });

  it("serves an entry for stalenessMs only", () => {
    let now = 0;
    const cache = new ReadCache<number>({ stalenessMs: 1000, now: () => now });
    cache.set("k", 1, 10, [], cache.epoch());
    now = 999;
    expect(cache.get("k")).toBe(1);
    now = 1000;
    expect(cache.get("k")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("drops what a write touches, and never caches what was read before an invalidation", () => {
    const cache = new ReadCache<number>({ now: () => 0 });
    cache.set("page", 1, 10, ["edges:p1"], cache.epoch());
    cache.set("node", 2, 10, ["node:p1"], cache.epoch());
    const before = cache.epoch();
    cache.invalidate(["edges:p1"]);
    expect([cache.get("page"), cache.get("node")]).toEqual([undefined, 2]);
    cache.set("page", 1, 10, ["edges:p1"], before); // read before the write: not cached
    expect(cache.get("page")).toBeUndefined();
  });

  it("is off with no entries or no staleness", () => {
    expect(new ReadCache({ maxEntries: 0 }).enabled).toBe(false);
    expect(new ReadCache({ stalenessMs: 0 }).enabled).toBe(false);
  });
});
