import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  IngestOptionsError,
  MEMBER_EVENT_BYTES,
  MEMBER_EVENT_TYPES,
  MemberJourneyGenerator,
  decodeMemberEvents,
  generateParallel,
  memberEventViews,
  memberEventsToJsonLines,
  memberJourneyPartition,
  type GenerateParallelOptions,
  type MemberEvent,
} from "../src/index.js";

// The workers run the built module (dist/generate/generator-worker.js): build before testing.
const T0 = Date.UTC(2026, 10, 25, 10);
const SMALL = { accounts: 3000, concurrentSessions: 1200, titles: 300, games: 40, liveEvents: 5, startTime: T0 };

function encoded(generator: MemberJourneyGenerator, count: number): Uint8Array {
  const buffer = new ArrayBuffer(count * MEMBER_EVENT_BYTES);
  generator.nextEncoded(count, memberEventViews(buffer));
  return new Uint8Array(buffer);
}

async function collect(options: GenerateParallelOptions): Promise<{ events: MemberEvent[]; digest: string; parts: number[] }> {
  const hash = createHash("sha256");
  const events: MemberEvent[] = [];
  const parts: number[] = [];
  for await (const batch of generateParallel(options)) {
    hash.update(batch.bytes);
    parts.push(batch.part);
    if (batch.format === "binary") events.push(...decodeMemberEvents(batch.bytes));
    else for (const line of Buffer.from(batch.bytes).toString("utf8").trimEnd().split("\n")) events.push(JSON.parse(line) as MemberEvent);
  }
  return { events, digest: hash.digest("hex"), parts };
}

function mix(events: readonly MemberEvent[]): Map<string, number> {
  const shares = new Map<string, number>();
  for (const e of events) shares.set(e.type, (shares.get(e.type) ?? 0) + 1 / events.length);
  return shares;
}

describe("member event codec", () => {
  for (const [name, options] of [
    ["default mix, few sessions", { ...SMALL, seed: 7 }],
    ["fractional heartbeats and a start before 1970", { ...SMALL, seed: 8, heartbeatSec: 2.5, gameHeartbeatSec: 7.25, meanViewMin: 2, meanGameMin: 1, startTime: -86_400_123 }],
  ] as const) {
    it(`decodes to the events next() makes, and writes each as JSON.stringify does (${name})`, () => {
      const objects = new MemberJourneyGenerator(options).next(60_000);
      const bytes = encoded(new MemberJourneyGenerator(options), 60_000);
      expect(decodeMemberEvents(bytes)).toEqual(objects);
      expect(new Set(objects.map((e) => e.type))).toEqual(new Set(MEMBER_EVENT_TYPES));
      const lines = memberEventsToJsonLines(memberEventViews(bytes.buffer), 60_000).bytes;
      expect(Buffer.from(lines).toString("utf8")).toBe(objects.map((e) => `${JSON.stringify(e)}\n`).join(""));
    });
  }

  it("refuses bytes that are not whole events", () => {
    expect(() => decodeMemberEvents(new Uint8Array(MEMBER_EVENT_BYTES + 1))).toThrow(/not a whole number of 32-byte member events/);
  });
});

describe("memberJourneyPartition", () => {
  it("one part is the plain generator", () => {
    const o = { ...SMALL, seed: 3 };
    expect(new MemberJourneyGenerator(memberJourneyPartition(o, 0, 1)).next(20_000)).toEqual(new MemberJourneyGenerator(o).next(20_000));
  });

  it("gives each part its own accounts and a share of the sessions", () => {
    const sessions: number[] = [];
    for (let part = 0; part < 3; part++) {
      const options = memberJourneyPartition({ ...SMALL, seed: 3 }, part, 3);
      sessions.push(options.concurrentSessions!);
      const accounts = new MemberJourneyGenerator(options).next(20_000).map((e) => Number(e.accountId.slice(1)));
      expect(accounts.every((a) => a % 3 === part && a < SMALL.accounts)).toBe(true);
      expect(new Set(accounts).size).toBeGreaterThan(300);
    }
    expect(sessions.reduce((a, b) => a + b)).toBe(SMALL.concurrentSessions);
  });

  it("refuses parts it cannot make", () => {
    expect(() => memberJourneyPartition(SMALL, 3, 3)).toThrow(IngestOptionsError);
    expect(() => memberJourneyPartition({ ...SMALL, concurrentSessions: 2 }, 0, 3)).toThrow(/2 sessions cannot be split over 3 parts/);
    expect(() => new MemberJourneyGenerator({ ...SMALL, accounts: 2, accountPartition: { index: 0, count: 3 } })).toThrow(/3 parts exceed the 2 accounts/);
  });
});

describe("generateParallel", () => {
  it("gives the same events for the same seed and worker count, in the same order", async () => {
    const options = { ...SMALL, seed: 11, events: 100_003, workers: 2, batchSize: 4096 };
    const a = await collect(options);
    const b = await collect(options);
    expect(a.events.length).toBe(100_003);
    expect(b.digest).toBe(a.digest);
    // Batches take turns: part 0, part 1, part 0, ...
    expect(a.parts.slice(0, 6)).toEqual([0, 1, 0, 1, 0, 1]);
    const json = await collect({ ...options, format: "json" });
    expect(json.events).toEqual(a.events);
  });

  it("with 0 workers (this thread) gives the events of 1 worker, and of the plain generator", async () => {
    const options = { ...SMALL, seed: 12, events: 30_000, batchSize: 7000 };
    const here = await collect({ ...options, workers: 0 });
    const one = await collect({ ...options, workers: 1 });
    expect(one.digest).toBe(here.digest);
    expect(here.events).toEqual(new MemberJourneyGenerator({ ...SMALL, seed: 12 }).next(30_000));
  });

  it("keeps the mix whatever the worker count", async () => {
    const options = { seed: 13, startTime: T0, events: 300_000 };
    const one = mix((await collect({ ...options, workers: 1 })).events);
    const three = await collect({ ...options, workers: 3, ordered: false });
    expect(three.events.length).toBe(300_000);
    for (const type of MEMBER_EVENT_TYPES) {
      const a = one.get(type) ?? 0;
      const b = mix(three.events).get(type) ?? 0;
      // Within 1.5 percentage points, or 15% of a rare type's share.
      expect(Math.abs(a - b), `${type}: ${a} with 1 worker, ${b} with 3`).toBeLessThanOrEqual(Math.max(0.015, a * 0.15));
    }
    // Every member's events come from one worker, in time order.
    const last = new Map<string, number>();
    for (const e of three.events) {
      expect(e.time).toBeGreaterThanOrEqual(last.get(e.accountId) ?? -Infinity);
      last.set(e.accountId, e.time);
    }
  });

  it("stops its workers when the consumer stops early, or on abort", async () => {
    let batches = 0;
    for await (const _ of generateParallel({ ...SMALL, events: 10_000_000, workers: 2, batchSize: 1000 })) if (++batches === 5) break;
    expect(batches).toBe(5);
    const abort = new AbortController();
    let seen = 0;
    for await (const _ of generateParallel({ ...SMALL, events: 10_000_000, workers: 2, batchSize: 1000, signal: abort.signal })) if (++seen === 3) abort.abort();
    expect(seen).toBeLessThan(20);
  });

  it("refuses bad options before starting a worker", async () => {
    const refused = async (options: Partial<GenerateParallelOptions>, pattern: RegExp): Promise<void> => {
      await expect(generateParallel({ events: 10, ...options }).next()).rejects.toThrow(pattern);
    };
    await refused({ workers: -1 }, /workers: must be a whole number >= 0/);
    await refused({ workers: 1.5 }, /workers/);
    await refused({ format: "xml" as never }, /format: must be "binary" or "json"/);
    await refused({ events: -1 }, /events/);
    await refused({ batchSize: 0 }, /batchSize/);
    await refused({ workers: 4, concurrentSessions: 2 }, /2 sessions cannot be split over 4 parts/);
    await refused({ workers: 2, titles: 5, games: 6 }, /games/);
  });
});
