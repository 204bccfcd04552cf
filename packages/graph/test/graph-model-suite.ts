import { describe, expect, it } from "vitest";
import { memberJourneySchema, mergeMutations, mutationKey, seededRandom, type Mutation } from "@rdg/model";
import { GraphStore, type GraphEdge } from "../src/index.js";
import type { GraphTestStore } from "./support/graph-stores.js";
import { ReferenceGraph, type RefEdge } from "./support/reference-graph.js";

const MINUTE = 60_000;
const NOW = Date.UTC(2026, 10, 25, 12);
const BASE = NOW - 12 * 60 * MINUTE;
const PROFILES = ["p0", "p1", "p2", "p3", "prófile-ü"];
const TITLES = ["t0", "t1", "t2", "t3"];
const GAMES = ["g0", "g1"];
const DEVICES = ["tv", "phone", "tablet"];

/**
 * Random mutations over few nodes and coarse times (10-minute steps over 12 hours, hour
 * buckets), so ties, out-of-order updates, deletes and edges moving between buckets all meet.
 */
export function randomMutations(seed: number, count: number): Mutation[] {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const time = (): number => BASE + Math.floor(rnd() * 73) * 10 * MINUTE;
  const out: Mutation[] = [];
  while (out.length < count) {
    const r = rnd();
    if (r < 0.45) {
      const props: Record<string, string | number | boolean> = { deviceId: pick(DEVICES), positionSec: Math.floor(rnd() * 4) * 100 };
      if (rnd() < 0.5) props["completed"] = rnd() < 0.5;
      if (rnd() < 0.2) {
        // A partial update names only some properties; the others keep their values.
        delete props[rnd() < 0.5 ? "deviceId" : "positionSec"];
        out.push({ op: "upsertEdge", type: "watched", from: pick(PROFILES), to: pick(TITLES), time: time(), props, partial: true });
      } else {
        out.push({ op: "upsertEdge", type: "watched", from: pick(PROFILES), to: pick(TITLES), time: time(), props });
      }
    } else if (r < 0.6) {
      out.push({ op: "deleteEdge", type: "watched", from: pick(PROFILES), to: pick(TITLES), time: time() });
    } else if (r < 0.82) {
      const props: Record<string, string> = { name: pick(["Dark", "Ozark", "Narcos"]), kind: pick(["series", "film"]) };
      if (rnd() < 0.5) props["genre"] = pick(["drama", "crime"]);
      if (rnd() < 0.2) out.push({ op: "upsertNode", type: "title", id: pick(TITLES), time: time(), props: { genre: pick(["drama", "crime"]) }, partial: true });
      else out.push({ op: "upsertNode", type: "title", id: pick(TITLES), time: time(), props });
    } else if (r < 0.87) {
      out.push({ op: "deleteNode", type: "title", id: pick(TITLES), time: time() });
    } else if (r < 0.95) {
      out.push({ op: "upsertEdge", type: "basedOn", from: pick(GAMES), to: pick(TITLES), time: time() });
    } else {
      out.push({ op: "deleteEdge", type: "basedOn", from: pick(GAMES), to: pick(TITLES), time: time() });
    }
    if (rnd() < 0.05) out.push(out[out.length - 1]!); // a duplicate delivery
  }
  return out;
}

function shuffled<T>(xs: readonly T[], rnd: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function chunks<T>(xs: readonly T[], rnd: () => number, max: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; ) {
    const n = 1 + Math.floor(rnd() * max);
    out.push(xs.slice(i, i + n));
    i += n;
  }
  return out;
}

/** Folds each chunk the way the ingestion job's coalescer does: one mutation per key. */
function coalesced(chunk: readonly Mutation[]): Mutation[] {
  const byKey = new Map<string, Mutation>();
  for (const m of chunk) {
    const key = mutationKey(m);
    const prev = byKey.get(key);
    byKey.set(key, prev === undefined ? m : mergeMutations(prev, m));
  }
  return [...byKey.values()];
}

/** The ways one stream is delivered; each must leave a graph that reads the same. */
export function deliveries(stream: readonly Mutation[], seed: number): Record<string, Mutation[][]> {
  const rnd = seededRandom(seed ^ 0x5eed);
  return {
    "one write": [[...stream]],
    "one mutation per write": stream.map((m) => [m]),
    "shuffled, random batches": chunks(shuffled(stream, rnd), rnd, 60),
    "duplicated and shuffled": chunks(shuffled([...stream, ...stream.filter(() => rnd() < 0.3)], rnd), rnd, 25),
    "coalesced batches": chunks(shuffled(stream, rnd), rnd, 120).map(coalesced),
    "overlapping batches": chunks(shuffled(stream, rnd), rnd, 30),
  };
}

const view = (e: GraphEdge | RefEdge & { other: string }): string => JSON.stringify([e.from, e.to, e.other, e.time, Object.entries(e.props).sort()]);

function referenceExport(ref: ReferenceGraph): string[] {
  const lines: string[] = [];
  const sorted = (p: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(p).sort(([a], [b]) => (a < b ? -1 : 1)));
  for (const id of TITLES) {
    const n = ref.node("title", id);
    if (n !== undefined) lines.push(JSON.stringify({ node: "title", id, time: n.updatedAt, props: sorted(n.props) }));
  }
  const edgeLines = (type: string): string[] =>
    ref.edges(type).map((e) => JSON.stringify({ edge: type, from: e.from, to: e.to, time: e.time, props: sorted(e.props) })).sort();
  return [...lines.sort(), ...edgeLines("basedOn"), ...edgeLines("watched")];
}

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of it) out.push(line);
  return out;
}

/** Every read of `graph` against the reference: nodes, neighbours (whole, paged, windowed), counts. */
async function compareReads(graph: GraphStore, ref: ReferenceGraph, rnd: () => number): Promise<number> {
  let reads = 0;
  for (const id of TITLES) {
    const want = ref.node("title", id);
    const got = await graph.getNode("title", id);
    expect(got === undefined ? undefined : { props: got.props, updatedAt: got.updatedAt }, `node title ${id}`).toEqual(want);
    reads++;
  }
  const ends: [string, "out" | "in", string][] = [
    ...PROFILES.map((p) => ["watched", "out", p] as [string, "out" | "in", string]),
    ...TITLES.map((t) => ["watched", "in", t] as [string, "out" | "in", string]),
    ...GAMES.map((g) => ["basedOn", "out", g] as [string, "out" | "in", string]),
    ...TITLES.map((t) => ["basedOn", "in", t] as [string, "out" | "in", string]),
  ];
  for (const [type, direction, node] of ends) {
    const a = BASE + Math.floor(rnd() * 80) * 9 * MINUTE;
    const b = BASE + Math.floor(rnd() * 80) * 9 * MINUTE;
    const windows = [
      { since: 0, until: Number.MAX_SAFE_INTEGER },
      { since: Math.min(a, b), until: Math.max(a, b) + 1 },
    ];
    for (const w of windows) {
      const want = ref.neighbors(type, direction, node, w.since, w.until).map(view);
      const q = { edge: type, direction, since: w.since, until: w.until } as const;
      const whole = await graph.neighbors(node, { ...q, limit: 10_000 });
      expect(whole.edges.map(view), `${type} ${direction} of ${node} in [${w.since}, ${w.until})`).toEqual(want);
      const limit = 1 + Math.floor(rnd() * 3);
      // Page through as a client does: the same query, each page's cursor passed on.
      const paged: GraphEdge[] = [];
      let cursor: string | undefined;
      let pages = 0;
      const order = rnd() < 0.5 ? "latest" : "any";
      do {
        const page = await graph.neighbors(node, { ...q, limit, order, ...(cursor === undefined ? {} : { cursor }) });
        expect(page.edges.length).toBeLessThanOrEqual(limit);
        paged.push(...page.edges);
        cursor = page.cursor;
        pages++;
      } while (cursor !== undefined && pages < 100);
      expect(paged.map(view), `${type} ${direction} of ${node} paged by ${limit}`).toEqual(want);
      expect(await graph.countEdges(node, q), `count of ${type} ${direction} of ${node}`).toEqual({ count: want.length, verified: false });
      expect(await graph.countEdges(node, { ...q, verify: true }), `verified count of ${type} ${direction} of ${node}`).toEqual({ count: want.length, verified: true });
      reads += pages + 2;
    }
  }
  return reads;
}

/**
 * The graph against a plain reference model: random streams with ties, duplicates, deletes and
 * out-of-order times, delivered in several batchings and orders, each into an empty graph, and
 * every read compared. Then the exports of all deliveries must be byte-identical.
 */
export function graphModelSuite(store: GraphTestStore, seeds: readonly number[], count: number): void {
  describe(`graph on ${store.name} against the reference model`, () => {
    for (const seed of seeds) {
      it(`seed ${seed}: ${count} random mutations, every delivery reads as the model`, async () => {
        const stream = randomMutations(seed, count);
        const ref = new ReferenceGraph();
        ref.apply(stream);
        const wantExport = referenceExport(ref);
        const rnd = seededRandom(seed + 1);
        let written = 0;
        for (const [name, batches] of Object.entries(deliveries(stream, seed))) {
          const kv = store.open();
          try {
            const graph = new GraphStore({ kv, schema: memberJourneySchema, now: () => NOW });
            // Up to four write() calls in flight at once for the overlapping delivery, one otherwise.
            const inFlight = name.startsWith("overlapping") ? 4 : 1;
            for (let i = 0; i < batches.length; i += inFlight) {
              const group = batches.slice(i, i + inFlight);
              await Promise.all(group.map((batch) => graph.write(batch)));
              written += group.reduce((n, b) => n + b.length, 0);
            }
            try {
              await compareReads(graph, ref, rnd);
            } catch (error) {
              throw new Error(`delivery "${name}" (seed ${seed}): ${(error as Error).message}`);
            }
            expect(await collect(graph.export()), `export after "${name}"`).toEqual(wantExport);
            const stats = await graph.stats();
            expect(Object.values(stats.staleEntries).every((n) => n === 0), `one adjacency entry per live edge after "${name}": ${JSON.stringify(stats.staleEntries)}`).toBe(true);
          } finally {
            await kv.close();
          }
        }
        expect(written).toBeGreaterThanOrEqual(3000); // a few thousand mutations per store and seed
      });
    }
  });
}
