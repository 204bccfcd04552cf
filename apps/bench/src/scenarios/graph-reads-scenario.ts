import { join } from "node:path";
import { GraphStore, graphNamespaces } from "@rdg/graph";
import { GENERATOR_VALIDATION, GeneratorSource, IngestJob, MemberJourneyGenerator, MemoryDeadLetterSink, mapMemberEvent, memberEventTime } from "@rdg/ingest";
import { recordEnd, recordPrefix } from "@rdg/kv";
import { LmdbKvStore } from "@rdg/kv-lmdb";
import { adjacencyNamespace, adjacencyRecordId, bucketOf, memberJourneySchema } from "@rdg/model";
import { interleaved, rate } from "../measure.js";
import type { Scenario } from "./scenario.js";

const EVENTS = 500_000;
const ROUNDS = 3;
const LIMIT = 50;
const HOT_TITLES = 20;

/**
 * Graph reads on LMDB after ingesting generated member journeys: a popular title's 50 latest
 * viewers, a profile's 50 latest titles and a title's viewer count, each against raw lmdb-js
 * reading 50 items of the same title's newest adjacency record backwards, in the same run.
 */
export const graphReadsScenario: Scenario = async (s) => {
  const kv = new LmdbKvStore({ path: join(s.dataDir, "graph-reads"), namespaces: graphNamespaces(memberJourneySchema), noSync: true });
  try {
    const graph = new GraphStore({ kv, schema: memberJourneySchema });
    const generator = new MemberJourneyGenerator({ startTime: Date.now() - 6 * 3_600_000 });
    const catalog = [...generator.catalog()];
    for (let i = 0; i < catalog.length; i += 20_000) await graph.write(catalog.slice(i, i + 20_000));
    const job = new IngestJob({
      name: "graph-reads",
      source: new GeneratorSource(generator, { maxEvents: EVENTS }),
      map: mapMemberEvent,
      graph,
      deadLetters: new MemoryDeadLetterSink(),
      eventTime: memberEventTime,
      validation: GENERATOR_VALIDATION,
      onProgress: (m) => s.progress(`graph-reads: ingesting ${m.eventsIn.toLocaleString("en-US")} of ${EVENTS.toLocaleString("en-US")} events`),
    });
    await job.run();
    const titles = Array.from({ length: HOT_TITLES }, (_, i) => `t${i}`);
    const profiles = new Set<string>();
    for (const t of titles) for (const e of (await graph.neighbors(t, { edge: "watchedBy", limit: LIMIT })).edges) profiles.add(e.other);
    const someProfiles = [...profiles].slice(0, 500);
    // The raw side reads the same LMDB database the store wrote: each title's newest bucket.
    const def = memberJourneySchema.edge("watched");
    const db = kv.database.openDB<Buffer, Buffer>(adjacencyNamespace("watched", "in"), { keyEncoding: "binary", encoding: "binary", cache: false });
    const newest = bucketOf(generator.clock, def.bucketMs);
    const rawRanges = titles.map((t) => {
      const prefix = recordPrefix(adjacencyRecordId(t, newest));
      return { start: recordEnd(prefix), end: prefix };
    });
    const phaseMs = (s.seconds * 1000) / (ROUNDS * 2 * 3);
    let returned = 0;
    let calls = 0;
    const rawLatest = async (): Promise<number> => {
      s.progress("graph-reads: raw lmdb-js 50-item ranges");
      return rate(phaseMs, 1, (i) => {
        let n = 0;
        for (const entry of db.getRange({ ...rawRanges[i % HOT_TITLES]!, reverse: true, limit: LIMIT })) n += entry.value.length + 1;
        if (n === 0) throw new Error("raw range found nothing: the newest bucket is empty");
      });
    };
    const latest = await interleaved(ROUNDS, rawLatest, async () => {
      s.progress("graph-reads: a title's 50 latest viewers");
      return rate(phaseMs, 1, async (i) => {
        returned += (await graph.neighbors(titles[i % HOT_TITLES]!, { edge: "watchedBy", limit: LIMIT })).edges.length;
        calls++;
      });
    });
    const profileTitles = await interleaved(ROUNDS, rawLatest, async () => {
      s.progress("graph-reads: a profile's 50 latest titles");
      return rate(phaseMs, 1, async (i) => graph.neighbors(someProfiles[i % someProfiles.length]!, { edge: "watched", limit: LIMIT }));
    });
    const counts = await interleaved(ROUNDS, rawLatest, async () => {
      s.progress("graph-reads: a title's viewer count");
      return rate(phaseMs, 1, async (i) => graph.countEdges(titles[i % HOT_TITLES]!, { edge: "watchedBy" }));
    });
    const t0 = await graph.countEdges("t0", { edge: "watchedBy" });
    return {
      scenario: "graph-reads",
      settings: { seconds: s.seconds, events: EVENTS, hotTitles: HOT_TITLES, limit: LIMIT, rounds: ROUNDS, generator: generator.options },
      figures: {
        "a title's 50 latest viewers": { value: latest.ours, unit: "calls/s" },
        "a profile's 50 latest titles": { value: profileTitles.ours, unit: "calls/s" },
        "a title's viewer count": { value: counts.ours, unit: "calls/s" },
        "raw lmdb-js 50-item reverse ranges (same records)": { value: latest.ceiling, unit: "calls/s" },
        "viewers of the most popular title (t0)": { value: t0.count, unit: "edges" },
        "mean edges returned by a latest-viewers call": { value: returned / Math.max(1, calls), unit: "edges" },
      },
      ratios: {
        "title's latest 50 / raw 50-item ranges": latest.ratio,
        "profile's latest 50 / raw 50-item ranges": profileTitles.ours / profileTitles.ceiling,
        "viewer count / raw 50-item ranges": counts.ours / counts.ceiling,
      },
      targets: {},
      notes: [
        "Ours reads the adjacency backwards and checks each entry against its edge's state record (one small record read per returned edge); raw reads 50 adjacency items and nothing else.",
      ],
    };
  } finally {
    await kv.close();
  }
};
