import { fork } from "node:child_process";
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer } from "@rdg/server";
import type { ChildLoad, ChildOutcome, ChildRequest } from "./query-load-child.js";
import { openQueryGraph, queryGraph } from "./query-graph.js";
import type { Scenario } from "./scenario.js";

const CONNECTIONS = 10;
const ROUNDS = 2;
const IDS = 1000;
const REQUESTS = 4000;
const KINDS = ["node", "1-hop", "2-hop", "3-hop"] as const;
type Kind = (typeof KINDS)[number];

/** Runs autocannon in a child process against `url` and returns what it measured. */
function loadInChild(load: ChildLoad): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL("./query-load-child.js", import.meta.url), { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    child.once("message", (m: { outcome?: ChildOutcome; error?: string }) => (m.outcome === undefined ? reject(new Error(`load child: ${m.error}`)) : resolve(m.outcome)));
    child.once("exit", (code) => code !== 0 && reject(new Error(`load child exited ${code}`)));
    child.send(load);
  });
}

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** The ceiling: plain node:http answering every request with one fixed JSON body. */
function fixedBodyServer(body: Buffer): Server {
  return createHttpServer((req, res) => {
    req.resume();
    req.once("end", () => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": body.length });
      res.end(body);
    });
  });
}

/** Requests of one kind, on real ids, in a fixed order both sides get. */
function requestsOf(kind: Kind, titles: readonly string[], popular: readonly string[], profiles: readonly string[]): ChildRequest[] {
  const at = <T>(list: readonly T[], i: number): T => list[(i * 7919) % list.length]!;
  const steps = [{ edgeType: "watched", limit: 50 }, { edgeType: "watchedBy", limit: 20 }, { edgeType: "watched", limit: 10 }];
  return Array.from({ length: REQUESTS }, (_, i): ChildRequest => {
    switch (kind) {
      case "node": return { method: "GET", path: i % 2 === 0 ? `/v1/nodes/title/${at(titles, i)}` : `/v1/nodes/profile/${at(profiles, i)}` };
      case "1-hop": return { method: "GET", path: `/v1/nodes/title/${at(popular, i)}/edges/watchedBy?limit=50` };
      case "2-hop": return { method: "POST", path: "/v1/traverse", body: JSON.stringify({ start: { type: "profile", id: at(profiles, i) }, steps: steps.slice(0, 2) }) };
      case "3-hop": return { method: "POST", path: "/v1/traverse", body: JSON.stringify({ start: { type: "profile", id: at(profiles, i) }, steps }) };
    }
  });
}

/** The answer of median size among the first requests: the ceiling returns these bytes. */
async function typicalAnswer(url: string, requests: readonly ChildRequest[]): Promise<{ body: Buffer; partial: number; edges: number }> {
  const answers: Buffer[] = [];
  let partial = 0;
  let edges = 0;
  for (const r of requests.slice(0, 40)) {
    const res = await fetch(`${url}${r.path}`, r.body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: r.body });
    if (!res.ok) throw new Error(`${r.method} ${r.path} answered ${res.status}: ${await res.text()}`);
    const body = Buffer.from(await res.arrayBuffer());
    const parsed = JSON.parse(body.toString()) as { partial?: boolean; levels?: { edges: unknown[] }[]; edges?: unknown[] };
    if (parsed.partial === true) partial++;
    edges += parsed.levels?.reduce((n, l) => n + l.edges.length, 0) ?? parsed.edges?.length ?? 0;
    answers.push(body);
  }
  answers.sort((a, b) => a.length - b.length);
  return { body: answers[answers.length >> 1]!, partial, edges: edges / answers.length };
}

const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Medians over rounds of each figure of a side. */
const medianOutcome = (list: readonly ChildOutcome[]): ChildOutcome => ({
  rps: median(list.map((o) => o.rps)), p50: median(list.map((o) => o.p50)), p90: median(list.map((o) => o.p90)), p99: median(list.map((o) => o.p99)), max: Math.max(...list.map((o) => o.max)),
  answered: list.reduce((n, o) => n + o.answered, 0), non2xx: list.reduce((n, o) => n + o.non2xx, 0), errors: list.reduce((n, o) => n + o.errors, 0), bytesPerAnswer: median(list.map((o) => o.bytesPerAnswer)),
});

/** How fast this process turns a parsed answer back into JSON: part of what a cached answer still costs. */
function stringifyRate(body: Buffer): number {
  const value: unknown = JSON.parse(body.toString());
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < 500) {
    for (let i = 0; i < 100; i++) JSON.stringify(value);
    n += 100;
  }
  return n / ((performance.now() - started) / 1000);
}

/** Cache hits over cacheable reads, from the server's own counters. */
async function cacheHitRate(url: string): Promise<{ hits: number; misses: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = (name: string) => [...text.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\d+)`, "gm"))].reduce((n, m) => n + Number(m[1]), 0);
  return { hits: sum("rdg_server_cache_hits_total"), misses: sum("rdg_server_cache_misses_total") };
}

/**
 * The query server over HTTP on a graph of 1M generated events (LMDB), loaded by autocannon in a
 * child process, beside a plain node:http server answering a fixed body of the same size, loaded
 * the same way in the same run: node get, 1-hop (a title's 50 latest viewers), 2-hop and 3-hop
 * (50 / 20 / 10) from a profile; then 1-hop and 3-hop at half their maximum rate for p99.
 */
export const queryHttpScenario: Scenario = async (s) => {
  const loadedGraph = await queryGraph(s.progress);
  const { kv, graph } = openQueryGraph(loadedGraph.path);
  const limits = { maxTraversalEdges: 20_000 };
  const cached = createServer({ graph, limits, processMetrics: false });
  const uncached = createServer({ graph, limits, processMetrics: false, cache: { maxEntries: 0 } });
  const ceilings: Server[] = [];
  try {
    await cached.listen({ host: "127.0.0.1", port: 0 });
    await uncached.listen({ host: "127.0.0.1", port: 0 });
    const url = `http://127.0.0.1:${(cached.server.address() as AddressInfo).port}`;
    const storeUrl = `http://127.0.0.1:${(uncached.server.address() as AddressInfo).port}`;
    // Real ids through the server's own paths: titles that exist, and profiles that watched them.
    const batch = (await (await fetch(`${url}/v1/nodes/batch`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ nodes: Array.from({ length: IDS }, (_, i) => ({ type: "title", id: `t${i}` })) }) })).json()) as { nodes: ({ id: string } | null)[] };
    const titles = batch.nodes.flatMap((n) => (n === null ? [] : [n.id]));
    const seen = new Set<string>();
    // 1-hop reads "a title's 50 latest viewers": titles with at least 50 (the generator's
    // popularity is Zipf, so most of the catalogue has fewer in the lookback).
    const popular: string[] = [];
    for (const t of titles.slice(0, 200)) {
      const page = (await (await fetch(`${url}/v1/nodes/title/${t}/edges/watchedBy?limit=50`)).json()) as { edges: { other: string }[] };
      for (const e of page.edges) seen.add(e.other);
      if (page.edges.length === 50) popular.push(t);
    }
    if (popular.length < 10) throw new Error(`only ${popular.length} titles have 50 viewers; load more events`);
    const profiles = [...seen].slice(0, IDS);
    const phaseSec = Math.max(2, Math.round(s.seconds / (KINDS.length * ROUNDS * 2 + 2 * ROUNDS + 2)));
    const figures: Record<string, { value: number; unit: string }> = {};
    const ratios: Record<string, number> = {};
    const notes: string[] = [];
    const results = new Map<Kind, { ours: ChildOutcome; ceiling: ChildOutcome; requests: ChildRequest[] }>();
    for (const kind of KINDS) {
      const requests = requestsOf(kind, titles, popular, profiles);
      const typical = await typicalAnswer(url, requests);
      const ceiling = fixedBodyServer(typical.body);
      ceilings.push(ceiling);
      const ceilingUrl = await listen(ceiling);
      const ours: ChildOutcome[] = [];
      const plain: ChildOutcome[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        s.progress(`query-http: ${kind}, node:http ceiling, round ${r + 1}`);
        plain.push(await loadInChild({ url: ceilingUrl, connections: CONNECTIONS, durationSec: phaseSec, requests }));
        s.progress(`query-http: ${kind}, rdg server, round ${r + 1}`);
        ours.push(await loadInChild({ url, connections: CONNECTIONS, durationSec: phaseSec, requests }));
      }
      const o = medianOutcome(ours);
      const c = medianOutcome(plain);
      results.set(kind, { ours: o, ceiling: c, requests });
      figures[`${kind}: rdg server req/s`] = { value: o.rps, unit: "req/s" };
      figures[`${kind}: rdg server p50`] = { value: o.p50, unit: "ms" };
      figures[`${kind}: rdg server p99`] = { value: o.p99, unit: "ms" };
      figures[`${kind}: node:http req/s`] = { value: c.rps, unit: "req/s" };
      figures[`${kind}: node:http p50`] = { value: c.p50, unit: "ms" };
      figures[`${kind}: node:http p99`] = { value: c.p99, unit: "ms" };
      figures[`${kind}: answer size`] = { value: typical.body.length, unit: "bytes" };
      if (kind !== "node") figures[`${kind}: edges per answer`] = { value: typical.edges, unit: "edges" };
      if (kind === "1-hop") figures["1-hop: JSON.stringify of the answer, in-process"] = { value: stringifyRate(typical.body), unit: "calls/s" };
      if (typical.partial > 0) notes.push(`${kind}: ${typical.partial} of 40 sampled answers were partial (cut by a limit or the deadline).`);
      if (o.non2xx + o.errors > 0) notes.push(`${kind}: ${o.non2xx} non-2xx answers and ${o.errors} errors under load.`);
      if (kind !== "node") ratios[`${kind} / node:http`] = o.rps / c.rps;
      else ratios["node get / node:http"] = o.rps / c.rps;
      ceiling.close();
    }
    const hits = await cacheHitRate(url);
    figures["cache hit rate (default cache, all kinds)"] = { value: (hits.hits / Math.max(1, hits.hits + hits.misses)) * 100, unit: "%" };
    // The store path: the same requests with the cache off.
    for (const kind of ["node", "1-hop"] as const) {
      const { requests, ceiling } = results.get(kind)!;
      const runs: ChildOutcome[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        s.progress(`query-http: ${kind}, rdg server without cache, round ${r + 1}`);
        runs.push(await loadInChild({ url: storeUrl, connections: CONNECTIONS, durationSec: phaseSec, requests }));
      }
      const o = medianOutcome(runs);
      figures[`${kind} (cache off): rdg server req/s`] = { value: o.rps, unit: "req/s" };
      figures[`${kind} (cache off): rdg server p50`] = { value: o.p50, unit: "ms" };
      figures[`${kind} (cache off): rdg server p99`] = { value: o.p99, unit: "ms" };
      ratios[`${kind} (cache off) / node:http`] = o.rps / ceiling.rps;
    }
    // p99 at half of the maximum rate (autocannon's overallRate), where a rollout would run.
    const half: Partial<Record<Kind, ChildOutcome>> = {};
    for (const kind of ["1-hop", "3-hop"] as const) {
      const { ours, requests } = results.get(kind)!;
      const rate = Math.max(1, Math.round(ours.rps / 2));
      s.progress(`query-http: ${kind} at ${rate} req/s`);
      half[kind] = await loadInChild({ url, connections: CONNECTIONS, durationSec: phaseSec * 2, rate, requests });
      figures[`${kind} at half the max rate: rate`] = { value: half[kind]!.rps, unit: "req/s" };
      figures[`${kind} at half the max rate: p50`] = { value: half[kind]!.p50, unit: "ms" };
      figures[`${kind} at half the max rate: p99`] = { value: half[kind]!.p99, unit: "ms" };
    }
    const oneHop = results.get("1-hop")!;
    const targets = {
      "1-hop req/s >= 50% of node:http": { target: 0.5, actual: ratios["1-hop / node:http"]!, met: ratios["1-hop / node:http"]! >= 0.5 },
      "1-hop p99 <= 10 ms at half the max rate": { target: 10, actual: half["1-hop"]!.p99, met: half["1-hop"]!.p99 <= 10 },
      "3-hop p99 <= 50 ms at half the max rate": { target: 50, actual: half["3-hop"]!.p99, met: half["3-hop"]!.p99 <= 50 },
    };
    const t = targets;
    if (!t["1-hop req/s >= 50% of node:http"].met) notes.push(`Missed: 1-hop reached ${(t["1-hop req/s >= 50% of node:http"].actual * 100).toFixed(1)}% of node:http's req/s, ${((0.5 - t["1-hop req/s >= 50% of node:http"].actual) * 100).toFixed(1)} points short of 50%. Both sides send the same bytes, and a cache hit writes the page's serialized bytes as node:http does; the cached server still routes, checks the request against the schema, runs its hooks (request signal, auth, metrics) and looks the page up.`);
    if (!t["1-hop p99 <= 10 ms at half the max rate"].met) notes.push(`Missed: 1-hop p99 at half the max rate was ${t["1-hop p99 <= 10 ms at half the max rate"].actual.toFixed(1)} ms, ${(t["1-hop p99 <= 10 ms at half the max rate"].actual - 10).toFixed(1)} ms over 10 ms.`);
    if (!t["3-hop p99 <= 50 ms at half the max rate"].met) notes.push(`Missed: 3-hop p99 at half the max rate was ${t["3-hop p99 <= 50 ms at half the max rate"].actual.toFixed(1)} ms, ${(t["3-hop p99 <= 50 ms at half the max rate"].actual - 50).toFixed(1)} ms over 50 ms; a 3-hop answer is ~${Math.round(figures["3-hop: answer size"]!.value / 1024)} KiB (${Math.round(figures["3-hop: edges per answer"]!.value).toLocaleString("en-US")} edges).`);
    notes.unshift(
      `Graph: ${loadedGraph.events.toLocaleString("en-US")} generated events through the ingestion job (as rdg ingest --source generator), LMDB without fsync, loaded in ${loadedGraph.loadSeconds.toFixed(0)} s.`,
      `Cores: the servers (rdg's fastify server and the node:http ceiling) run in the bench process; autocannon runs in a child process (fork), so each has a core of the two; the load generator's own CPU still limits the fastest side (node:http, ~${Math.round(oneHop.ceiling.rps).toLocaleString("en-US")} req/s with the 1-hop body).`,
      `Each side gets the same ${REQUESTS} requests in the same order (node gets on ${titles.length} titles and ${profiles.length} profiles; 1-hop on the ${popular.length} titles among the first 200 with at least 50 viewers; traversals from the profiles), ${CONNECTIONS} connections, ${phaseSec} s a phase, ${ROUNDS} rounds interleaved (ceiling, ours); figures are medians of the rounds. The ceiling answers with the median-size real answer of its kind.`,
      "Server figures without '(cache off)' are with the default cache (nodes and first pages kept 1 s): node gets and 1-hop pages repeat ids and are mostly cache hits; the '(cache off)' server reads the store every time. Traversals are never cached.",
      "Traversals start at profiles among popular titles' latest viewers; a generated profile watched few titles in the lookback, so a 3-hop answer reaches far fewer edges than its 11,050 bound (edges per answer above).",
      "3-hop (50/20/10) reads up to 11,050 edges, over the default maxTraversalEdges of 10,000: both servers run with 20,000.",
      "Latencies are exact per request (send to last byte), from autocannon's response events; at half rate they are not corrected for coordinated omission.",
    );
    return {
      scenario: "query-http",
      settings: { seconds: s.seconds, phaseSec, rounds: ROUNDS, connections: CONNECTIONS, events: loadedGraph.events, limits, generator: loadedGraph.generator },
      figures,
      ratios,
      targets,
      notes,
    };
  } finally {
    for (const c of ceilings) c.close();
    await cached.close();
    await uncached.close();
    await kv.close();
  }
};
