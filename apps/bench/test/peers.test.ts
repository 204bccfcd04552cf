import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PeerUnavailableError, type Peer } from "../src/peers/peer.js";
import { PEERS, RDG_SIDES, runId } from "../src/peers/peer-registry.js";
import { PROFILE_TITLES, TITLE_VIEWERS, TWO_HOP, catalogBatches, eventBatches, type PeerWorkload } from "../src/peers/peer-workload.js";
import { answerDifference, twoHopDifference } from "../src/peers/same-answer.js";

// Real servers: PostgreSQL from services/postgres.sh (started by the peer's setup), Neo4j
// embedded and JanusGraph from their Maven Central jars (built by mvn in bench/peers/), and
// JanusGraph's and RDG's Cassandra from services/cassandra.sh. A small workload each.
const dir = mkdtempSync(join(tmpdir(), "rdg-peers-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const workload: PeerWorkload = {
  events: 6000,
  generator: { seed: 7, accounts: 1500, concurrentSessions: 400, titles: 120, games: 10, liveEvents: 4, startTime: Date.now() - 3 * 3_600_000 },
};

async function loaded(peer: Peer): Promise<Peer> {
  await peer.setup();
  await peer.load(catalogBatches(workload));
  await peer.load(eventBatches(workload));
  return peer;
}

for (const entry of PEERS) {
  describe(`peer ${entry.label} answers as RDG on ${entry.against} does, on the same events`, { timeout: 900_000 }, () => {
    const context = { dir, sync: false, run: runId() };
    let ours: Peer | undefined;
    let theirs: Peer | undefined;
    let unavailable: string | undefined;
    afterAll(async () => {
      await theirs?.teardown();
      await ours?.teardown();
    }, 300_000);

    it("loads the workload into both", async (ctx) => {
      try {
        theirs = await loaded(entry.make(context));
      } catch (error) {
        if (!entry.required && PeerUnavailableError.isInstance(error)) {
          unavailable = error.message;
          console.warn(`skipping ${entry.label}: ${error.message}`);
          ctx.skip(error.message);
        }
        throw error;
      }
      ours = await loaded(RDG_SIDES[entry.against](context));
      expect(await theirs.storageBytes()).toBeGreaterThan(0);
    });

    it("gives the same latest viewers of titles and the same titles of profiles", async (ctx) => {
      if (unavailable !== undefined) ctx.skip(unavailable);
      const profiles = new Set<string>();
      let compared = 0;
      for (let t = 0; t < 12; t++) {
        const a = await ours!.neighbors(`t${t}`, TITLE_VIEWERS);
        const b = await theirs!.neighbors(`t${t}`, TITLE_VIEWERS);
        expect(answerDifference(a, b, TITLE_VIEWERS.limit), `viewers of t${t}`).toBeUndefined();
        for (const n of a) profiles.add(n.id);
        compared += a.length;
      }
      expect(compared).toBeGreaterThan(100);
      for (const p of [...profiles].slice(0, 30)) {
        const a = await ours!.neighbors(p, PROFILE_TITLES);
        expect(a.length).toBeGreaterThan(0);
        expect(answerDifference(a, await theirs!.neighbors(p, PROFILE_TITLES), PROFILE_TITLES.limit), `titles of ${p}`).toBeUndefined();
      }
    });

    it("gives the same 2-hop answers (a profile's titles, then their latest viewers)", async (ctx) => {
      if (unavailable !== undefined) ctx.skip(unavailable);
      const start = (await ours!.neighbors("t0", TITLE_VIEWERS)).slice(0, 10).map((n) => n.id);
      expect(start.length).toBeGreaterThan(0);
      for (const p of start) {
        const a = await ours!.twoHop(p, ...TWO_HOP);
        expect(a.length).toBeGreaterThan(0);
        expect(twoHopDifference(a, await theirs!.twoHop(p, ...TWO_HOP), TWO_HOP[1].limit), `2-hop from ${p}`).toBeUndefined();
      }
    });
  });
}
