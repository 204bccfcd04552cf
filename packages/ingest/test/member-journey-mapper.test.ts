import { describe, expect, it } from "vitest";
import { MemoryKvStore } from "@rdg/kv";
import { GraphStore, graphNamespaces } from "@rdg/graph";
import { memberJourneySchema, validateMutation } from "@rdg/model";
import { ArraySource, IngestJob, MemberJourneyGenerator, MemoryDeadLetterSink, mapMemberEvent, memberEventTime } from "../src/index.js";

const T0 = Date.UTC(2026, 10, 25, 10);
const clock = { now: () => T0 + 86_400_000 };

describe("mapMemberEvent", () => {
  it("emits only complete upserts: every mutation of a generated journey and its catalogue is valid without partial", () => {
    const gen = new MemberJourneyGenerator({ seed: 11, accounts: 300, concurrentSessions: 200, titles: 50, games: 10, liveEvents: 3, startTime: T0 });
    let checked = 0;
    for (const m of gen.catalog()) {
      validateMutation(memberJourneySchema, m, clock);
      checked++;
    }
    const types = new Set<string>();
    for (const e of gen.next(20_000)) {
      for (const m of mapMemberEvent(e)) {
        expect(validateMutation(memberJourneySchema, m, clock)).toBe(m);
        expect("partial" in m && m.partial).toBeFalsy();
        types.add(`${m.op} ${m.type}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20_000);
    expect(types).toContain("upsertNode profile");
    expect(types).toContain("upsertNode device");
  });

  it("upserts the profile nodes the events talk about", async () => {
    const gen = new MemberJourneyGenerator({ seed: 3, accounts: 40, concurrentSessions: 20, titles: 10, games: 2, liveEvents: 1, startTime: T0 });
    const events = gen.next(400);
    const graph = new GraphStore({ kv: new MemoryKvStore({ namespaces: graphNamespaces(memberJourneySchema) }), schema: memberJourneySchema, now: () => T0 + 3_600_000 });
    const job = new IngestJob({ name: "t", source: new ArraySource(events, 100), map: mapMemberEvent, graph, deadLetters: new MemoryDeadLetterSink(), eventTime: memberEventTime });
    const m = await job.run();
    expect(m.deadLetters).toBe(0);
    const loggedIn = [...new Set(events.filter((e) => e.type === "login").map((e) => e.profileId))];
    expect(loggedIn.length).toBeGreaterThan(0);
    const nodes = await graph.getNodes("profile", loggedIn);
    expect(nodes.every((n) => n !== undefined)).toBe(true);
    const owners = await graph.neighbors(loggedIn[0]!, { edge: "profileOf", lookbackMs: 1e12 });
    expect(owners.edges.length).toBe(1);
  });
});
