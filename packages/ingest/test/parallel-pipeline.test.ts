import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GraphStore, graphNamespaces } from "@rdg/graph";
import { LmdbKvStore } from "@rdg/kv-lmdb";
import { memberJourneySchema } from "@rdg/model";
import {
  ArraySource, GENERATOR_VALIDATION, IngestJob, MemberJourneyGenerator, MemoryDeadLetterSink, ParallelIngestJob, mapMemberEvent, memberEventTime,
  memberJourneyWorker, type MemberEvent,
} from "@rdg/ingest";

const TEST_WORKER = new URL("./support/parallel-test-worker.mjs", import.meta.url);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function events(count: number): MemberEvent[] {
  const g = new MemberJourneyGenerator({ seed: 7, accounts: 300, concurrentSessions: 150, titles: 200, games: 20, liveEvents: 3 });
  return g.next(count);
}

async function open(): Promise<{ path: string; kv: LmdbKvStore; graph: GraphStore }> {
  const path = mkdtempSync(join(tmpdir(), "rdg-parallel-"));
  dirs.push(path);
  const kv = new LmdbKvStore({ path, namespaces: graphNamespaces(memberJourneySchema) });
  return { path, kv, graph: new GraphStore({ kv, schema: memberJourneySchema }) };
}

async function dump(graph: GraphStore): Promise<string> {
  const lines: string[] = [];
  for await (const line of graph.export()) lines.push(line);
  return lines.join("\n");
}

async function singleThreaded(input: readonly MemberEvent[], into?: { graph: GraphStore }): Promise<string> {
  const { kv, graph } = into === undefined ? await open() : { kv: undefined, graph: into.graph };
  await new IngestJob<MemberEvent>({
    name: "single", source: new ArraySource(input, 250), map: mapMemberEvent, graph, deadLetters: new MemoryDeadLetterSink(), eventTime: memberEventTime,
    validation: GENERATOR_VALIDATION, coalesceWindowMs: 30_000,
  }).run();
  const out = await dump(graph);
  await kv?.close();
  return out;
}

function parallelJob(path: string, graph: GraphStore, source: ArraySource<MemberEvent>, workers: number, sink = new MemoryDeadLetterSink<MemberEvent>(), module: URL = memberJourneyWorker, coalesceWindowMs: number | undefined = 20_000) {
  return new ParallelIngestJob<MemberEvent>({
    name: "parallel", graph, workers, source, deadLetters: sink, epochEvents: 700, ...(coalesceWindowMs === undefined ? {} : { coalesceWindowMs }), worker: { module, options: { lmdbPath: path } },
  });
}

describe("ParallelIngestJob on LMDB", () => {
  const input = events(6000);

  // Windows of 20 s split an epoch (700 events span about 2 minutes of event time here); without one a worker coalesces its whole epoch.
  for (const [workers, window] of [[1, 20_000], [2, 20_000], [3, 20_000], [1, undefined], [2, undefined]] as const) {
    it(`writes the graph the single-threaded job writes, with ${workers} worker(s) and ${window === undefined ? "the epoch as coalescing window" : `${window / 1000} s coalescing windows`}, and commits every batch in order`, async () => {
      const expected = await singleThreaded(input);
      const { path, kv, graph } = await open();
      const source = new ArraySource(input, 100);
      const m = await parallelJob(path, graph, source, workers, undefined, undefined, window).run();
      expect(m.eventsIn).toBe(input.length);
      expect(m.mutationsWritten).toBeGreaterThan(0);
      expect(source.committed.length).toBe(input.length / 100);
      expect(source.committed).toEqual([...source.committed].sort((a, b) => a - b));
      expect(source.committed.at(-1)).toBe(input.length);
      expect(await dump(graph)).toBe(expected);
      // Counts agree with the adjacency (one entry per live edge), as with the single-threaded writer.
      const stats = await graph.stats();
      await kv.close();
      expect(stats).toBeDefined();
    }, 60_000);
  }

  it("sends refused events to the dead-letter sink with the reason, and stores the rest", async () => {
    const bad = [{ ...input[10]!, type: "nonsense" as MemberEvent["type"] }, { ...input[20]!, profileId: "" }];
    const mixed = [...input.slice(0, 1000), ...bad, ...input.slice(1000, 2000)];
    const expected = await singleThreaded([...input.slice(0, 2000)]);
    const { path, kv, graph } = await open();
    const sink = new MemoryDeadLetterSink<MemberEvent>();
    const source = new ArraySource(mixed, 100);
    const m = await parallelJob(path, graph, source, 2, sink).run();
    expect(m.deadLetters).toBe(2);
    expect(sink.letters.map((l) => l.event)).toEqual(bad);
    expect(sink.letters[0]!.reason).toMatch(/unknown type "nonsense"/);
    expect(sink.letters[1]!.reason).toMatch(/needs profileId/);
    expect(source.committed.at(-1)).toBe(mixed.length);
    expect(await dump(graph)).toBe(expected);
    await kv.close();
  }, 60_000);

  for (const fault of ["boom", "exit"] as const) {
    it(`stops when a worker ${fault === "boom" ? "throws an error that blames no event" : "exits"}, committing nothing past what was stored`, async () => {
      const at = 3050;
      const faulty = input.map((e, i) => (i === at ? { ...e, query: fault } : e));
      const { path, kv, graph } = await open();
      const source = new ArraySource(faulty, 100);
      const error = await parallelJob(path, graph, source, 2, new MemoryDeadLetterSink(), TEST_WORKER).run().then(() => undefined, (e: unknown) => e);
      expect(String(error)).toMatch(fault === "boom" ? /worker \d of job "parallel" failed: a bug in the processor/ : /worker \d of job "parallel" exited \(code 3\)/);
      const last = source.committed.at(-1) ?? 0;
      expect(last).toBeLessThanOrEqual(at);
      expect(source.committed).toEqual([...source.committed].sort((a, b) => a - b));
      // Replaying from the last commit gives the graph of a run that never failed: what was committed was stored.
      await singleThreaded(input.slice(last), { graph });
      expect(await dump(graph)).toBe(await singleThreaded(input));
      await kv.close();
    }, 60_000);
  }
});
