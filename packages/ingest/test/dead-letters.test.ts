import { describe, expect, it } from "vitest";
import { MemoryKvStore, StoreClosedError, ValueTooLargeError, type KvOperation } from "@rdg/kv";
import { GraphError, GraphStore, graphNamespaces } from "@rdg/graph";
import { memberJourneySchema } from "@rdg/model";
import { ArraySource, IngestJob, MemoryDeadLetterSink, mapMemberEvent, memberEventTime, type IngestJobOptions, type MemberEvent } from "../src/index.js";

const T0 = Date.UTC(2026, 10, 25, 10);
const MB5 = "x".repeat(5_000_000);

const ev = (over: Partial<MemberEvent>): MemberEvent => ({
  topic: "playback", type: "heartbeat", time: T0, accountId: "a1", profileId: "p1", deviceId: "d1", deviceKind: "tv",
  titleId: "t1", gameId: "", liveEventId: "", seconds: 0, query: "", ...over,
});

function run(events: MemberEvent[], kv: MemoryKvStore, options: Partial<IngestJobOptions<MemberEvent>> = {}, sourceBatch = 2) {
  const graph = new GraphStore({ kv, schema: memberJourneySchema, now: () => T0 + 3_600_000 });
  const source = new ArraySource(events, sourceBatch);
  const dlq = new MemoryDeadLetterSink<MemberEvent>();
  const job = new IngestJob<MemberEvent>({ name: "t", source, map: mapMemberEvent, graph, deadLetters: dlq, eventTime: memberEventTime, ...options });
  return { graph, source, dlq, done: job.run() };
}

const memoryKv = (): MemoryKvStore => new MemoryKvStore({ namespaces: graphNamespaces(memberJourneySchema) });
const watchedTitles = async (graph: GraphStore, profile: string): Promise<string[]> =>
  (await graph.neighbors(profile, { edge: "watched", lookbackMs: 1e12, limit: 100 })).edges.map((e) => e.other).sort();

/** `kv` with its own `mutate`; every other call goes to `kv` itself (its #private fields need it as `this`). */
function withMutate(kv: MemoryKvStore, mutate: (ops: readonly KvOperation[]) => Promise<void>): MemoryKvStore {
  return new Proxy(kv, {
    get(target, p) {
      if (p === "mutate") return mutate;
      const v: unknown = Reflect.get(target, p, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/** A store that refuses, as too large, every batch that writes anything about `poison`. */
function refusing(kv: MemoryKvStore, poison: string): { store: MemoryKvStore; refusals: () => number } {
  let refusals = 0;
  const mentions = (op: KvOperation): boolean =>
    op.id.includes(poison) || ("items" in op && op.items.some((i) => Buffer.from(i.key).includes(poison) || Buffer.from(i.value).includes(poison)));
  const store = withMutate(kv, (ops) => {
    if (!ops.some(mentions)) return kv.mutate(ops);
    refusals++;
    return Promise.reject(new ValueTooLargeError("edge.watched", 5_000_000, 1_048_576));
  });
  return { store, refusals: () => refusals };
}

describe("poison events", () => {
  it("dead-letters a schema-valid event whose string property is 5 MB, and writes and commits the events after it", async () => {
    const events = [
      ev({ time: T0, profileId: "p1", titleId: "t1" }),
      ev({ time: T0 + 1000, profileId: "p2", deviceId: MB5 }),
      ev({ time: T0 + 2000, profileId: "p3", titleId: "t3" }),
      ev({ time: T0 + 3000, profileId: "p4", titleId: "t4" }),
    ];
    const { graph, source, dlq, done } = run(events, memoryKv());
    const m = await done;
    expect(m.deadLetters).toBe(1);
    expect(dlq.letters).toHaveLength(1);
    expect(dlq.letters[0]!.event.profileId).toBe("p2");
    expect(dlq.letters[0]!.reason).toMatch(/^\[model\] edge watched\.props\.deviceId: is 5000000 bytes of UTF-8; the limit is 65536/);
    expect(source.committed).toEqual([2, 4]);
    expect(await watchedTitles(graph, "p3")).toEqual(["t3"]);
    expect(await watchedTitles(graph, "p4")).toEqual(["t4"]);
    expect(await watchedTitles(graph, "p2")).toEqual([]);
  });

  it("dead-letters it too when validation lets it through and the store refuses it as too large", async () => {
    const events = Array.from({ length: 8 }, (_, i) => ev({ time: T0 + i * 1000, profileId: `p${i}`, titleId: `t${i}`, deviceId: i === 5 ? MB5 : "d1" }));
    const { graph, source, dlq, done } = run(events, memoryKv(), { validation: { maxStringBytes: 10_000_000 } }, 4);
    const m = await done;
    expect(dlq.letters.map((l) => l.event.profileId)).toEqual(["p5"]);
    expect(dlq.letters[0]!.reason).toMatch(/VALUE_TOO_LARGE|exceeds the limit of 1048576 bytes/);
    expect(m.batchesIsolated).toBe(1);
    expect(source.committed).toEqual([4, 8]);
    for (const i of [0, 1, 2, 3, 4, 6, 7]) expect(await watchedTitles(graph, `p${i}`)).toEqual([`t${i}`]);
  });

  it("dead-letters events whose time is in seconds or microseconds, saying so", async () => {
    const events = [
      ev({ time: Math.floor(T0 / 1000), profileId: "p1" }),
      ev({ time: T0 * 1000, profileId: "p2" }),
      ev({ time: T0, profileId: "p3" }),
    ];
    const { graph, source, dlq, done } = run(events, memoryKv());
    await done;
    expect(dlq.letters.map((l) => [l.event.profileId, l.reason])).toEqual([
      ["p1", expect.stringMatching(/^\[model\] edge watched\.time: \d+ looks like seconds since the epoch .*multiply by 1000/)],
      ["p2", expect.stringMatching(/^\[model\] edge watched\.time: \d+ looks like microseconds since the epoch .*divide by 1,000/)],
    ]);
    expect(source.committed).toEqual([2, 3]);
    expect(await watchedTitles(graph, "p3")).toEqual(["t1"]);
  });

  it("isolates exactly the event a store refuses non-retryably, writes the rest and commits in order", async () => {
    const events = Array.from({ length: 10 }, (_, i) => ev({ time: T0 + i * 1000, profileId: `p${i}`, titleId: i === 6 ? "t-poison" : "t1" }));
    const kv = refusing(memoryKv(), "t-poison");
    const { graph, source, dlq, done } = run(events, kv.store, {}, 5);
    const m = await done;
    expect(dlq.letters.map((l) => l.event.profileId)).toEqual(["p6"]);
    expect(dlq.letters[0]!.reason).toMatch(/^\[kv\] value of 5000000 bytes in namespace "edge\.watched" exceeds the limit/);
    expect(m.deadLetters).toBe(1);
    expect(m.batchesIsolated).toBe(1);
    // Halves of 10 events: 5 and 5 (one refused), then 2 and 3, then 1 and 2, then 1 and 1.
    expect(kv.refusals()).toBeLessThanOrEqual(5);
    expect(source.committed).toEqual([5, 10]);
    for (let i = 0; i < 10; i++) expect(await watchedTitles(graph, `p${i}`)).toEqual(i === 6 ? [] : ["t1"]);
  });

  it("still stops, committing nothing more, when the store fails for a reason that is not the events'", async () => {
    const failures = [new Error("disk on fire"), new StoreClosedError("kv-memory", "mutate"), new GraphError("SCHEMA_MISMATCH", "the schema does not match")];
    for (const failure of failures) {
      const broken = withMutate(memoryKv(), () => Promise.reject(failure));
      const { source, dlq, done } = run([ev({ time: T0 }), ev({ time: T0 + 1, profileId: "p2" })], broken, { batchSize: 1 }, 1);
      await expect(done).rejects.toBe(failure);
      expect(source.committed).toEqual([]);
      expect(dlq.letters).toEqual([]);
    }
  });
});
