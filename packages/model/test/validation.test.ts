import { describe, expect, it } from "vitest";
import {
  ModelError,
  checkId,
  memberJourneySchema as s,
  mergeMutations,
  validateMutation,
  type Mutation,
  type UpsertEdge,
  type UpsertNode,
  type ValidationOptions,
} from "../src/index.js";

const NOW = Date.UTC(2026, 10, 25, 12);
const clock: ValidationOptions = { now: () => NOW };

/** The ModelError a call throws (the test fails when it throws anything else, or nothing). */
function refusal(fn: () => unknown): ModelError {
  try {
    fn();
  } catch (e) {
    if (ModelError.isInstance(e)) return e;
    throw e;
  }
  throw new Error("expected a ModelError");
}

const watched = (over: Partial<UpsertEdge> = {}): UpsertEdge => ({
  op: "upsertEdge", type: "watched", from: "p1", to: "t1", props: { deviceId: "tv", positionSec: 30 }, time: NOW, ...over,
});
const title = (over: Partial<UpsertNode> = {}): UpsertNode => ({ op: "upsertNode", type: "title", id: "t1", props: { name: "Dark", kind: "series" }, time: NOW, ...over });

describe("event times", () => {
  it("accepts times from 2000-01-01 to one day ahead of the clock", () => {
    for (const time of [Date.UTC(2000, 0, 1), NOW - 86_400_000 * 365 * 10, NOW, NOW + 86_400_000]) {
      expect(validateMutation(s, watched({ time }), clock).time).toBe(time);
    }
  });

  it("names seconds, microseconds and nanoseconds, and the field", () => {
    const seconds = refusal(() => validateMutation(s, watched({ time: Math.floor(NOW / 1000) }), clock));
    expect(seconds.field).toBe("edge watched.time");
    expect(seconds.code).toBe("VALIDATION");
    expect(seconds.message).toMatch(/^\[model\] edge watched\.time: \d+ looks like seconds since the epoch .*multiply by 1000/);
    expect(refusal(() => validateMutation(s, watched({ time: NOW * 1000 }), clock)).message).toMatch(/looks like microseconds .*divide by 1,000\b/);
    expect(refusal(() => validateMutation(s, title({ time: NOW * 1_000_000 }), { now: () => NOW, maxAheadMs: 0 })).message).toMatch(/node title\.time: .*nanoseconds/);
  });

  it("refuses times before minTime or too far ahead, saying which limit", () => {
    expect(refusal(() => validateMutation(s, watched({ time: Date.UTC(1999, 11, 31) }), clock)).message).toMatch(/is before 2000-01-01T00:00:00\.000Z, the earliest time accepted/);
    const ahead = refusal(() => validateMutation(s, watched({ time: NOW + 2 * 86_400_000 }), clock));
    expect(ahead.message).toMatch(/is more than one day ahead of the clock \(2026-11-25T12:00:00\.000Z\); .*raise maxAheadMs/);
    expect(refusal(() => validateMutation(s, watched({ time: -5 }), clock)).field).toBe("edge watched.time");
  });

  it("checks propTimes too", () => {
    const m = watched({ propTimes: { deviceId: Math.floor(NOW / 1000) } });
    expect(refusal(() => validateMutation(s, m, clock)).field).toBe("edge watched.propTimes.deviceId");
  });

  it("takes its limits from the options", () => {
    const old = Date.UTC(1990, 0, 1);
    expect(validateMutation(s, watched({ time: old }), { minTime: 0, now: () => NOW }).time).toBe(old);
    expect(validateMutation(s, watched({ time: NOW + 7 * 86_400_000 }), { maxAheadMs: Infinity }).time).toBe(NOW + 7 * 86_400_000);
    expect(refusal(() => validateMutation(s, watched({ time: NOW + 1000 }), { now: () => NOW, maxAheadMs: 0 })).message).toMatch(/more than 0 ms ahead/);
    // Without options the clock is Date.now().
    expect(refusal(() => validateMutation(s, watched({ time: Date.now() + 2 * 86_400_000 }))).field).toBe("edge watched.time");
  });

  it("refuses bad options, naming the option", () => {
    for (const [options, field] of [[{ minTime: -1 }, "minTime"], [{ maxAheadMs: Number.NaN }, "maxAheadMs"], [{ maxStringBytes: 0 }, "maxStringBytes"], [{ now: 5 }, "now"]] as const) {
      const e = refusal(() => validateMutation(s, watched(), options as ValidationOptions));
      expect([e.code, e.field]).toEqual(["INVALID_ARGUMENT", field]);
    }
  });
});

describe("strings", () => {
  it("refuses a string value over 64 KiB of UTF-8, with its size and the limit", () => {
    const e = refusal(() => validateMutation(s, watched({ props: { deviceId: "é".repeat(40_000), positionSec: 1 } }), clock));
    expect(e.field).toBe("edge watched.props.deviceId");
    expect(e.message).toMatch(/is 80000 bytes of UTF-8; the limit is 65536 \(maxStringBytes\)/);
    expect(validateMutation(s, watched({ props: { deviceId: "x".repeat(65_536), positionSec: 1 } }), clock).op).toBe("upsertEdge");
    expect(refusal(() => validateMutation(s, watched(), { ...clock, maxStringBytes: 1 })).message).toMatch(/is 2 bytes of UTF-8; the limit is 1/);
  });

  it("keeps a 5 MB string out of the message", () => {
    const e = refusal(() => validateMutation(s, watched({ props: { deviceId: "x".repeat(5_000_000), positionSec: 1 } }), clock));
    expect(e.message.length).toBeLessThan(300);
    expect(refusal(() => validateMutation(s, watched({ props: { deviceId: "tv", positionSec: "x".repeat(5_000_000) } as never }), clock)).message.length).toBeLessThan(300);
  });

  it("refuses lone surrogates in values and ids, and accepts surrogate pairs", () => {
    const e = refusal(() => validateMutation(s, title({ props: { name: "bad \ud800 text", kind: "movie" } }), clock));
    expect(e.field).toBe("node title.props.name");
    expect(e.message).toMatch(/not valid text: a lone UTF-16 surrogate at index 4/);
    expect(refusal(() => validateMutation(s, title({ id: "t\udc00" }), clock))).toMatchObject({ code: "INVALID_ID", field: "node title.id" });
    expect(refusal(() => checkId("id", "x".repeat(257))).message).toMatch(/is 257 bytes of UTF-8; the limit is 256/);
    expect(validateMutation(s, title({ id: "t🎬", props: { name: "🎬 film", kind: "movie" } }), clock).op).toBe("upsertNode");
  });
});

describe("required properties", () => {
  it("requires every required property of a complete upsert, and only named ones of a partial one", () => {
    const missing = refusal(() => validateMutation(s, title({ props: { name: "Dark" } }), clock));
    expect(missing.field).toBe("node title.props.kind");
    expect(missing.message).toMatch(/is required; .*partial: true/);
    expect(validateMutation(s, title({ props: { name: "Dark" }, partial: true }), clock).op).toBe("upsertNode");
    expect(refusal(() => validateMutation(s, watched({ props: { positionSec: 3 } }), clock)).field).toBe("edge watched.props.deviceId");
    // Optional properties may be missing; required ones may not be, even with no props at all.
    expect(validateMutation(s, { op: "upsertNode", type: "profile", id: "p1", time: NOW }, clock).op).toBe("upsertNode");
    expect(refusal(() => validateMutation(s, { op: "upsertNode", type: "device", id: "d1", time: NOW }, clock)).field).toBe("node device.props.kind");
    expect(refusal(() => validateMutation(s, title({ partial: "yes" as never }), clock)).field).toBe("node title.partial");
  });

  it("keeps a merge partial only when both inputs are", () => {
    const full = watched({ time: NOW - 1000 });
    const part = watched({ props: { positionSec: 90 }, partial: true });
    const part2 = watched({ props: { positionSec: 95 }, partial: true, time: NOW + 10 });
    const cases: [Mutation, Mutation, boolean][] = [[full, part, false], [part, full, false], [part, part2, true], [full, full, false]];
    for (const [a, b, partial] of cases) {
      const merged = mergeMutations(a, b) as UpsertEdge;
      expect(merged.partial === true).toBe(partial);
      expect(validateMutation(s, merged, clock)).toBe(merged);
    }
    const m = mergeMutations(full, part) as UpsertEdge;
    expect(m.props).toEqual({ deviceId: "tv", positionSec: 90 });
    expect("partial" in m).toBe(false);
    // The newer complete update covers the older partial one: the newer is returned, unmarked.
    const newerFull = watched({ time: NOW + 20 });
    expect(mergeMutations(part, newerFull)).toBe(newerFull);
  });
});

describe("edge ends", () => {
  it("checks fromType and toType against the edge type, when given", () => {
    expect(validateMutation(s, watched({ fromType: "profile", toType: "title" }), clock).op).toBe("upsertEdge");
    const e = refusal(() => validateMutation(s, watched({ toType: "game" }), clock));
    expect(e.field).toBe("edge watched.toType");
    expect(e.message).toMatch(/is "game", but watched edges go from profile to title; give "title" or omit toType/);
    expect(refusal(() => validateMutation(s, watched({ fromType: "account" }), clock)).field).toBe("edge watched.fromType");
  });
});
