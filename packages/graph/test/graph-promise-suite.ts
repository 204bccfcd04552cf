import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { KvStore } from "@rdg/kv";
import { defineSchema, MEMBER_JOURNEY_DEFINITION, memberJourneySchema, mergeMutations, type Mutation } from "@rdg/model";
import { GraphError, GraphStore, type GraphEdge } from "../src/index.js";
import type { GraphTestStore } from "./support/graph-stores.js";
import { overriding } from "./support/overriding.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const H = Date.UTC(2026, 10, 25, 6); // the start of an hour bucket
const NOW = H + 6 * HOUR;

const watched = (from: string, to: string, time: number, props: Record<string, string | number | boolean> = { deviceId: "tv", positionSec: 0 }): Mutation => ({
  op: "upsertEdge", type: "watched", from, to, time, props,
});
const unwatch = (from: string, to: string, time: number): Mutation => ({ op: "deleteEdge", type: "watched", from, to, time });
const brief = (edges: readonly GraphEdge[]): string[] => edges.map((e) => `${e.other}@${(e.time - H) / MINUTE}m`);

/** Pages through a query to its end, as a client does. */
async function allPages(graph: GraphStore, node: string, query: Parameters<GraphStore["neighbors"]>[1]): Promise<GraphEdge[][]> {
  const pages: GraphEdge[][] = [];
  let cursor: string | undefined;
  do {
    const page = await graph.neighbors(node, { ...query, ...(cursor === undefined ? {} : { cursor }) });
    pages.push(page.edges);
    cursor = page.cursor;
  } while (cursor !== undefined && pages.length < 100);
  return pages;
}

/**
 * The graph's promise, one counterexample at a time (each of these failed on the bucket-copy
 * layout): the same answers whatever the batching, order, paging and store.
 */
export function graphPromiseSuite(store: GraphTestStore): void {
  describe(`graph promise on ${store.name}`, () => {
    let kv: KvStore;
    let graph: GraphStore;
    beforeEach(() => {
      kv = store.open();
      graph = new GraphStore({ kv, schema: memberJourneySchema, now: () => NOW });
    });
    afterEach(async () => kv.close());

    it("deletes an edge whose upsert and later delete come in one write, as in two", async () => {
      await graph.write([watched("p1", "t1", H), unwatch("p1", "t1", H + 6.5 * HOUR)]);
      const other = store.open();
      try {
        const two = new GraphStore({ kv: other, schema: memberJourneySchema, now: () => NOW });
        await two.write([watched("p1", "t1", H)]);
        await two.write([unwatch("p1", "t1", H + 6.5 * HOUR)]);
        for (const g of [graph, two]) {
          expect((await g.neighbors("p1", { edge: "watched", since: 0 })).edges).toEqual([]);
          expect((await g.neighbors("t1", { edge: "watchedBy", since: 0 })).edges).toEqual([]);
          expect(await g.countEdges("t1", { edge: "watchedBy", since: 0 })).toEqual({ count: 0, verified: false });
        }
      } finally {
        await other.close();
      }
    });

    it("merges edge properties per property, so coalescing changes nothing", async () => {
      const first = watched("p1", "t1", H, { deviceId: "tv", positionSec: 3000, completed: true });
      const second = watched("p1", "t1", H + 30_000, { deviceId: "tv", positionSec: 3010 });
      await graph.write([first]);
      await graph.write([second]);
      const other = store.open();
      try {
        const merged = new GraphStore({ kv: other, schema: memberJourneySchema, now: () => NOW });
        await merged.write([mergeMutations(first, second)]);
        for (const g of [graph, merged]) {
          const [edge] = (await g.neighbors("t1", { edge: "watchedBy" })).edges;
          expect(edge).toMatchObject({ from: "p1", time: H + 30_000, props: { deviceId: "tv", positionSec: 3010, completed: true } });
        }
      } finally {
        await other.close();
      }
    });

    it("shows an edge the same from both ends after out-of-order deletes and upserts", async () => {
      // Found by a random search on the bucket-copy layout: the title kept the late upsert, the profile did not.
      await graph.write([watched("p1", "t9", H + 120 * MINUTE)]);
      await graph.write([unwatch("p1", "t1", H + 180 * MINUTE)]);
      await graph.write([watched("p1", "t1", H + 150 * MINUTE)]); // late, and older than the delete
      await graph.write([unwatch("p1", "t1", H + 30 * MINUTE)]);
      expect(brief((await graph.neighbors("p1", { edge: "watched" })).edges)).toEqual(["t9@120m"]);
      expect((await graph.neighbors("t1", { edge: "watchedBy" })).edges).toEqual([]);
      await graph.write([watched("p1", "t1", H + 4 * HOUR, { deviceId: "tv", positionSec: 7 })]);
      await graph.write([unwatch("p1", "t1", H + 3.5 * HOUR)]); // older than the upsert: changes nothing
      const out = (await graph.neighbors("p1", { edge: "watched" })).edges.filter((e) => e.other === "t1");
      const inn = (await graph.neighbors("t1", { edge: "watchedBy" })).edges;
      expect(brief(out)).toEqual(["t1@240m"]);
      expect(inn.map(({ other: _, ...e }) => e)).toEqual(out.map(({ other: _, ...e }) => e));
    });

    for (const order of ["latest", "any"] as const) {
      it(`pages (${order}) never repeat an edge nor return a superseded version`, async () => {
        await graph.write([watched("pA", "t1", H + MINUTE), watched("pA", "t1", H + 61 * MINUTE), watched("pB", "t1", H + 62 * MINUTE), watched("pC", "t1", H + 63 * MINUTE)]);
        const pages = await allPages(graph, "t1", { edge: "watchedBy", limit: 2, order });
        expect(pages.flat().map((e) => `${e.other}@${(e.time - H) / MINUTE}m`)).toEqual(["pC@63m", "pB@62m", "pA@61m"]);
      });

      it(`pages (${order}) return every edge unchanged during the sequence exactly once`, async () => {
        const batch: Mutation[] = [];
        for (let i = 0; i < 30; i++) batch.push(watched(`p${String(i).padStart(2, "0")}`, "t1", H + i * 7 * MINUTE));
        await graph.write(batch);
        const first = await graph.neighbors("t1", { edge: "watchedBy", limit: 5, order });
        const seenFirst = first.edges.map((e) => e.other);
        // Between pages: one edge already returned moves on, one not yet returned moves into a
        // newer bucket, one not yet returned is deleted, and a new edge arrives.
        await graph.write([watched(seenFirst[0]!, "t1", NOW - MINUTE), watched("p03", "t1", H + 5 * HOUR + 1), unwatch("p10", "t1", NOW - MINUTE), watched("pNew", "t1", NOW - 2 * MINUTE)]);
        const rest: GraphEdge[] = [];
        let cursor = first.cursor;
        while (cursor !== undefined) {
          const page = await graph.neighbors("t1", { edge: "watchedBy", limit: 5, order, cursor });
          rest.push(...page.edges);
          cursor = page.cursor;
        }
        const all = [...seenFirst, ...rest.map((e) => e.other)];
        expect(new Set(all).size).toBe(all.length); // never twice
        const changed = new Set([seenFirst[0]!, "p03", "p10", "pNew"]);
        const unchanged = Array.from({ length: 30 }, (_, i) => `p${String(i).padStart(2, "0")}`).filter((p) => !changed.has(p));
        for (const p of unchanged) expect(all.filter((x) => x === p), p).toHaveLength(1);
        for (const e of rest) expect(e.time, `${e.other} is its current version`).toBe(e.other === "p03" ? H + 5 * HOUR + 1 : H + Number(e.other.slice(1)) * 7 * MINUTE);
        expect(all).not.toContain("p10");
      });
    }

    it("keeps one adjacency entry per live edge when writes overlap, and when one of them fails", async () => {
      let failNext = false;
      const flaky = overriding(kv, {
        mutate: async (ops) => {
          await new Promise((r) => setTimeout(r, 5)); // in flight long enough for the next plan
          if (failNext) {
            failNext = false;
            throw new Error("disk full");
          }
          return kv.mutate(ops);
        },
      });
      const g = new GraphStore({ kv: flaky, schema: memberJourneySchema, now: () => NOW });
      // Overlapping writes of the same edges, newer and older times mixed.
      const writes: Promise<number>[] = [];
      for (let i = 0; i < 12; i++) writes.push(g.write([watched("p1", "t1", H + ((i * 7) % 12) * 10 * MINUTE), watched(`p${i % 3}`, "t2", H + i * MINUTE)]));
      await Promise.all(writes);
      // A batch that fails while a later one was planned on its times: the later one is planned again.
      failNext = true;
      const failing = g.write([watched("p1", "t1", H + 5 * HOUR)]);
      const later = g.write([watched("p1", "t1", H + 4 * HOUR, { deviceId: "phone", positionSec: 1 })]);
      await expect(failing).rejects.toThrow(/disk full/);
      await later;
      expect(brief((await g.neighbors("t1", { edge: "watchedBy" })).edges)).toEqual(["p1@240m"]);
      expect(brief((await g.neighbors("p1", { edge: "watched" })).edges)).toEqual(["t1@240m", "t2@10m"]);
      const stats = await g.stats();
      expect(stats.staleEntries["watched.out"]).toBe(0);
      expect(stats.staleEntries["watched.in"]).toBe(0);
      expect(await g.countEdges("t2", { edge: "watchedBy", since: 0 })).toEqual({ count: 3, verified: false });
    });

    it("does not leave later writes waiting on a batch whose plan failed part way", async () => {
      let failReads = 0;
      const flaky = overriding(kv, {
        getItems: (ns, id, q) => {
          if (ns === "edge.basedOn" && failReads > 0) {
            failReads--;
            return Promise.reject(new Error("read timed out"));
          }
          return kv.getItems(ns, id, q);
        },
      });
      const g = new GraphStore({ kv: flaky, schema: memberJourneySchema, now: () => NOW });
      await g.ready();
      failReads = 1;
      // watched is planned first (its edge times go in flight), then the basedOn read fails.
      await expect(g.write([watched("p1", "t1", H + MINUTE), { op: "upsertEdge", type: "basedOn", from: "g1", to: "t1", time: H }])).rejects.toThrow(/read timed out/);
      const later = g.write([watched("p1", "t1", H + 2 * MINUTE)]);
      const outcome = await Promise.race([later.then(() => "written"), new Promise((r) => setTimeout(() => r("still waiting"), 2000))]);
      expect(outcome).toBe("written");
      expect(brief((await g.neighbors("t1", { edge: "watchedBy" })).edges)).toEqual(["p1@2m"]);
    });

    it("applies time windows to an edge's current time, and counts agree with paging", async () => {
      await graph.write([watched("pA", "t1", H + MINUTE), watched("pB", "t1", H + 20 * MINUTE)]);
      await graph.write([watched("pA", "t1", H + 61 * MINUTE)]);
      const early = { edge: "watchedBy", since: H, until: H + 30 * MINUTE } as const;
      expect(brief((await graph.neighbors("t1", early)).edges)).toEqual(["pB@20m"]);
      expect(await graph.countEdges("t1", early)).toEqual({ count: 1, verified: false });
      const late = { edge: "watchedBy", since: H + HOUR, until: H + 2 * HOUR } as const;
      expect(brief((await graph.neighbors("t1", late)).edges)).toEqual(["pA@61m"]);
      expect(await graph.countEdges("t1", late)).toEqual({ count: 1, verified: false });
      expect(await graph.countEdges("t1", { edge: "watchedBy", since: 0 })).toEqual({ count: 2, verified: false });
    });

    it("refuses an inverted or malformed window with a message", async () => {
      await expect(graph.neighbors("t1", { edge: "watchedBy", since: H + HOUR, until: H })).rejects.toThrow(/until .* must be after since/);
      await expect(graph.countEdges("t1", { edge: "watchedBy", since: -5 })).rejects.toThrow(/since -5 must be a non-negative integer/);
      await expect(graph.neighbors("t1", { edge: "watchedBy", lookbackMs: 0 })).rejects.toThrow(/lookbackMs 0/);
    });

    it("deletes a node with its edges on request; deleteNode alone keeps the edges", async () => {
      await graph.write([
        { op: "upsertNode", type: "profile", id: "p1", props: { name: "Ann" }, time: H },
        watched("p1", "t1", H + MINUTE), watched("p1", "t2", H + 2 * HOUR), watched("p2", "t1", H + 3 * MINUTE),
        { op: "upsertEdge", type: "hasProfile", from: "a1", to: "p1", time: H },
      ]);
      await graph.write([{ op: "deleteNode", type: "profile", id: "p1", time: H + 3 * HOUR }]);
      expect(await graph.getNode("profile", "p1")).toBeUndefined();
      expect((await graph.neighbors("p1", { edge: "watched" })).edges).toHaveLength(2);
      await graph.deleteNodeAndEdges("profile", "p1", H + 3 * HOUR);
      expect((await graph.neighbors("p1", { edge: "watched" })).edges).toEqual([]);
      expect((await graph.neighbors("a1", { edge: "hasProfile" })).edges).toEqual([]);
      expect(brief((await graph.neighbors("t1", { edge: "watchedBy" })).edges)).toEqual(["p2@3m"]);
    });

    it("keeps ids of the longest allowed size on both ends", async () => {
      const from = "p".repeat(256);
      const to = "t".repeat(256);
      await graph.write([watched(from, to, H + MINUTE)]);
      expect((await graph.neighbors(to, { edge: "watchedBy" })).edges.map((e) => e.from)).toEqual([from]);
      const lines: string[] = [];
      for await (const line of graph.export()) lines.push(line);
      expect(lines.map((l) => JSON.parse(l) as { from?: string }).filter((l) => l.from === from)).toHaveLength(1);
    });

    it.skipIf(!store.embedded)("refuses an embedded graph written by RDG 0.1, which recorded no schema", async () => {
      // Layout 1 wrote node and bucket-index records exactly like this, and no schema record.
      await kv.putItems("edge.watched.out.buckets", "p1", [{ key: Uint8Array.of(0, 0, 0, 1), value: new Uint8Array(0) }]);
      const err = await graph.neighbors("p1", { edge: "watched" }).catch((e: unknown) => e);
      expect(GraphError.isInstance(err) && err.code).toBe("SCHEMA_MISMATCH");
      expect(String(err)).toMatch(/written by RDG 0\.1 \(storage layout 1\)/);
    });

    it("records its schema and refuses to be read with an incompatible one", async () => {
      await graph.write([watched("p1", "t1", H)]);
      const wider = defineSchema({ ...MEMBER_JOURNEY_DEFINITION, edges: { ...MEMBER_JOURNEY_DEFINITION.edges, watched: { ...MEMBER_JOURNEY_DEFINITION.edges["watched"]!, bucketMs: 86_400_000 } } });
      const reopened = new GraphStore({ kv, schema: wider, now: () => NOW });
      const err = await reopened.neighbors("p1", { edge: "watched" }).catch((e: unknown) => e);
      expect(GraphError.isInstance(err) && err.code).toBe("SCHEMA_MISMATCH");
      expect(String(err)).toMatch(/edge watched: bucketMs 86400000, but the graph was written with 3600000/);
      const retyped = defineSchema({ ...MEMBER_JOURNEY_DEFINITION, nodes: { ...MEMBER_JOURNEY_DEFINITION.nodes, title: { properties: { name: "int", kind: "string" } } } });
      await expect(new GraphStore({ kv, schema: retyped }).getNode("title", "t1")).rejects.toThrow(/node title.name: int, but the graph was written with string/);
      const added = defineSchema({ ...MEMBER_JOURNEY_DEFINITION, nodes: { ...MEMBER_JOURNEY_DEFINITION.nodes, studio: { properties: { name: "string" } } } });
      expect((await new GraphStore({ kv, schema: added, now: () => NOW }).neighbors("p1", { edge: "watched" })).edges).toHaveLength(1);
    });
  });
}
