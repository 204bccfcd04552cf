import { describe, expect, it } from "vitest";
import { MemoryKvStore, type ItemInput, type KvOperation, type KvStore, type NamespaceConfig } from "../src/index.js";
import { kvConformanceSuite, type SuiteApi } from "../src/conformance/index.js";

/** A store that ignores write times: every write simply replaces what is there. */
class IgnoresWriteTimes extends MemoryKvStore {
  #clock = 1_000_000_000n;
  override mutate(batch: readonly KvOperation[]): Promise<void> {
    return super.mutate(batch.map((op) => ({
      ...op,
      writeTime: this.#clock++,
      ...(op.op === "put" ? { items: op.items.map((i: ItemInput) => ({ ...i, writeTime: undefined })) } : {}),
    }) as KvOperation));
  }
}

/** A store that returns every page whole, ignoring limits and tokens. */
class IgnoresPaging extends MemoryKvStore {
  override getItems(ns: string, id: string, query?: Parameters<KvStore["getItems"]>[2]) {
    if (query !== undefined && "keys" in query) return super.getItems(ns, id, query);
    return super.getItems(ns, id, { range: query?.range, reverse: query?.reverse });
  }
}

async function runSuite(create: (ns: Readonly<Record<string, NamespaceConfig>>) => KvStore): Promise<Map<string, Error | undefined>> {
  const tests: { name: string; fn: () => Promise<void> }[] = [];
  const path: string[] = [];
  const api: SuiteApi = {
    describe(name, fn) { path.push(name); fn(); path.pop(); },
    it(name, fn) { tests.push({ name: [...path, name].join(" > "), fn }); },
  };
  kvConformanceSuite(api, { name: "broken", create });
  const results = new Map<string, Error | undefined>();
  for (const t of tests) {
    if (/ttl/i.test(t.name)) continue; // time-based tests add nothing here and cost seconds
    try { await t.fn(); results.set(t.name, undefined); } catch (e) { results.set(t.name, e as Error); }
  }
  return results;
}

describe("the conformance suite itself", () => {
  it("fails a store that breaks last-write-wins", async () => {
    const results = await runSuite((namespaces) => new IgnoresWriteTimes({ namespaces }));
    const lww = [...results].filter(([name]) => name.includes("last write wins"));
    expect(lww.length).toBeGreaterThanOrEqual(5);
    const failed = lww.filter(([, err]) => err !== undefined).map(([name]) => name);
    expect(failed.length).toBe(lww.length);
    // The same suite passes its other tests on this store, so the failures are about write times.
    expect(results.get("KV conformance: broken > basics > reads chosen keys, skipping missing ones")).toBeUndefined();
  });

  it("fails a store that ignores page limits", async () => {
    const results = await runSuite((namespaces) => new IgnoresPaging({ namespaces }));
    const paging = [...results].filter(([name]) => name.includes("pagination > pages forward"));
    expect(paging).toHaveLength(1);
    expect(paging[0]![1]).toBeInstanceOf(Error);
  });

  it("passes the correct in-memory store", async () => {
    const results = await runSuite((namespaces) => new MemoryKvStore({ namespaces }));
    const failed = [...results].filter(([, err]) => err !== undefined).map(([name, err]) => `${name}: ${err!.message}`);
    expect(failed).toEqual([]);
  });
});
