import { describe, expect, it } from "vitest";
import {
  ModelError,
  adjacencyRecordId,
  bucketKey,
  decodeBucketKey,
  defineSchema,
  memberJourneySchema,
  mergeMutations,
  mutationKey,
  validateMutation,
  type Mutation,
} from "../src/index.js";

const fieldOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (ModelError.isInstance(e)) return e.field;
    throw e;
  }
  throw new Error("expected a ModelError");
};

describe("defineSchema", () => {
  it("refuses an edge whose end is not a node type, naming the field", () => {
    expect(fieldOf(() => defineSchema({ nodes: { a: {} }, edges: { e: { from: "a", to: "nope" } } }))).toBe("edge e.to");
  });
  it("refuses unknown property types and duplicate inverse names", () => {
    expect(fieldOf(() => defineSchema({ nodes: { a: { properties: { x: "date" as "string" } } }, edges: {} }))).toBe("node a.properties.x");
    expect(fieldOf(() => defineSchema({ nodes: { a: {} }, edges: { e: { from: "a", to: "a", inverse: "f" }, f: { from: "a", to: "a" } } }))).toBe("edge f");
  });
  it("ships the member-journey schema", () => {
    expect([...memberJourneySchema.nodes.keys()]).toEqual(expect.arrayContaining(["account", "profile", "device", "title", "game", "liveEvent"]));
    expect(memberJourneySchema.edge("watched").inverse).toBe("watchedBy");
  });
});

describe("validateMutation", () => {
  const s = memberJourneySchema;
  const T = Date.UTC(2026, 0, 1);
  it("accepts a partial upsert that fits", () => {
    const m: Mutation = { op: "upsertEdge", type: "watched", from: "p1", to: "t1", props: { positionSec: 30 }, time: T, partial: true };
    expect(validateMutation(s, m)).toBe(m);
  });
  it("names the failing field for each kind of misfit", () => {
    expect(fieldOf(() => validateMutation(s, { op: "upsertEdge", type: "watched", from: "p1", to: "t1", props: { positionSec: "30" as unknown as number }, time: T }))).toBe("edge watched.props.positionSec");
    expect(fieldOf(() => validateMutation(s, { op: "upsertEdge", type: "watched", from: "p1", to: "t1", props: { colour: "red" }, time: T }))).toBe("edge watched.props.colour");
    expect(fieldOf(() => validateMutation(s, { op: "upsertNode", type: "profile", id: "", time: T }))).toBe("node profile.id");
    expect(fieldOf(() => validateMutation(s, { op: "upsertNode", type: "planet", id: "x", time: T }))).toBe("type");
    expect(fieldOf(() => validateMutation(s, { op: "deleteEdge", type: "watched", from: "p", to: "t", time: -5 }))).toBe("edge watched.time");
    expect(fieldOf(() => validateMutation(s, { op: "upsertNode", type: "title", id: "t", props: { name: 1.5 as unknown as string }, time: T }))).toBe("node title.props.name");
    expect(fieldOf(() => validateMutation(s, { op: "fly" } as unknown as Mutation))).toBe("mutation.op");
  });
});

describe("keys", () => {
  it("orders bucket keys by time and puts the bucket first in adjacency record ids", () => {
    expect(decodeBucketKey(bucketKey(123456))).toBe(123456);
    expect(Buffer.compare(Buffer.from(bucketKey(255)), Buffer.from(bucketKey(256)))).toBeLessThan(0);
    expect(adjacencyRecordId("p1", 0x1f) < adjacencyRecordId("a0", 0x20)).toBe(true);
  });
});

describe("mergeMutations", () => {
  it("keeps each property's newest value and its time, in any order", () => {
    const a: Mutation = { op: "upsertEdge", type: "watched", from: "p", to: "t", props: { positionSec: 10, deviceId: "tv" }, time: 100 };
    const b: Mutation = { op: "upsertEdge", type: "watched", from: "p", to: "t", props: { positionSec: 20 }, time: 200 };
    for (const merged of [mergeMutations(a, b), mergeMutations(b, a)]) {
      expect(merged).toMatchObject({ time: 200, props: { positionSec: 20, deviceId: "tv" }, propTimes: { deviceId: 100 } });
    }
    expect(mutationKey(a)).toBe(mutationKey(b));
  });
  it("keeps the newer of two deletes", () => {
    const d1: Mutation = { op: "deleteNode", type: "profile", id: "p", time: 5 };
    const d2: Mutation = { op: "deleteNode", type: "profile", id: "p", time: 9 };
    expect(mergeMutations(d2, d1).time).toBe(9);
  });
});
