import { afterEach, describe, expect, it } from "vitest";
import { GraphStore, graphNamespaces } from "@rdg/graph";
import { MemoryKvStore, type GetQuery, type KeysQuery, type KvStore } from "@rdg/kv";
import { RedisKvStore } from "@rdg/kv-redis";
import { memberJourneySchema } from "@rdg/model";
import { playStart, startTestServer, type TestServer } from "./support/test-server.js";

const NOW = Date.now();
let server: TestServer | undefined;
const toClose: KvStore[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const kv of toClose.splice(0)) await kv.close().catch(() => undefined);
});

/** The store with every read delayed by `ms`, counting reads and the signals they carried. */
function slowed(kv: KvStore, ms: number): { kv: KvStore; reads: () => number; aborted: () => number } {
  let reads = 0;
  let aborted = 0;
  const getItems = async (ns: string, id: string, q?: GetQuery) => {
    reads++;
    await new Promise((r) => setTimeout(r, ms));
    if (q?.signal?.aborted === true) aborted++;
    return kv.getItems(ns, id, q);
  };
  // Batched reads go through the slowed point reads too, one per record.
  const getMany = (ns: string, ids: readonly string[], q: KeysQuery) => Promise.all(ids.map(async (id) => (await getItems(ns, id, q)).items));
  const proxy = new Proxy(kv, {
    get(target, prop) {
      if (prop === "getItems") return getItems;
      if (prop === "getMany") return getMany;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { kv: proxy, reads: () => reads, aborted: () => aborted };
}

describe("a store that is down", () => {
  it("answers 503 with Retry-After, and /readyz says not ready, while /healthz answers", async () => {
    // Nothing listens on port 1: every read fails with a retryable CONNECTION error.
    const kv = new RedisKvStore({ url: "redis://127.0.0.1:1", namespaces: graphNamespaces(memberJourneySchema), keyPrefix: "rdg-server-down:" });
    toClose.push(kv);
    server = await startTestServer({ graph: new GraphStore({ kv, schema: memberJourneySchema }) });
    for (const r of [
      await server.get("/v1/nodes/title/t1"),
      await server.get("/v1/nodes/profile/p1/edges/watched"),
      await server.post("/v1/traverse", { start: { type: "profile", id: "p1" }, steps: [{ edgeType: "watched" }] }),
      await server.post("/v1/events/playback", { events: [playStart("p1", "t1", NOW)] }),
    ]) {
      expect(r).toMatchObject({ status: 503, body: { code: "CONNECTION", message: expect.stringMatching(/kv-redis/) } });
      expect(r.headers.get("retry-after")).toBe("1");
    }
    const ready = await server.get("/readyz");
    expect(ready).toMatchObject({ status: 503, body: { code: "NOT_READY", message: expect.stringMatching(/does not answer/) } });
    expect(ready.headers.get("retry-after")).toBe("1");
    expect((await server.get("/healthz")).status).toBe(200);
  });
});

describe("the request signal", () => {
  const graphOn = async (kv: KvStore): Promise<GraphStore> => GraphStore.open({ kv, schema: memberJourneySchema });

  it("stops a request at requestTimeoutMs with 503 DEADLINE_EXCEEDED, and its reads after it", async () => {
    const base = new MemoryKvStore({ namespaces: graphNamespaces(memberJourneySchema) });
    const g = await graphOn(base);
    await g.write(Array.from({ length: 50 }, (_, i) => ({ op: "upsertEdge" as const, type: "watched", from: "p1", to: `t${i}`, time: NOW - i, props: { deviceId: "tv", positionSec: 0 } })));
    const slow = slowed(base, 100);
    server = await startTestServer({ graph: await graphOn(slow.kv), limits: { requestTimeoutMs: 250 }, cache: { maxEntries: 0 } });
    const started = performance.now();
    const r = await server.get("/v1/nodes/profile/p1/edges/watched?limit=50");
    expect(performance.now() - started).toBeLessThan(3000); // 250 ms and one read in flight, with room for a loaded machine
    expect(r).toMatchObject({ status: 503, body: { code: "DEADLINE_EXCEEDED", message: expect.stringMatching(/requestTimeoutMs of 250/) } });
    expect(r.headers.get("retry-after")).toBe("1");
    const readsAtAnswer = slow.reads();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(slow.reads() - readsAtAnswer).toBeLessThanOrEqual(1); // at most the read in flight went on
  });

  it("stops the reads of a request whose client closed the connection", async () => {
    const base = new MemoryKvStore({ namespaces: graphNamespaces(memberJourneySchema) });
    const g = await graphOn(base);
    const edges = [];
    for (let t = 0; t < 20; t++) for (let p = 0; p < 20; p++) edges.push({ op: "upsertEdge" as const, type: "watched", from: `p${p}`, to: `t${t}`, time: NOW - t * 100 - p, props: { deviceId: "tv", positionSec: 0 } });
    await g.write(edges);
    const slow = slowed(base, 50);
    server = await startTestServer({ graph: await graphOn(slow.kv), cache: { maxEntries: 0 } });
    const body = JSON.stringify({ start: { type: "profile", id: "p0" }, steps: [{ edgeType: "watched" }, { edgeType: "watchedBy" }, { edgeType: "watched" }] });
    await expect(fetch(`${server.url}/v1/traverse`, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(400) })).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const readsAfterClose = slow.reads();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(slow.reads() - readsAfterClose).toBeLessThanOrEqual(1);
    expect(slow.aborted()).toBeGreaterThan(0); // the reads in flight saw the signal
  });
});
