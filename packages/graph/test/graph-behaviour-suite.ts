import { describe, expect, it, beforeEach, afterEach } from "vitest";
import type { KvStore, GetQuery, Page } from "@rdg/kv";
import { ModelError, memberJourneySchema, type Mutation } from "@rdg/model";
import { GraphError, GraphStore } from "../src/index.js";
import type { GraphTestStore } from "./support/graph-stores.js";
import { overriding } from "./support/overriding.js";

export const HOUR = 3_600_000;
export const NOW = Date.UTC(2026, 10, 25, 12);

/** Counts the items every read returns, to show what a query did not read. */
export function countingReads(kv: KvStore): { kv: KvStore; itemsRead: () => number } {
  let read = 0;
  const getItems = async (ns: string, id: string, q?: GetQuery): Promise<Page> => {
    const page = await kv.getItems(ns, id, q);
    read += page.items.length;
    return page;
  };
  return { kv: overriding(kv, { getItems }), itemsRead: () => read };
}

export const watched = (from: string, to: string, time: number, positionSec = 0): Mutation => ({ op: "upsertEdge", type: "watched", from, to, time, props: { deviceId: "tv", positionSec } });

/** The graph's behaviour on one store; every store runs the same tests. */
export function graphBehaviourSuite(store: GraphTestStore): void {
  describe(`graph on ${store.name}`, () => {
    let kv: KvStore;
    let graph: GraphStore;
    beforeEach(() => {
      kv = store.open();
      graph = new GraphStore({ kv, schema: memberJourneySchema, now: () => NOW });
    });
    afterEach(async () => kv.close());

    it("reads nodes, merges partial updates, keeps the newest value of each property", async () => {
      await graph.write([{ op: "upsertNode", type: "title", id: "t1", props: { name: "Stranger Things", kind: "series" }, time: NOW - 10 }]);
      await graph.write([{ op: "upsertNode", type: "title", id: "t1", props: { genre: "sci-fi" }, partial: true, time: NOW - 5 }]);
      await graph.write([{ op: "upsertNode", type: "title", id: "t1", props: { name: "old name" }, partial: true, time: NOW - 20 }]);
      const node = await graph.getNode("title", "t1");
      expect(node).toEqual({ type: "title", id: "t1", props: { name: "Stranger Things", kind: "series", genre: "sci-fi" }, updatedAt: NOW - 5 });
      const many = await graph.getNodes("title", ["nope", "t1"]);
      expect(many.map((x) => x?.id)).toEqual([undefined, "t1"]);
      await graph.write([{ op: "deleteNode", type: "title", id: "t1", time: NOW }]);
      expect(await graph.getNode("title", "t1")).toBeUndefined();
    });

    it("refuses a write that does not fit the schema, naming the field, and writes nothing of the batch", async () => {
      const bad: Mutation[] = [watched("p1", "t1", NOW), { op: "upsertEdge", type: "watched", from: "p1", to: "t2", time: NOW, props: { positionSec: "ten" as unknown as number } }];
      const err = await graph.write(bad).catch((e: unknown) => e);
      expect(ModelError.isInstance(err) && err.field).toBe("edge watched.props.positionSec");
      expect((await graph.neighbors("p1", { edge: "watched" })).edges).toEqual([]);
    });

    it("reads neighbours from both ends, by type or inverse name, newest first", async () => {
      await graph.write([watched("p1", "t1", NOW - 3 * HOUR), watched("p1", "t2", NOW - HOUR), watched("p2", "t1", NOW - 2 * HOUR)]);
      const out = await graph.neighbors("p1", { edge: "watched" });
      expect(out.edges.map((e) => e.to)).toEqual(["t2", "t1"]);
      expect(out.edges[0]).toMatchObject({ from: "p1", to: "t2", other: "t2", time: NOW - HOUR, props: { deviceId: "tv" } });
      const viewers = await graph.neighbors("t1", { edge: "watchedBy" });
      expect(viewers.edges.map((e) => e.from)).toEqual(["p2", "p1"]);
      expect((await graph.neighbors("t1", { edge: "watched", direction: "in" })).edges).toHaveLength(2);
    });

    it("returns an edge updated in several buckets once, with its newest properties", async () => {
      await graph.write([watched("p1", "t1", NOW - 5 * HOUR, 10), watched("p1", "t1", NOW - HOUR, 99), watched("p1", "t2", NOW - 3 * HOUR)]);
      const page = await graph.neighbors("p1", { edge: "watched" });
      expect(page.edges.map((e) => [e.to, e.props.positionSec])).toEqual([["t1", 99], ["t2", 0]]);
      expect(await graph.countEdges("p1", { edge: "watched" })).toEqual({ count: 2, verified: false });
    });

    it("filters by time window and properties", async () => {
      await graph.write([watched("p1", "t1", NOW - 5 * HOUR, 10), watched("p1", "t2", NOW - 3 * HOUR, 500), watched("p1", "t3", NOW - HOUR, 900)]);
      const windowed = await graph.neighbors("p1", { edge: "watched", since: NOW - 4 * HOUR, until: NOW - 2 * HOUR });
      expect(windowed.edges.map((e) => e.to)).toEqual(["t2"]);
      const filtered = await graph.neighbors("p1", { edge: "watched", where: { positionSec: { gte: 500 } } });
      expect(filtered.edges.map((e) => e.to)).toEqual(["t3", "t2"]);
      const old = await graph.neighbors("p1", { edge: "watched", lookbackMs: 2 * HOUR });
      expect(old.edges.map((e) => e.to)).toEqual(["t3"]);
    });

    for (const order of ["latest", "any"] as const) {
      it(`pages through neighbours with a cursor (${order}) without gaps or repeats`, async () => {
        const batch: Mutation[] = [];
        for (let i = 0; i < 57; i++) batch.push(watched(`p${i}`, "t1", NOW - (i % 7) * HOUR - i));
        batch.push(watched("p3", "t1", NOW - 10 * HOUR)); // an older copy of p3 in another bucket
        await graph.write(batch);
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await graph.neighbors("t1", { edge: "watchedBy", limit: 10, order, cursor });
          expect(page.edges.length).toBeLessThanOrEqual(10);
          seen.push(...page.edges.map((e) => e.other));
          cursor = page.cursor;
          pages++;
        } while (cursor !== undefined && pages < 20);
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.sort()).toEqual(Array.from({ length: 57 }, (_, i) => `p${i}`).sort());
      });
    }

    it("continues a cursor while the clock moves on, in the first page's time window", async () => {
      let clock = NOW;
      const moving = new GraphStore({ kv, schema: memberJourneySchema, now: () => clock });
      await moving.write(Array.from({ length: 9 }, (_, i) => watched(`p${i}`, "t1", NOW - i * 1000)));
      const first = await moving.neighbors("t1", { edge: "watchedBy", limit: 4, lookbackMs: 20_000 });
      clock += 60_000; // a fresh query now would see nothing in a 20 s lookback
      const second = await moving.neighbors("t1", { edge: "watchedBy", limit: 4, lookbackMs: 20_000, cursor: first.cursor });
      const third = await moving.neighbors("t1", { edge: "watchedBy", limit: 4, lookbackMs: 20_000, cursor: second.cursor });
      expect([...first.edges, ...second.edges, ...third.edges].map((e) => e.other)).toEqual(Array.from({ length: 9 }, (_, i) => `p${i}`));
      expect(third.cursor).toBeUndefined();
      const clash = await moving.neighbors("t1", { edge: "watchedBy", limit: 4, since: 0, cursor: first.cursor }).catch((e: unknown) => e);
      expect(GraphError.isInstance(clash) && clash.code).toBe("INVALID_CURSOR");
    });

    it("refuses a cursor of another query or a corrupt one", async () => {
      await graph.write(Array.from({ length: 5 }, (_, i) => watched(`p${i}`, "t1", NOW - i)));
      const page = await graph.neighbors("t1", { edge: "watchedBy", limit: 2 });
      const err = await graph.neighbors("t2", { edge: "watchedBy", limit: 2, cursor: page.cursor }).catch((e: unknown) => e);
      expect(GraphError.isInstance(err) && err.code).toBe("INVALID_CURSOR");
      const bad = await graph.neighbors("t1", { edge: "watchedBy", limit: 2, cursor: "%%%" }).catch((e: unknown) => e);
      expect(GraphError.isInstance(bad) && bad.code).toBe("INVALID_CURSOR");
    });

    it("reads a supernode's newest edges without reading all of them, and counts without a scan", async () => {
      const batch: Mutation[] = [];
      for (let i = 0; i < 6000; i++) batch.push(watched(`p${i}`, "hit", NOW - Math.floor(i / 500) * HOUR - (i % 500)));
      await graph.write(batch);
      const counting = countingReads(kv);
      const g = new GraphStore({ kv: counting.kv, schema: memberJourneySchema, now: () => NOW });
      const page = await g.neighbors("hit", { edge: "watchedBy", limit: 10 });
      expect(page.edges.map((e) => e.other)).toEqual(["p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"]);
      expect(counting.itemsRead()).toBeLessThan(100); // the bucket list, 10 entries and their 10 edges, not a bucket of 500
      const before = counting.itemsRead();
      expect(await g.countEdges("hit", { edge: "watchedBy" })).toEqual({ count: 6000, verified: false });
      expect(counting.itemsRead() - before).toBeLessThan(50);
    });

    it("deletes an edge from every bucket it was written in", async () => {
      await graph.write([watched("p1", "t1", NOW - 5 * HOUR), watched("p1", "t1", NOW - HOUR), watched("p1", "t2", NOW - HOUR)]);
      await graph.write([{ op: "deleteEdge", type: "watched", from: "p1", to: "t1", time: NOW }]);
      expect((await graph.neighbors("p1", { edge: "watched" })).edges.map((e) => e.to)).toEqual(["t2"]);
      expect((await graph.neighbors("t1", { edge: "watchedBy" })).edges).toEqual([]);
      await graph.write([watched("p1", "t1", NOW - 30 * 60_000)]); // a late, older event
      expect((await graph.neighbors("p1", { edge: "watched" })).edges.map((e) => e.to)).toEqual(["t2"]);
    });

    it("traverses 1 to 4 hops breadth-first with per-hop limits", async () => {
      await graph.write([
        watched("p1", "t1", NOW - 1), watched("p1", "t2", NOW - 2),
        watched("p2", "t1", NOW - 3), watched("p3", "t1", NOW - 4), watched("p4", "t2", NOW - 5),
        watched("p4", "t9", NOW - 6),
        { op: "upsertEdge", type: "basedOn", from: "g9", to: "t9", time: NOW - 7 },
      ]);
      const r = await graph.traverse({ start: ["p1"], hops: [{ edge: "watched" }, { edge: "watchedBy" }, { edge: "watched" }, { edge: "hasGame" }] });
      expect(r.partial).toBe(false);
      expect(r.levels.map((l) => l.nodes.sort())).toEqual([["t1", "t2"], ["p2", "p3", "p4"], ["t9"], ["g9"]]);
      expect(r.levels[3]!.edges[0]).toMatchObject({ type: "basedOn", from: "g9", to: "t9" });
      const limited = await graph.traverse({ start: ["p1"], hops: [{ edge: "watched" }, { edge: "watchedBy" }], limits: { default: 5, perDepth: [1] } });
      expect(limited.levels[0]!.nodes).toEqual(["t1"]);
      const perEdge = await graph.traverse({ start: ["p1"], hops: [{ edge: "watched" }], limits: { default: 1, perEdge: { watched: 2 } } });
      expect(perEdge.levels[0]!.nodes).toHaveLength(2);
      const hop = await graph.traverse({ start: ["p1"], hops: [{ edge: "watched", limit: 1 }], limits: { perEdge: { watched: 2 } } });
      expect(hop.levels[0]!.nodes).toHaveLength(1);
    });

    it("returns partial results marked partial when the deadline passes", async () => {
      const batch: Mutation[] = [];
      for (let i = 0; i < 40; i++) batch.push(watched(`p${i}`, "t1", NOW - i), watched(`p${i}`, `t${i + 2}`, NOW - i));
      await graph.write(batch);
      // The second hop (profiles' out-edges) is slow past any deadline; the first is not slowed.
      const slowKv = overriding(kv, {
        getItems: async (...args: Parameters<KvStore["getItems"]>) => {
          if (args[0] === "edge.watched.out") await new Promise((r) => setTimeout(r, 5000));
          return kv.getItems(...args);
        },
      });
      const slow = new GraphStore({ kv: slowKv, schema: memberJourneySchema, now: () => NOW });
      const r = await slow.traverse({ start: ["t1"], hops: [{ edge: "watchedBy" }, { edge: "watched" }], deadlineMs: 1500, concurrency: 2 });
      expect(r.partial).toBe(true);
      expect(r.reason).toBe("deadline");
      expect(r.levels[0]!.nodes.length).toBe(40);
      expect(r.elapsedMs).toBeLessThan(4000); // it returned at the deadline, not after the slow reads
    });

    it("traverses with per-hop windows, edge and other-end filters, and an overall edge limit", async () => {
      await graph.write([
        watched("p1", "t1", NOW - 3 * HOUR, 10), watched("p1", "t2", NOW - HOUR, 20), watched("p1", "t3", NOW - 2 * HOUR, 30),
        watched("p2", "t2", NOW - HOUR), watched("p3", "t2", NOW - 2 * HOUR),
        { op: "upsertNode", type: "title", id: "t1", props: { name: "One", kind: "movie" }, time: NOW - 10 },
        { op: "upsertNode", type: "title", id: "t2", props: { name: "Two", kind: "series" }, time: NOW - 10 },
      ]);
      const windowed = await graph.traverse({ start: ["p1"], hops: [{ edge: "watched", since: NOW - 150 * 60_000, until: NOW }] });
      expect(windowed.levels[0]!.nodes.sort()).toEqual(["t2", "t3"]);
      const byEdge = await graph.traverse({ start: ["p1"], hops: [{ edge: "watched", where: { positionSec: { gte: 20 } } }] });
      expect(byEdge.levels[0]!.nodes.sort()).toEqual(["t2", "t3"]);
      const byNode = await graph.traverse({ start: ["p1"], hops: [{ edge: "watched", nodeWhere: { kind: "series" } }, { edge: "watchedBy" }] });
      expect(byNode.levels.map((l) => l.nodes.sort())).toEqual([["t2"], ["p2", "p3"]]);
      const capped = await graph.traverse({ start: ["p1"], hops: [{ edge: "watched" }, { edge: "watchedBy" }], maxEdges: 4 });
      expect(capped).toMatchObject({ partial: true, reason: "limit" });
      expect(capped.levels.reduce((n, l) => n + l.edges.length, 0)).toBe(4);
      const exact = await graph.traverse({ start: ["p1"], hops: [{ edge: "watched" }], maxEdges: 3 });
      expect(exact.partial).toBe(false);
    });

    it("stops every read at the next KV call once its signal aborts, with the signal's reason", async () => {
      await graph.write([watched("p1", "t1", NOW - 1), watched("p1", "t2", NOW - 2)]);
      const reason = new Error("request closed");
      const aborted = AbortSignal.abort(reason);
      await expect(graph.neighbors("p1", { edge: "watched", signal: aborted })).rejects.toBe(reason);
      await expect(graph.countEdges("p1", { edge: "watched", signal: aborted })).rejects.toBe(reason);
      await expect(graph.countEdges("p1", { edge: "watched", verify: true, signal: aborted })).rejects.toBe(reason);
      await expect(graph.getNode("profile", "p1", { signal: aborted })).rejects.toBe(reason);
      await expect(graph.getNodes("profile", ["p1"], { signal: aborted })).rejects.toBe(reason);
      await expect(graph.traverse({ start: ["p1"], hops: [{ edge: "watched" }], signal: aborted })).rejects.toBe(reason);
      // Aborted part way: the reads after the abort are not made.
      const controller = new AbortController();
      let reads = 0;
      const counting = overriding(kv, {
        getItems: (...args: Parameters<KvStore["getItems"]>) => {
          if (++reads === 2) controller.abort(reason);
          return kv.getItems(...args);
        },
      });
      const g = new GraphStore({ kv: counting, schema: memberJourneySchema, now: () => NOW });
      await g.ready();
      reads = 0;
      await expect(g.neighbors("p1", { edge: "watched", signal: controller.signal })).rejects.toBe(reason);
      expect(reads).toBeLessThanOrEqual(3);
      // A signal that never aborts changes nothing.
      expect((await graph.neighbors("p1", { edge: "watched", signal: new AbortController().signal })).edges).toHaveLength(2);
    });

    it("refuses bad queries with a message that says what to change", async () => {
      await expect(graph.neighbors("p1", { edge: "liked" })).rejects.toThrow(/unknown edge "liked"; known: hasProfile/);
      await expect(graph.neighbors("p1", { edge: "watched", limit: 0 })).rejects.toThrow(/limit 0/);
      await expect(graph.traverse({ start: ["p1"], hops: Array(5).fill({ edge: "watched" }) })).rejects.toThrow(/1 to 4 hops/);
      await expect(graph.neighbors("", { edge: "watched" })).rejects.toThrow(/nodeId/);
    });
  });
}
