import { join } from "node:path";
import { GraphStore, graphNamespaces } from "@rdg/graph";
import { GENERATOR_VALIDATION, GeneratorSource, IngestJob, MemberJourneyGenerator, MemoryDeadLetterSink, mapMemberEvent, memberEventTime } from "@rdg/ingest";
import { LmdbKvStore } from "@rdg/kv-lmdb";
import { memberJourneySchema } from "@rdg/model";
import { rawRandomPutCeiling } from "./raw-put-ceiling.js";
import type { Scenario } from "./scenario.js";

/**
 * The embedded pipeline end to end: the member-journey generator in process, the ingestion job
 * (map, validate, coalesce, batched writes), the graph on LMDB. Its graph mutation rate is held
 * against raw lmdb-js random puts measured in the same run.
 */
export const embeddedE2eScenario: Scenario = async (s) => {
  const ceilingMs = Math.min(10_000, Math.max(3000, (s.seconds * 1000) / 6));
  const kv = new LmdbKvStore({ path: join(s.dataDir, "graph"), namespaces: graphNamespaces(memberJourneySchema), noSync: !s.sync });
  const graph = new GraphStore({ kv, schema: memberJourneySchema });
  const generator = new MemberJourneyGenerator({ startTime: Date.now() - 6 * 3_600_000 });
  const catalog = [...generator.catalog()];
  for (let i = 0; i < catalog.length; i += 20_000) await graph.write(catalog.slice(i, i + 20_000));
  const started = performance.now();
  const job = new IngestJob({
    name: "member-journeys",
    source: new GeneratorSource(generator, { durationMs: s.seconds * 1000 }),
    map: mapMemberEvent,
    graph,
    deadLetters: new MemoryDeadLetterSink(),
    eventTime: memberEventTime,
    validation: GENERATOR_VALIDATION,
    onProgress: (m) => {
      const sec = (performance.now() - started) / 1000;
      s.progress(`embedded-e2e: ${Math.round(m.eventsIn / sec).toLocaleString("en-US")} events/s, ${Math.round(m.mutationsWritten / sec).toLocaleString("en-US")} mutations/s`);
    },
  });
  const m = await job.run();
  const seconds = (performance.now() - started) / 1000;
  await kv.close();
  // The ceiling writes transactions of the size the job wrote, so fsync is amortised alike.
  const opsPerTransaction = Math.max(1000, Math.min(200_000, Math.round(m.kvOperations / Math.max(1, m.batchesWritten))));
  s.progress(`embedded-e2e: raw lmdb-js random put ceiling (${opsPerTransaction} puts a transaction)`);
  const ceiling = await rawRandomPutCeiling(s.dataDir, s.sync, ceilingMs, opsPerTransaction);
  const events = m.eventsIn / seconds;
  const mutations = m.mutationsWritten / seconds;
  const ratio = mutations / ceiling;
  return {
    scenario: "embedded-e2e",
    settings: { seconds: s.seconds, sync: s.sync, generator: generator.options, coalesceWindowMs: 60_000, batchSize: 100_000, concurrency: 2 },
    figures: {
      "events ingested": { value: m.eventsIn, unit: "events" },
      "wall time": { value: seconds, unit: "s" },
      "event rate": { value: events, unit: "events/s" },
      "graph mutation rate": { value: mutations, unit: "mutations/s" },
      "KV operation rate": { value: m.kvOperations / seconds, unit: "ops/s" },
      "coalescing ratio": { value: m.eventsIn / Math.max(1, m.mutationsWritten), unit: "events per stored mutation" },
      "mapped mutations per event": { value: m.mutationsMapped / Math.max(1, m.eventsIn), unit: "mutations/event" },
      "freshness (last batch)": { value: m.freshnessLastMs, unit: "ms" },
      "freshness (worst batch)": { value: m.freshnessMaxMs, unit: "ms" },
      "raw lmdb-js random puts (same transaction size)": { value: ceiling, unit: "puts/s" },
      "KV operations per write transaction": { value: opsPerTransaction, unit: "ops" },
      "simulated time covered": { value: (generator.clock - generator.options.startTime) / 60_000, unit: "min" },
    },
    ratios: { "graph mutations / raw random puts": ratio },
    targets: {
      "events/s >= 250000": { target: 250_000, actual: events, met: events >= 250_000 },
      "mutation ratio >= 0.60": { target: 0.6, actual: ratio, met: ratio >= 0.6 },
    },
    notes: [
      "A graph mutation of an edge writes its state record (existence marker and one item per property) and its two adjacency entries, removes the two entries it supersedes when the edge moves to a newer time, and writes bucket index entries the first time a bucket is touched.",
    ],
  };
};
