import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GraphStore } from "@rdg/graph";
import type { KvStore } from "@rdg/kv";
import { serverTestStores } from "./support/test-stores.js";
import { playStart, startTestServer, type TestServer } from "./support/test-server.js";

const NOW = Date.now();
const MIN = 60_000;

for (const store of serverTestStores()) {
  describe(`the server on ${store.name}, over HTTP`, () => {
    let kv: KvStore;
    let graph: GraphStore;
    let server: TestServer;
    beforeEach(async () => {
      ({ kv, graph } = await store.open());
      server = await startTestServer({ graph, store: store.name });
    });
    afterEach(async () => {
      await server.close();
      await kv.close();
    });
    afterAll(() => store.cleanup());

    it("answers every path", async () => {
      await graph.write([{ op: "upsertNode", type: "title", id: "t1", props: { name: "Dark", kind: "series" }, time: NOW - 10 * MIN }]);
      const posted = await server.post("/v1/events/playback", { events: [playStart("p1", "t1", NOW - 3 * MIN), playStart("p2", "t1", NOW - 2 * MIN), playStart("p1", "t2", NOW - MIN)] });
      expect(posted).toMatchObject({ status: 200, body: { topic: "playback", applied: 3, mutations: 6, rejected: [] } });

      const node = await server.get("/v1/nodes/title/t1");
      expect(node).toMatchObject({ status: 200, body: { type: "title", id: "t1", props: { name: "Dark", kind: "series" }, updatedAt: NOW - 10 * MIN } });
      expect(await server.get("/v1/nodes/title/t404")).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
      const batch = await server.post("/v1/nodes/batch", { nodes: [{ type: "title", id: "t404" }, { type: "title", id: "t1" }] });
      expect(batch.status).toBe(200);
      expect(batch.body.nodes.map((n: { id: string } | null) => n?.id ?? null)).toEqual([null, "t1"]);

      const out = await server.get("/v1/nodes/profile/p1/edges/watched");
      expect(out.status).toBe(200);
      expect(out.body).toMatchObject({ node: { type: "profile", id: "p1" }, edgeType: "watched", direction: "out", otherType: "title", next: null });
      expect(out.body.edges.map((e: { other: string }) => e.other)).toEqual(["t2", "t1"]);
      expect(out.body.edges[1]).toEqual({ type: "watched", from: "p1", to: "t1", other: "t1", time: NOW - 3 * MIN, props: { deviceId: "tv-1", positionSec: 0 } });
      const viewers = await server.get("/v1/nodes/title/t1/edges/watchedBy?limit=1");
      expect(viewers.body.edges.map((e: { other: string }) => e.other)).toEqual(["p2"]);
      const rest = await server.get(`/v1/nodes/title/t1/edges/watchedBy?limit=1&cursor=${encodeURIComponent(viewers.body.next)}`);
      expect(rest.body.edges.map((e: { other: string }) => e.other)).toEqual(["p1"]);
      expect((await server.get("/v1/nodes/title/t1/edges/watched?direction=in&order=any")).body.edges).toHaveLength(2);
      const windowed = await server.get(`/v1/nodes/title/t1/edges/watched?direction=in&since=${NOW - 150_000}&until=${NOW}`);
      expect(windowed.body.edges.map((e: { other: string }) => e.other)).toEqual(["p2"]);

      expect((await server.get("/v1/nodes/title/t1/edges/watchedBy/count")).body).toEqual({ node: { type: "title", id: "t1" }, edgeType: "watched", direction: "in", count: 2, verified: false });
      expect((await server.get("/v1/nodes/profile/p1/edges/watched/count?verify=true")).body).toMatchObject({ count: 2, verified: true });

      const traversal = await server.post("/v1/traverse", { start: { type: "profile", id: "p2" }, steps: [{ edgeType: "watched" }, { edgeType: "watchedBy" }, { edgeType: "watched" }] });
      expect(traversal.status).toBe(200);
      expect(traversal.body.partial).toBe(false);
      expect(traversal.body.levels.map((l: { nodeType: string; nodes: string[] }) => [l.nodeType, l.nodes.sort()])).toEqual([["title", ["t1"]], ["profile", ["p1"]], ["title", ["t2"]]]);

      expect(await server.get("/healthz")).toMatchObject({ status: 200, body: { status: "ok" } });
      expect(await server.get("/readyz")).toMatchObject({ status: 200, body: { status: "ready", store: store.name } });
      const openapi = await server.get("/openapi.json");
      expect(Object.keys(openapi.body.paths).sort()).toEqual([
        "/healthz", "/metrics", "/readyz", "/v1/events/{topic}", "/v1/nodes/batch", "/v1/nodes/{type}/{id}",
        "/v1/nodes/{type}/{id}/edges/{edgeType}", "/v1/nodes/{type}/{id}/edges/{edgeType}/count", "/v1/traverse",
      ]);
      const docs = await server.get("/docs");
      expect(docs.status).toBe(200);
      expect(String(docs.body)).toMatch(/<html/i);
      const metrics = await server.get("/metrics");
      expect(metrics.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(metrics.body).toMatch(/rdg_server_requests_total\{route="\/v1\/nodes\/:type\/:id",method="GET",status="200"\} 1/);
      expect(metrics.body).toMatch(/rdg_server_request_duration_seconds_bucket\{le="0.01",route="\/v1\/traverse",method="POST",status="200"\} \d/);
    });

    it("answers the write through /v1/events with what was applied and, for each refused event, its index and why", async () => {
      const r = await server.post("/v1/events/playback", { events: [playStart("p1", "t1", NOW - MIN), { type: "playStart", profileId: "p1", time: NOW }, "not an event", playStart("p1", "t2", NOW + 30 * 86_400_000)] });
      expect(r.status).toBe(200);
      expect(r.body.applied).toBe(1);
      expect(r.body.rejected.map((x: { index: number; code: string }) => [x.index, x.code])).toEqual([[1, "BAD_EVENT"], [2, "BAD_EVENT"], [3, "VALIDATION"]]);
      expect(r.body.rejected[0].reason).toMatch(/titleId/);
      expect(r.body.rejected[2].reason).toMatch(/time/);
      expect((await server.get("/v1/nodes/profile/p1/edges/watched")).body.edges).toHaveLength(1);
      expect(await server.post("/v1/events/nope", { events: [] })).toMatchObject({ status: 404, body: { code: "NOT_FOUND", message: expect.stringMatching(/the topics are auth, playback, gaming, live, search/) } });
    });

    it("pages through a node's edges with limits 1, 7 and 50 while writes continue: no gap, no repeat, agrees with count", async () => {
      const initial = Array.from({ length: 120 }, (_, i) => playStart(`p${i}`, "hot", NOW - 60 * MIN + i * 1000));
      for (let i = 0; i < initial.length; i += 60) expect((await server.post("/v1/events/playback", { events: initial.slice(i, i + 60) })).body.applied).toBe(60);
      const before = (await server.get("/v1/nodes/title/hot/edges/watchedBy/count")).body.count;
      expect(before).toBe(120);
      let written = 0;
      const alive = new Set(initial.map((e) => String(e["profileId"])));
      for (const limit of [1, 7, 50]) {
        const atStart = new Set(alive);
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const q: string = cursor === null ? `limit=${limit}` : `limit=${limit}&cursor=${encodeURIComponent(cursor)}`;
          const page = await server.get(`/v1/nodes/title/hot/edges/watchedBy?${q}`);
          expect(page.status).toBe(200);
          expect(page.body.edges.length).toBeLessThanOrEqual(limit);
          for (const e of page.body.edges) seen.push(e.other);
          cursor = page.body.next;
          // Writes go on between pages: new viewers, newer than every page so far.
          const events = [playStart(`new${written}`, "hot", NOW - 30 * MIN + written), playStart(`new${written + 1}`, "hot", NOW - 30 * MIN + written + 1)];
          written += 2;
          for (const e of events) alive.add(String(e["profileId"]));
          expect((await server.post("/v1/events/playback", { events })).body.applied).toBe(2);
          pages++;
        } while (cursor !== null && pages < 1000);
        expect(new Set(seen).size).toBe(seen.length); // no repeat
        // No gap: every edge alive at the first page is returned; the edges written meanwhile are
        // newer than the first page, so they sort before it and the sequence leaves them out.
        expect(new Set(seen)).toEqual(atStart);
      }
      // With the writes done, paging agrees with the count exactly.
      const count = (await server.get("/v1/nodes/title/hot/edges/watchedBy/count")).body.count;
      expect(count).toBe(120 + written);
      let all = 0;
      let cursor: string | null = null;
      do {
        const page: { body: { edges: unknown[]; next: string | null } } = await server.get(`/v1/nodes/title/hot/edges/watchedBy?limit=50${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`);
        all += page.body.edges.length;
        cursor = page.body.next;
      } while (cursor !== null);
      expect(all).toBe(count);
    });

    it("bounds a traversal by its step limits and overall limit, and says partial when cut", async () => {
      const events = [];
      for (let p = 0; p < 10; p++) for (let t = 0; t < 6; t++) events.push(playStart(`p${p}`, `t${t}`, NOW - (p * 6 + t) * 1000));
      expect((await server.post("/v1/events/playback", { events })).body.applied).toBe(60);
      const steps = [{ edgeType: "watched", limit: 2 }, { edgeType: "watchedBy", limit: 3 }];
      const bounded = await server.post("/v1/traverse", { start: { type: "profile", id: "p0" }, steps });
      expect(bounded.body.partial).toBe(false);
      expect(bounded.body.levels[0].edges).toHaveLength(2);
      expect(bounded.body.levels[1].edges).toHaveLength(6); // 3 per title
      const cut = await server.post("/v1/traverse", { start: { type: "profile", id: "p0" }, steps, limit: 5 });
      expect(cut.body).toMatchObject({ partial: true, reason: "limit" });
      expect(cut.body.levels.reduce((n: number, l: { edges: unknown[] }) => n + l.edges.length, 0)).toBe(5);
      const filtered = await server.post("/v1/traverse", { start: { type: "profile", id: "p0" }, steps: [{ edgeType: "watched", since: NOW - 3500, until: NOW }] });
      expect(filtered.body.levels[0].nodes.sort()).toEqual(["t1", "t2", "t3"]);
      await graph.write([{ op: "upsertNode", type: "title", id: "t4", props: { name: "Four", kind: "movie" }, time: NOW - MIN }]);
      const byOther = await server.post("/v1/traverse", { start: { type: "profile", id: "p0" }, steps: [{ edgeType: "watched", filter: { kind: "movie" } }] });
      expect(byOther.body.levels[0].nodes).toEqual(["t4"]);
      const tooMany = await server.post("/v1/traverse", { start: { type: "profile", id: "p0" }, steps: [{ edgeType: "watched", limit: 5000 }] });
      expect(tooMany).toMatchObject({ status: 400, body: { code: "LIMIT_EXCEEDED", field: "body.steps[0].limit", message: expect.stringMatching(/maxFanOut of 1000/) } });
    });

    it("serves a write through /v1/events to the next read, and keeps hot reads in the cache", async () => {
      await graph.write([{ op: "upsertNode", type: "title", id: "t1", props: { name: "Old", kind: "movie" }, time: NOW - 10 * MIN }]);
      expect((await server.get("/v1/nodes/title/t1")).body.props.name).toBe("Old");
      expect((await server.get("/v1/nodes/title/t1")).body.props.name).toBe("Old");
      expect((await server.get("/v1/nodes/profile/p1/edges/watched")).body.edges).toHaveLength(0);
      await server.post("/v1/events/playback", { events: [playStart("p1", "t1", NOW - MIN)] });
      expect((await server.get("/v1/nodes/profile/p1/edges/watched")).body.edges).toHaveLength(1); // same server: at once
      expect((await server.get("/v1/nodes/title/t1/edges/watchedBy")).body.edges).toHaveLength(1);
      const metrics = String((await server.get("/metrics")).body);
      expect(metrics).toMatch(/rdg_server_cache_hits_total\{kind="node"\} 1/);
      expect(metrics).toMatch(/rdg_server_cache_misses_total\{kind="edges"\} 3/);
      expect(metrics).toMatch(/rdg_server_cache_entries [1-9]/);
    });

    it("answers a cache hit with the same bytes and headers as the miss that filled it", async () => {
      await graph.write([
        { op: "upsertNode", type: "title", id: "t1", props: { name: "Café ☕", kind: "movie" }, time: NOW - 10 * MIN },
        ...["p1", "p2", "p3"].map((p, i) => ({ op: "upsertEdge" as const, type: "watched", from: p, to: "t1", props: { deviceId: `d${i}`, positionSec: i * 60 }, time: NOW - i * MIN })),
      ]);
      for (const path of ["/v1/nodes/title/t1", "/v1/nodes/title/t1/edges/watchedBy?limit=2", "/v1/nodes/profile/p1/edges/watched"]) {
        const [miss, hit] = [await fetch(server.url + path), await fetch(server.url + path)];
        const [a, b] = [Buffer.from(await miss.arrayBuffer()), Buffer.from(await hit.arrayBuffer())];
        expect(b.equals(a), path).toBe(true);
        for (const h of ["content-type", "content-length"]) expect(hit.headers.get(h), `${path} ${h}`).toBe(miss.headers.get(h));
        expect(miss.headers.get("content-type")).toBe("application/json; charset=utf-8");
        expect(Number(miss.headers.get("content-length"))).toBe(a.length);
      }
      const page = (await server.get("/v1/nodes/title/t1/edges/watchedBy?limit=2")).body;
      expect(page.edges.map((e: { other: string }) => e.other)).toEqual(["p1", "p2"]);
      expect(typeof page.next).toBe("string");
      expect((await server.get("/v1/nodes/title/t1")).body.props.name).toBe("Café ☕");
      const metrics = String((await server.get("/metrics")).body);
      expect(metrics).toMatch(/rdg_server_cache_hits_total\{kind="node"\} [2-9]/);
      expect(metrics).toMatch(/rdg_server_cache_hits_total\{kind="edges"\} [3-9]/);
    });
  });
}
