import { fork } from "node:child_process";
import { join } from "node:path";
import { GraphStore, graphNamespaces } from "@rdg/graph";
import { GENERATOR_VALIDATION, GeneratorSource, IngestJob, MemberJourneyGenerator, MemoryDeadLetterSink, mapMemberEvent, memberEventTime, type JobMetrics } from "@rdg/ingest";
import type { KvStore } from "@rdg/kv";
import { LmdbKvStore } from "@rdg/kv-lmdb";
import { RedisKvStore } from "@rdg/kv-redis";
import { memberJourneySchema } from "@rdg/model";
import { dropKeysAt } from "../drivers/redis-keys.js";
import type { ReaderOutcome, ReaderTask } from "./mixed-load-reader-child.js";
import type { Scenario, ScenarioSettings } from "./scenario.js";

const REDIS_URL = process.env.RDG_BENCH_REDIS_URL ?? "redis://127.0.0.1:16379";
/** Netflix's mix: about one read to three writes. */
const READS_PER_WRITE = 1 / 3;
/** Reads run at most at this share of what they reach alone, so "reads alone" measures latency, not a queue. */
const READ_LOAD_CAP = 0.3;
const HOT_TITLES = 20;
const LIMIT = 50;
const NAMESPACES = graphNamespaces(memberJourneySchema);

interface Store {
  readonly label: string;
  /** How the reader process opens the same store. */
  readonly reader: ReaderTask["store"];
  readonly kv: KvStore;
  readonly about: string;
  close(): Promise<void>;
}

async function openStore(kind: "lmdb" | "redis", s: ScenarioSettings): Promise<Store> {
  if (kind === "lmdb") {
    const path = join(s.dataDir, "mixed-graph");
    const kv = new LmdbKvStore({ path, namespaces: NAMESPACES, noSync: !s.sync });
    return { label: "LMDB", kv, reader: { kind: "lmdb", path }, about: `LMDB, fsync at commit ${s.sync ? "on" : "off"}`, close: () => kv.close() };
  }
  const keyPrefix = `rdg-bench-mixed-${Date.now().toString(36)}:`;
  const kv = new RedisKvStore({ url: REDIS_URL, keyPrefix, namespaces: NAMESPACES });
  return {
    label: "Redis", kv, reader: { kind: "redis", url: REDIS_URL, keyPrefix }, about: `Redis single node (${REDIS_URL}), a key prefix of its own, removed afterwards`,
    close: async () => {
      await kv.close();
      await dropKeysAt(REDIS_URL, `${keyPrefix}*`);
    },
  };
}

/** Runs a read task in a child process of its own (the query side of a deployment), so reads and the ingestion job do not share an event loop. */
function inReader(task: ReaderTask): Promise<ReaderOutcome> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL("./mixed-load-reader-child.js", import.meta.url), { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let settled = false;
    child.once("message", (m: { outcome?: ReaderOutcome; error?: string }) => {
      settled = true;
      if (m.outcome !== undefined) resolve(m.outcome);
      else reject(new Error(`[bench] mixed-load reader: ${m.error ?? "no answer"}`));
    });
    // "exit" can come before the last message is delivered: wait for the channel to drain.
    child.once("exit", (code) => setTimeout(() => {
      if (!settled) reject(new Error(`[bench] mixed-load reader exited with ${String(code)} before answering`));
    }, 500));
    child.send(task);
  });
}

async function ingest(graph: GraphStore, generator: MemberJourneyGenerator, ms: number): Promise<{ m: JobMetrics; seconds: number }> {
  const started = performance.now();
  const m = await new IngestJob({
    name: "mixed-load", source: new GeneratorSource(generator, { durationMs: ms }), map: mapMemberEvent, graph,
    deadLetters: new MemoryDeadLetterSink(), eventTime: memberEventTime, validation: GENERATOR_VALIDATION,
  }).run();
  return { m, seconds: (performance.now() - started) / 1000 };
}

/** One store: writes alone, reads alone, then both at once, in this process. */
async function onStore(kind: "lmdb" | "redis", s: ScenarioSettings, phaseMs: number): Promise<{ figures: Record<string, { value: number; unit: string }>; ratios: Record<string, number>; note: string }> {
  const store = await openStore(kind, s);
  const L = store.label;
  try {
    const graph = new GraphStore({ kv: store.kv, schema: memberJourneySchema });
    const generator = new MemberJourneyGenerator({ seed: 42, startTime: Date.now() - 6 * 3_600_000 });
    const catalog = [...generator.catalog()];
    for (let i = 0; i < catalog.length; i += 20_000) await graph.write(catalog.slice(i, i + 20_000));
    s.progress(`mixed-load ${L}: loading a graph to read`);
    await ingest(graph, generator, phaseMs / 2);
    const profiles = new Set<string>();
    for (let t = 0; t < HOT_TITLES; t++) for (const e of (await graph.neighbors(`t${t}`, { edge: "watchedBy", limit: LIMIT })).edges) profiles.add(e.other);
    if (profiles.size === 0) throw new Error(`[bench] mixed-load ${L}: the loaded graph has no viewers of the hot titles`);
    const task = (mode: ReaderTask["mode"], perSecond: number, ms: number): Promise<ReaderOutcome> => inReader({ store: store.reader, mode, perSecond, ms, hotTitles: HOT_TITLES, limit: LIMIT, profiles: [...profiles].slice(0, 500) });
    s.progress(`mixed-load ${L}: writes alone`);
    const writesAlone = await ingest(graph, generator, phaseMs);
    const wAlone = writesAlone.m.mutationsWritten / writesAlone.seconds;
    s.progress(`mixed-load ${L}: how fast reads go alone`);
    const maxReads = (await task("probe", 0, Math.min(3000, phaseMs / 3))).rate;
    const readRate = Math.max(10, Math.min(wAlone * READS_PER_WRITE, maxReads * READ_LOAD_CAP));
    s.progress(`mixed-load ${L}: reads alone at ${Math.round(readRate)}/s`);
    const readsAlone = await task("open", readRate, phaseMs);
    s.progress(`mixed-load ${L}: writes and reads together`);
    const [together, readsUnder] = await Promise.all([ingest(graph, generator, phaseMs), task("open", readRate, phaseMs)]);
    const wUnder = together.m.mutationsWritten / together.seconds;
    const f = (value: number, unit: string) => ({ value, unit });
    return {
      figures: {
        [`${L}: read p50 alone`]: f(readsAlone.p50, "ms"),
        [`${L}: read p50 under writes`]: f(readsUnder.p50, "ms"),
        [`${L}: read p99 alone`]: f(readsAlone.p99, "ms"),
        [`${L}: read p99 under writes`]: f(readsUnder.p99, "ms"),
        [`${L}: graph mutations alone`]: f(wAlone, "mutations/s"),
        [`${L}: graph mutations under reads`]: f(wUnder, "mutations/s"),
        [`${L}: events/s, writes alone`]: f(writesAlone.m.eventsIn / writesAlone.seconds, "events/s"),
        [`${L}: events/s, under reads`]: f(together.m.eventsIn / together.seconds, "events/s"),
        [`${L}: reads/s, alone`]: f(readsAlone.rate, "reads/s"),
        [`${L}: reads/s, under writes`]: f(readsUnder.rate, "reads/s"),
        [`${L}: reads/s, closed loop alone (16 in flight)`]: f(maxReads, "reads/s"),
        [`${L}: reads per graph mutation, together`]: f(readsUnder.rate / wUnder, "reads/mutation"),
        [`${L}: read errors`]: f(readsAlone.errors + readsUnder.errors, "reads"),
      },
      ratios: {
        [`${L}: writes under reads / writes alone`]: wUnder / wAlone,
        [`${L}: read p50 alone / under writes`]: readsAlone.p50 / readsUnder.p50,
        [`${L}: read p99 alone / under writes`]: readsAlone.p99 / readsUnder.p99,
      },
      note: `${L} (${store.about}): reads at ${Math.round(readRate).toLocaleString("en-US")}/s, ${readRate < wAlone * READS_PER_WRITE - 1 ? `below one read to three writes (${Math.round(wAlone * READS_PER_WRITE).toLocaleString("en-US")}/s) because reads alone reach ${Math.round(maxReads).toLocaleString("en-US")}/s and are held to ${READ_LOAD_CAP * 100}% of that so the latency is not a queue's` : "one read to three graph mutations of the writes-alone rate"}.`,
    };
  } finally {
    await store.close();
  }
}

/**
 * Ingestion writes while reads run at about one read to three writes (Netflix's ratio), on LMDB
 * and on Redis, all in this process: read latencies under write load beside reads alone, and
 * the write rate under read load beside writes alone, each pair measured in the same run.
 */
export const mixedLoadScenario: Scenario = async (s) => {
  const phaseMs = (s.seconds * 1000) / 2 / 3.5;
  const figures: Record<string, { value: number; unit: string }> = {};
  const ratios: Record<string, number> = {};
  const notes: string[] = [
    "Writes: the ingestion job (IngestJob, rdg ingest's defaults: coalescing, batches of up to 100,000 mutations, 2 in flight) with the in-process member-journey generator. Reads: in a child process of their own (the query side of a deployment: its own event loop and store client; LMDB opened on the same directory, Redis on the same key prefix), straight on GraphStore (no HTTP): 30% a hot title's 50 latest viewers, 30% a viewer's 50 latest titles, 20% a title by id, 20% a profile by id (a TAO-like mix of neighbour reads and node gets). Reads are issued at a fixed rate (open loop) and timed from when each was due.",
    "Phases per store, each the same length: load (untimed), writes alone, a short closed-loop probe of how fast reads go alone, reads alone at the chosen rate, then writes and reads together at that rate. Ratios: writes under reads over writes alone, and read latency alone over under writes (100% = no cost).",
    "The writer process, the reader process and the store (Redis) share the machine's 2 cores with other agents' work: on a machine where each has its cores, reads under writes suffer less.",
  ];
  for (const kind of ["lmdb", "redis"] as const) {
    const r = await onStore(kind, s, phaseMs);
    Object.assign(figures, r.figures);
    Object.assign(ratios, r.ratios);
    notes.push(r.note);
  }
  return { scenario: "mixed-load", settings: { seconds: s.seconds, sync: s.sync, phaseSeconds: phaseMs / 1000, readsPerWrite: READS_PER_WRITE, readLoadCap: READ_LOAD_CAP, hotTitles: HOT_TITLES, limit: LIMIT, reads: "GraphStore in a child process" }, figures, ratios, targets: {}, notes };
};
