import { describe, expect, it } from "vitest";
import { KafkaEventProducer, KafkaSource, KafkaTopics, kafkaRecordOrigin, type SourceBatch } from "../src/index.js";
import { BROKERS, topicAdminForFile, uniquePrefix } from "./support/kafka-test-broker.js";

// What a KafkaSource does when its consumer group moves partitions: batches made before the
// move commit only the partitions the member still owns, records of revoked partitions are no
// longer handed out, records fetched again are not handed out twice, and the next batch says
// the ownership changed (the job then forgets the edge times it remembers).

const kafka = topicAdminForFile();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Rec {
  readonly key: string;
  readonly n: number;
}

async function produce(topic: string, records: readonly Rec[]): Promise<void> {
  const producer = new KafkaEventProducer<Rec>({ brokers: BROKERS, topicOf: () => topic, keyOf: (r) => r.key, batchSize: 100 });
  try {
    await producer.send(records);
    await producer.flush();
  } finally {
    await producer.close();
  }
}

async function until(what: string, test: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

describe("KafkaSource in a rebalance (real broker, services/kafka.sh)", () => {
  it("commits only the partitions it still owns, hands out no record twice, and flags the next batch", async () => {
    const topic = `${uniquePrefix("rebalance")}t`;
    kafka.made(topic);
    await kafka.admin().ensure([topic], { partitions: 2 });
    const first: Rec[] = Array.from({ length: 200 }, (_, n) => ({ key: `k${n}`, n }));
    await produce(topic, first);

    const group = `rdg-test-rebalance-${process.pid}-${Date.now().toString(36)}`;
    const options = { brokers: BROKERS, topics: [topic], group, batchSize: 1000, lingerMs: 300, sessionTimeoutMs: 6000 };
    const one = new KafkaSource<Rec>(options);
    const two = new KafkaSource<Rec>(options);
    const stopTwo = new AbortController();
    const oneIt = one.batches(new AbortController().signal)[Symbol.asyncIterator]();
    const twoBatches: SourceBatch<unknown>[] = [];
    try {
      // One alone: it owns both partitions and gets every record in its first batch, uncommitted.
      const before = (await oneIt.next()).value as SourceBatch<Rec>;
      expect(before.events).toHaveLength(200);
      expect(one.assignment).toEqual([`${topic}/0`, `${topic}/1`]);
      expect(before.ownershipChanged).toBe(false);

      // Two joins: the group gives it one partition. It reads (from the start: nothing committed)
      // and commits nothing.
      const twoRun = (async () => {
        for await (const b of two.batches(stopTwo.signal)) twoBatches.push(b);
      })();
      twoRun.catch(() => undefined);
      await until("the group to split the partitions", () => one.rebalances === 1 && two.assignment.length === 1 && one.assignment.length === 1, 30_000);
      const moved = two.assignment[0]!;
      const kept = one.assignment[0]!;
      expect(kept).not.toBe(moved);

      // The batch made before the move commits the partition one kept, not the one that moved.
      await before.commit();
      const admin = new KafkaTopics({ brokers: BROKERS });
      try {
        const { offsets } = await admin.committed(group, [topic]);
        expect(offsets.has(kept)).toBe(true);
        expect(offsets.has(moved)).toBe(false);
      } finally {
        await admin.close();
      }

      // New records: one hands out only those of its partition, none it handed out before
      // (its consumer fetched the kept partition again from the committed offset), and says
      // that its ownership changed.
      const second: Rec[] = Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, n: 200 + i }));
      await produce(topic, second);
      const after = (await oneIt.next()).value as SourceBatch<Rec>;
      expect(after.ownershipChanged).toBe(true);
      expect(after.events.length).toBeGreaterThan(0);
      expect(after.events.every((e) => e.n >= 200)).toBe(true);
      const keptPartition = Number(kept.slice(kept.lastIndexOf("/") + 1));
      expect(after.events.every((e) => kafkaRecordOrigin(e)?.partition === keptPartition)).toBe(true);
    } finally {
      stopTwo.abort();
      await oneIt.return?.(undefined);
      expect(twoBatches.every((b) => b.events.length > 0)).toBe(true);
      await Promise.all([one.close(), two.close()]);
    }
  }, 90_000);
});
