import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GraphStore, graphNamespaces } from "@rdg/graph";
import { GENERATOR_VALIDATION, GeneratorSource, IngestJob, MemberJourneyGenerator, MemoryDeadLetterSink, mapMemberEvent, memberEventTime } from "@rdg/ingest";
import { LmdbKvStore } from "@rdg/kv-lmdb";
import { memberJourneySchema } from "@rdg/model";

/**
 * Events the query scenarios load: the issue asks for a graph of at least 1M generated events
 * (RDG_BENCH_QUERY_EVENTS lowers it for a quick check of the scenario itself, never for a result).
 */
export const QUERY_GRAPH_EVENTS: number = Number(process.env.RDG_BENCH_QUERY_EVENTS ?? 1_000_000);

/** A loaded graph directory and what the raw side needs to find its newest records. */
export interface QueryGraph {
  readonly path: string;
  readonly events: number;
  readonly loadSeconds: number;
  /** The generator's simulated clock when loading ended: the newest bucket's time. */
  readonly clock: number;
  readonly generator: Readonly<Record<string, unknown>>;
}

let loaded: Promise<QueryGraph> | undefined;

/** Opens the member-journey graph on LMDB at `path` (fsync off: loading speed is not measured here). */
export function openQueryGraph(path: string): { kv: LmdbKvStore; graph: GraphStore } {
  const kv = new LmdbKvStore({ path, namespaces: graphNamespaces(memberJourneySchema), noSync: true });
  return { kv, graph: new GraphStore({ kv, schema: memberJourneySchema }) };
}

async function load(progress: (text: string) => void): Promise<QueryGraph> {
  const path = mkdtempSync(join(tmpdir(), "rdg-bench-query-graph-"));
  // Kept for the rest of this run only (query-http and query-inprocess share it), never across runs.
  process.once("exit", () => rmSync(path, { recursive: true, force: true }));
  const started = performance.now();
  const { kv, graph } = openQueryGraph(path);
  try {
    const generator = new MemberJourneyGenerator({ startTime: Date.now() - 6 * 3_600_000 });
    const catalog = [...generator.catalog()];
    for (let i = 0; i < catalog.length; i += 20_000) await graph.write(catalog.slice(i, i + 20_000));
    // The ingestion job, as `rdg ingest --source generator` runs it.
    const job = new IngestJob({
      name: "query-graph",
      source: new GeneratorSource(generator, { maxEvents: QUERY_GRAPH_EVENTS }),
      map: mapMemberEvent,
      graph,
      deadLetters: new MemoryDeadLetterSink(),
      eventTime: memberEventTime,
      validation: GENERATOR_VALIDATION,
      onProgress: (m) => progress(`loading the graph: ${m.eventsIn.toLocaleString("en-US")} of ${QUERY_GRAPH_EVENTS.toLocaleString("en-US")} events`),
    });
    const metrics = await job.run();
    return { path, events: metrics.eventsIn, loadSeconds: (performance.now() - started) / 1000, clock: generator.clock, generator: { ...generator.options } };
  } finally {
    await kv.close();
  }
}

/** The graph of 1M generated events, loaded once per bench run and shared by the query scenarios. */
export function queryGraph(progress: (text: string) => void): Promise<QueryGraph> {
  loaded ??= load(progress);
  return loaded;
}
