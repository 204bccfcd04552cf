import { join } from "node:path";
import { GraphStore, graphNamespaces } from "@rdg/graph";
import { Coalescer, MemberJourneyGenerator, mapMemberEvent } from "@rdg/ingest";
import { LmdbKvStore } from "@rdg/kv-lmdb";
import { memberJourneySchema, type Mutation } from "@rdg/model";
import { batchedWriteRate } from "../drivers/batched-writes.js";
import { rawRandomPutCeiling } from "./raw-put-ceiling.js";
import type { Scenario } from "./scenario.js";

const BATCH = 5000;

/**
 * Member-journey mutations, mapped and coalesced as the ingestion job does, cut into batches
 * before any clock starts. Sessions are warmed up past their first logins.
 */
export function prepareMutationBatches(batchSize: number, count: number): Mutation[][] {
  const generator = new MemberJourneyGenerator({ startTime: Date.now() - 6 * 3_600_000 });
  const batches: Mutation[][] = [];
  const coalescer = new Coalescer();
  generator.next(400_000);
  let windowStart = generator.clock;
  while (batches.length < count) {
    for (const e of generator.next(1000)) for (const m of mapMemberEvent(e)) coalescer.add(m);
    if (generator.clock - windowStart >= 60_000 || coalescer.size >= batchSize) {
      const all = coalescer.drain();
      for (let i = 0; i < all.length; i += batchSize) batches.push(all.slice(i, i + batchSize));
      windowStart = generator.clock;
    }
  }
  return batches;
}

/**
 * Graph writes alone: member-journey mutations prepared (mapped and coalesced) before the clock
 * starts, then written through GraphStore onto kv-lmdb, two batches in flight, against raw
 * lmdb-js random puts in the same run.
 */
export const graphWritesScenario: Scenario = async (s) => {
  s.progress("graph-writes: preparing mutations");
  const batches = prepareMutationBatches(BATCH, 400);
  const ms = s.seconds * 1000;
  const kv = new LmdbKvStore({ path: join(s.dataDir, "graph"), namespaces: graphNamespaces(memberJourneySchema), noSync: !s.sync });
  const graph = new GraphStore({ kv, schema: memberJourneySchema });
  let kvOps = 0;
  let mutations = 0;
  s.progress("graph-writes: writing");
  const { rate: mutationRate } = await batchedWriteRate(ms / 2, 1, 2, async (b) => {
    const batch = batches[b % batches.length]!;
    mutations += batch.length;
    const written = await graph.write(batch, { validate: false });
    kvOps += written;
  }).then(({ rate, batches: n }) => ({ rate: (rate * mutations) / Math.max(1, n) }));
  await kv.close();
  s.progress("graph-writes: raw lmdb-js random put ceiling");
  const opsPerTransaction = Math.max(1000, Math.round(kvOps / Math.max(1, Math.ceil(mutations / BATCH))));
  const ceiling = await rawRandomPutCeiling(s.dataDir, s.sync, ms / 2, opsPerTransaction);
  const avgBatch = mutations / Math.max(1, Math.ceil(mutations / BATCH));
  return {
    scenario: "graph-writes",
    settings: { seconds: s.seconds, sync: s.sync, mutationsPerBatch: BATCH, inflightBatches: 2, preparedBatches: batches.length },
    figures: {
      "graph mutation rate": { value: mutationRate, unit: "mutations/s" },
      "KV operations per mutation": { value: kvOps / Math.max(1, mutations), unit: "ops" },
      "raw lmdb-js random puts (same transaction size)": { value: ceiling, unit: "puts/s" },
      "KV operations per write transaction": { value: opsPerTransaction, unit: "ops" },
      "mean mutations per batch": { value: avgBatch, unit: "mutations" },
    },
    ratios: { "graph mutations / raw random puts": mutationRate / ceiling },
    targets: { "mutation ratio >= 0.60": { target: 0.6, actual: mutationRate / ceiling, met: mutationRate / ceiling >= 0.6 } },
    notes: ["Batches are replayed in a loop once exhausted; replays are no-op ties under last-write-wins, which makes later rounds cheaper, so the prepared set is large."],
  };
};
