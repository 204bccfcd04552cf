import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KvConnectionError, MemoryKvStore, type KvOperation } from "@rdg/kv";
import { GraphStore, graphNamespaces } from "@rdg/graph";
import { memberJourneySchema } from "@rdg/model";
import {
  ArraySource,
  FileDeadLetterSink,
  FileSource,
  GeneratorSource,
  IngestJob,
  MemberJourneyGenerator,
  MemoryDeadLetterSink,
  mapMemberEvent,
  memberEventTime,
  type EventSource,
  type FilePosition,
  type MemberEvent,
  type UnparsableLine,
} from "../src/index.js";

/** The store with its `mutate` replaced; every other call goes to the store itself. */
function withMutate(kv: MemoryKvStore, override: { mutate: MemoryKvStore["mutate"] }): MemoryKvStore {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "mutate") return override.mutate;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

const dir = mkdtempSync(join(tmpdir(), "rdg-ingest-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T0 = Date.UTC(2026, 10, 25, 10);

const ev = (over: Partial<MemberEvent>): MemberEvent => ({
  topic: "playback", type: "heartbeat", time: T0, accountId: "a1", profileId: "p1", deviceId: "d1", deviceKind: "tv",
  titleId: "t1", gameId: "", liveEventId: "", seconds: 0, query: "", ...over,
});

function setup(kv = new MemoryKvStore({ namespaces: graphNamespaces(memberJourneySchema) })) {
  const graph = new GraphStore({ kv, schema: memberJourneySchema, now: () => T0 + 3_600_000 });
  return { kv, graph };
}

function job<E>(graph: GraphStore, source: EventSource<E>, extra: Partial<ConstructorParameters<typeof IngestJob<E>>[0]> = {}) {
  const dlq = new MemoryDeadLetterSink<E>();
  return { dlq, job: new IngestJob<E>({ name: "t", source, map: mapMemberEvent as never, graph, deadLetters: dlq, eventTime: memberEventTime as never, ...extra }) };
}

describe("IngestJob", () => {
  it("writes events as graph state, commits every batch in order, and dead-letters bad events", async () => {
    const { graph } = setup();
    const events = [
      ev({ type: "playStart", time: T0 }),
      ev({ type: "heartbeat", time: T0 + 30_000, seconds: 30 }),
      ev({ type: "heartbeat", time: T0 + 60_000, profileId: "" }),
      ev({ type: "teleport" as MemberEvent["type"], time: T0 + 61_000 }),
      ev({ type: "heartbeat", time: T0 + 62_000, titleId: "x".repeat(300) }),
      ev({ type: "playStop", time: T0 + 90_000, seconds: 90 }),
    ];
    const source = new ArraySource(events, 2);
    const { job: j, dlq } = job(graph, source);
    const m = await j.run();
    expect(m.eventsIn).toBe(6);
    expect(m.deadLetters).toBe(3);
    expect(dlq.letters.map((l) => l.reason)).toEqual([
      expect.stringMatching(/heartbeat event needs profileId/),
      expect.stringMatching(/unknown type "teleport"/),
      expect.stringMatching(/edge watched\.to: is 300 bytes/),
    ]);
    expect(source.committed).toEqual([2, 4, 6]);
    const watched = await graph.neighbors("p1", { edge: "watched" });
    expect(watched.edges).toHaveLength(1);
    expect(watched.edges[0]).toMatchObject({ to: "t1", time: T0 + 90_000, props: { positionSec: 90, completed: true, deviceId: "d1" } });
  });

  it("coalesces repeated updates inside the window and stores the same state as without coalescing", async () => {
    const gen = new MemberJourneyGenerator({ seed: 7, accounts: 50, concurrentSessions: 40, titles: 30, games: 5, liveEvents: 2, startTime: T0 });
    const events = gen.next(3000);
    const a = setup();
    const b = setup();
    const ma = await job(a.graph, new ArraySource(events, 500), { coalesceWindowMs: 120_000 }).job.run();
    const mb = await job(b.graph, new ArraySource(events, 1), { coalesceWindowMs: 0, batchSize: 1 }).job.run();
    expect(ma.mutationsWritten).toBeLessThan(mb.mutationsWritten * 0.7);
    expect(mb.mutationsWritten).toBe(mb.mutationsMapped);
    const snapshot = async (graph: GraphStore) => {
      const out: unknown[] = [];
      for (const p of new Set(events.map((e) => e.profileId))) {
        for (const edge of ["watched", "usesDevice", "played"]) {
          out.push((await graph.neighbors(p, { edge, lookbackMs: 1e12, order: "latest", limit: 1000 })).edges.map((e) => [e.other, e.time, e.props]));
        }
      }
      return out;
    };
    expect(await snapshot(a.graph)).toEqual(await snapshot(b.graph));
  });

  it("retries a retryable write error and commits nothing of a write that failed for good", async () => {
    const kv = new MemoryKvStore({ namespaces: graphNamespaces(memberJourneySchema) });
    let failures = 2;
    const flaky = withMutate(kv, {
      mutate: (ops: readonly KvOperation[]) => (failures-- > 0 ? Promise.reject(new KvConnectionError("test", "connection reset")) : kv.mutate(ops)),
    });
    const { graph } = setup(flaky);
    const source = new ArraySource([ev({ time: T0 }), ev({ time: T0 + 1 })], 1);
    const m = await job(graph, source, { batchSize: 1 }).job.run();
    expect(m.writeRetries).toBe(2);
    expect(source.committed).toEqual([1, 2]);

    // The first write fails for good while the second, in flight beside it, succeeds: neither batch is committed.
    let calls = 0;
    const firstFails = withMutate(kv, {
      mutate: async (ops: readonly KvOperation[]) => {
        if (calls++ === 0) { await new Promise((r) => setTimeout(r, 30)); throw new Error("first write lost"); }
        return kv.mutate(ops);
      },
    });
    const src3 = new ArraySource([ev({ time: T0 }), ev({ time: T0 + 1 })], 1);
    await expect(job(setup(firstFails).graph, src3, { batchSize: 1, concurrency: 2 }).job.run()).rejects.toThrow(/first write lost/);
    expect(calls).toBe(2);
    expect(src3.committed).toEqual([]);

    const broken = withMutate(kv, { mutate: () => Promise.reject(new Error("disk on fire")) });
    const src2 = new ArraySource([ev({ time: T0 }), ev({ time: T0 + 1 })], 1);
    await expect(job(setup(broken).graph, src2, { batchSize: 1 }).job.run()).rejects.toThrow(/disk on fire/);
    expect(src2.committed).toEqual([]);
  });

  it("applies backpressure: a slow store slows the source instead of buffering", async () => {
    const kv = new MemoryKvStore({ namespaces: graphNamespaces(memberJourneySchema) });
    const slow = withMutate(kv, {
      mutate: async (ops: readonly KvOperation[]) => { await new Promise((r) => setTimeout(r, 20)); return kv.mutate(ops); },
    });
    let read = 0;
    let maxAhead = 0;
    const events = Array.from({ length: 40 }, (_, i) => ev({ time: T0 + i * 1000, profileId: `p${i}` }));
    const inner = new ArraySource(events, 1);
    const source: EventSource<MemberEvent> = {
      name: "counting",
      async *batches(signal) {
        for await (const batch of inner.batches(signal)) {
          read++;
          maxAhead = Math.max(maxAhead, read - inner.committed.length);
          yield batch;
        }
      },
    };
    const m = await job(setup(slow).graph, source, { batchSize: 1, concurrency: 2 }).job.run();
    expect(inner.committed).toHaveLength(40);
    // 40 edges (their state record and both adjacency ends), 40 out-bucket index entries and
    // the in-bucket entry of t1 (written again by a batch planned while the first was in
    // flight): no count lost to concurrency.
    expect(m.kvOperations).toBeGreaterThanOrEqual(161);
    expect(m.kvOperations).toBeLessThanOrEqual(162);
    // Freshness is per batch (read to durable), not time since the job started (40 x 20 ms).
    expect(m.freshnessLastMs).toBeGreaterThan(0);
    expect(m.freshnessLastMs).toBeLessThan((Date.now() - m.startedAt) / 2);
    expect(maxAhead).toBeLessThanOrEqual(4);
  });

  it("stops on abort, flushes what it read and commits it", async () => {
    const { graph } = setup();
    const controller = new AbortController();
    const gen = new MemberJourneyGenerator({ accounts: 100, concurrentSessions: 50, titles: 20, games: 2, liveEvents: 1, startTime: T0 });
    const j = job(graph, new GeneratorSource(gen, { batchSize: 100 }), { onProgress: (m) => { if (m.eventsIn >= 1000) controller.abort(); }, batchSize: 100 }).job;
    const m = await j.run(controller.signal);
    expect(m.eventsIn).toBeGreaterThanOrEqual(1000);
    expect(m.mutationsWritten).toBeGreaterThan(0);
  });
});

describe("MemberJourneyGenerator", () => {
  it("is deterministic per seed and emits events in time order", () => {
    const a = new MemberJourneyGenerator({ seed: 3, startTime: T0, accounts: 1000, concurrentSessions: 500 }).next(5000);
    const b = new MemberJourneyGenerator({ seed: 3, startTime: T0, accounts: 1000, concurrentSessions: 500 }).next(5000);
    expect(a).toEqual(b);
    for (let i = 1; i < a.length; i++) expect(a[i]!.time).toBeGreaterThanOrEqual(a[i - 1]!.time);
  });

  it("skews title popularity, moves members between devices, and ties games to titles", () => {
    const events = new MemberJourneyGenerator({ seed: 5, startTime: T0, accounts: 2000, concurrentSessions: 1000, titles: 1000, games: 100 }).next(200_000);
    const starts = events.filter((e) => e.type === "playStart");
    const top = starts.filter((e) => e.titleId === "t0").length / starts.length;
    expect(top).toBeGreaterThan(0.05); // uniform would be 0.001
    const devicesByProfile = new Map<string, Set<string>>();
    for (const e of events) (devicesByProfile.get(e.profileId) ?? devicesByProfile.set(e.profileId, new Set()).get(e.profileId)!).add(e.deviceId);
    expect([...devicesByProfile.values()].some((s) => s.size > 1)).toBe(true);
    const launches = events.filter((e) => e.type === "gameLaunch");
    expect(launches.length).toBeGreaterThan(0);
    expect(launches.filter((e) => e.gameId.slice(1) === e.titleId.slice(1)).length / launches.length).toBeGreaterThan(0.3);
    expect(new Set(events.map((e) => e.topic))).toEqual(new Set(["auth", "playback", "gaming", "search", "live"]));
  });

  it("refuses nonsensical options with a clear error", () => {
    expect(() => new MemberJourneyGenerator({ accounts: 0 })).toThrow(/\[ingest\] accounts: must be a positive integer/);
    expect(() => new MemberJourneyGenerator({ titles: 10, games: 20 })).toThrow(/\[ingest\] games: 20 exceeds titles/);
  });
});

describe("FileSource", () => {
  it("replays a JSON-lines file, dead-letters unparsable lines, and resumes after its checkpoint", async () => {
    const path = join(dir, "events.jsonl");
    let saved: FilePosition | undefined;
    const checkpoints = { load: () => saved, save: (p: FilePosition) => { saved = p; } };
    const lines = [JSON.stringify(ev({ time: T0 })), "{not json", JSON.stringify(ev({ time: T0 + 1, titleId: "t2" }))];
    writeFileSync(path, `${lines.join("\n")}\n`);
    const { graph } = setup();
    const dlqPath = join(dir, "dlq.jsonl");
    const run = () => new IngestJob<MemberEvent | UnparsableLine>({
      name: "file", source: new FileSource<MemberEvent>({ path, batchSize: 2, checkpoints }),
      map: (e: MemberEvent | UnparsableLine) => { if ("unparsable" in e) throw new Error(`line ${e.line} is not JSON`); return mapMemberEvent(e); },
      graph, deadLetters: new FileDeadLetterSink(dlqPath), eventTime: (e: MemberEvent | UnparsableLine) => ("time" in e ? e.time : 0),
    }).run();
    const first = await run();
    expect(first.eventsIn).toBe(3);
    expect(first.deadLetters).toBe(1);
    expect(readFileSync(dlqPath, "utf8")).toMatch(/line 2 is not JSON/);
    expect(saved?.line).toBe(3);
    expect((await graph.neighbors("p1", { edge: "watched" })).edges.map((e) => e.to).sort()).toEqual(["t1", "t2"]);
    const second = await run();
    expect(second.eventsIn).toBe(0);
    expect(() => new FileSource({ path: join(dir, "missing.jsonl") })).toThrow(/does not exist/);
  });
});
