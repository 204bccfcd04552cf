import type { GraphStore } from "@rdg/graph";
import { openEmbeddedGraph } from "../open-graph.js";
import { fmt } from "../progress.js";
import { runGeneratorJob } from "./run-generator-job.js";

/** Options of `rdg demo`. */
export interface DemoOptions {
  readonly path: string;
  readonly events: number;
  readonly accounts: number;
  readonly sessions: number;
  readonly keep: boolean;
  readonly noSync: boolean;
}

async function timed<T>(label: string, run: () => Promise<T>, show: (value: T) => string): Promise<T> {
  const started = performance.now();
  const value = await run();
  const ms = performance.now() - started;
  console.log(`\n> ${label}   (${ms.toFixed(2)} ms)\n  ${show(value).split("\n").join("\n  ")}`);
  return value;
}

/** Picks a profile that used more than one device: the journey of the seed article. */
async function pickJourney(graph: GraphStore, title: string): Promise<string | undefined> {
  const viewers = await graph.neighbors(title, { edge: "watchedBy", limit: 200 });
  for (const v of viewers.edges) {
    const devices = await graph.countEdges(v.other, { edge: "usesDevice" });
    if (devices.count > 1) return v.other;
  }
  return viewers.edges[0]?.other;
}

/** `rdg demo`: generate member journeys, ingest into LMDB, then ask the graph questions. */
export async function demoCommand(o: DemoOptions): Promise<void> {
  // Only an RDG graph is reset, and only its files: never a directory rdg did not create.
  const { kv, graph } = openEmbeddedGraph(o.path, { access: o.keep ? "write" : "fresh", noSync: o.noSync });
  try {
    console.log(`RDG demo: ${fmt(o.events)} synthetic member events -> graph on LMDB at ${o.path}${o.noSync ? " (noSync)" : ""}`);
    const run = await runGeneratorJob(graph, { events: o.events, generator: { accounts: o.accounts, concurrentSessions: o.sessions, startTime: Date.now() - 6 * 3_600_000 } });
    const m = run.metrics;

    console.log("\nExample queries on the graph just written:");
    await timed("node title t0 (the most popular title)", () => graph.getNode("title", "t0"), (n) => JSON.stringify(n?.props));
    await timed("how many profiles watched t0 (edge count, no scan)", () => graph.countEdges("t0", { edge: "watchedBy" }), (c) => fmt(c.count));
    await timed("the 5 latest viewers of t0", () => graph.neighbors("t0", { edge: "watchedBy", limit: 5 }), (p) =>
      p.edges.map((e) => `${e.other} at ${new Date(e.time).toISOString()} on ${String(e.props.deviceId)}, position ${String(e.props.positionSec)} s`).join("\n"));
    const profile = await pickJourney(graph, "t0");
    if (profile !== undefined) {
      await timed(`devices profile ${profile} used`, () => graph.neighbors(profile, { edge: "usesDevice" }), (p) =>
        p.edges.map((e) => `${e.other} last seen ${new Date(Number(e.props.lastSeen)).toISOString()}`).join("\n"));
      await timed(`titles profile ${profile} watched, newest first`, () => graph.neighbors(profile, { edge: "watched", limit: 5 }), (p) =>
        p.edges.map((e) => `${e.other} on ${String(e.props.deviceId)}${e.props.completed === true ? ", finished" : ""}`).join("\n") || "(none)");
      await timed(`2 hops: games based on titles ${profile} watched`, () => graph.traverse({ start: [profile], hops: [{ edge: "watched" }, { edge: "hasGame" }] }), (r) =>
        `${r.levels[1]?.nodes.slice(0, 10).join(", ") || "(none)"}  partial=${r.partial}`);
      await timed(`3 hops: what co-viewers of ${profile}'s titles watched (recommendation candidates)`, () =>
        graph.traverse({ start: [profile], hops: [{ edge: "watched" }, { edge: "watchedBy" }, { edge: "watched" }], limits: { default: 50 }, deadlineMs: 500 }), (r) =>
        `${fmt(r.levels[1]?.nodes.length ?? 0)} co-viewers, ${fmt(r.levels[2]?.nodes.length ?? 0)} other titles, e.g. ${r.levels[2]?.nodes.slice(0, 8).join(", ")}  partial=${r.partial}`);
    }

    const coalescing = m.eventsIn / Math.max(1, m.mutationsWritten);
    console.log(`\nThroughput: ${fmt(m.eventsIn / run.seconds)} events/s, ${fmt(m.mutationsWritten / run.seconds)} graph mutations/s, ${fmt(m.kvOperations / run.seconds)} KV operations/s`);
    console.log(`Coalescing: ${coalescing.toFixed(2)} events per stored mutation (${fmt(m.mutationsMapped)} mapped -> ${fmt(m.mutationsWritten)} written); dead letters: ${m.deadLetters}`);
    console.log(`Run 'node apps/rdg/dist/cli.js query --path ${o.path} neighbors t0 --edge watchedBy' to ask more.`);
  } finally {
    await kv.close();
  }
}
