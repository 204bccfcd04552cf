import { Consumer, MessagesStreamModes, murmur2 } from "@platformatic/kafka";
import { describe, expect, it } from "vitest";
import {
  KafkaError, KafkaEventProducer, KafkaTopics, MEMBER_EVENT_TOPICS, MemberJourneyGenerator, memberEventKey, memberJourneyRouting, memberJourneyTopicNames,
  type MemberEvent,
} from "../src/index.js";
import { BROKERS, topicAdminForFile, uniquePrefix } from "./support/kafka-test-broker.js";

const kafka = topicAdminForFile();

interface Received { readonly topic: string; readonly partition: number; readonly offset: bigint; readonly key: string; readonly value: string }

/** Reads `count` records of `topics` from the start, in each partition's offset order. */
async function consumeAll(topics: readonly string[], count: number): Promise<Received[]> {
  const consumer = new Consumer({ clientId: "rdg-test", groupId: `rdg-test-${process.pid}-${Date.now()}`, bootstrapBrokers: [...BROKERS], maxWaitTime: 200 });
  const out: Received[] = [];
  try {
    const stream = await consumer.consume({ topics: [...topics], mode: MessagesStreamModes.EARLIEST, autocommit: false });
    const deadline = setTimeout(() => void stream.close(), 30_000);
    try {
      for await (const m of stream) {
        out.push({ topic: m.topic, partition: m.partition, offset: m.offset, key: m.key.toString(), value: m.value.toString() });
        if (out.length >= count) break;
      }
    } finally {
      clearTimeout(deadline);
      await stream.close();
    }
  } finally {
    await consumer.close(true);
  }
  return out;
}

/** Kafka's Java default partitioner: positive murmur2 of the key bytes, modulo the partitions. */
const javaPartition = (key: string, partitions: number): number => (murmur2(Buffer.from(key)) & 0x7fffffff) % partitions;

describe("KafkaEventProducer (real broker, services/kafka.sh)", () => {
  it("hashes keys with Kafka's murmur2 (the Java client's test vectors)", () => {
    const vectors: [string, number][] = [["21", -973932308], ["foobar", -790332482], ["a-little-bit-long-string", -985981536], ["abc", 479470107]];
    for (const [key, hash] of vectors) expect(murmur2(Buffer.from(key)) | 0, key).toBe(hash);
  });

  it("publishes every event once, to its kind's topic, keyed by its member, in order per key", async () => {
    const prefix = uniquePrefix("producer");
    const names = memberJourneyTopicNames(prefix);
    kafka.made(...Object.values(names));
    await kafka.admin().ensure(Object.values(names), { partitions: 4 });

    const events = new MemberJourneyGenerator({ seed: 7, accounts: 300, concurrentSessions: 200 }).next(5000);
    const producer = new KafkaEventProducer<MemberEvent>({ brokers: BROKERS, ...memberJourneyRouting(prefix), batchSize: 300 });
    try {
      for (let i = 0; i < events.length; i += 700) await producer.send(events.slice(i, i + 700));
      await producer.flush();
      const stats = producer.stats();
      expect(stats.acknowledged).toBe(events.length);
      expect(Object.values(stats.perTopic).reduce((a, b) => a + b, 0)).toBe(events.length);
    } finally {
      await producer.close();
    }

    const received = await consumeAll(Object.values(names), events.length);
    expect(received).toHaveLength(events.length);

    // Produced order per (topic, key), as JSON, against consumed order per partition.
    const want = new Map<string, string[]>();
    for (const e of events) {
      const topic = names[MEMBER_EVENT_TOPICS[e.type]];
      expect(e.topic, "the generator's topic is the table's").toBe(MEMBER_EVENT_TOPICS[e.type]);
      const k = `${topic}|${memberEventKey(e)}`;
      want.set(k, [...(want.get(k) ?? []), JSON.stringify(e)]);
    }
    const byPartition = [...received].sort((a, b) => (a.topic + a.partition).localeCompare(b.topic + b.partition) || Number(a.offset - b.offset));
    const got = new Map<string, string[]>();
    const partitionOfKey = new Map<string, number>();
    for (const r of byPartition) {
      const e = JSON.parse(r.value) as MemberEvent;
      expect(r.topic).toBe(names[MEMBER_EVENT_TOPICS[e.type]]);
      expect(r.key).toBe(memberEventKey(e));
      expect(r.key).toBe(e.profileId);
      const k = `${r.topic}|${r.key}`;
      expect(r.partition, `partition of ${k}, as Kafka's Java client places it`).toBe(javaPartition(r.key, 4));
      expect(partitionOfKey.get(k) ?? r.partition, `one partition per key (${k})`).toBe(r.partition);
      partitionOfKey.set(k, r.partition);
      got.set(k, [...(got.get(k) ?? []), r.value]);
    }
    // Same keys, and per key the same events in the same order: each arrived once, in order.
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, values] of want) expect(got.get(k), k).toEqual(values);
    // Keys spread over the partitions.
    expect(new Set(received.filter((r) => r.topic === names.playback).map((r) => r.partition)).size).toBe(4);
  });

  it("creates missing topics with the partitions asked for and leaves existing ones as they are", async () => {
    const prefix = uniquePrefix("topics");
    const a = `${prefix}a`;
    const b = `${prefix}b`;
    kafka.made(a, b);
    const first = await kafka.admin().ensure([a], { partitions: 3 });
    expect(first.topics).toEqual([{ topic: a, partitions: 3, created: true }]);
    expect(first.notices).toEqual([]);
    const second = await kafka.admin().ensure([a, b], { partitions: 5 });
    expect(second.topics).toEqual([{ topic: a, partitions: 3, created: false }, { topic: b, partitions: 5, created: true }]);
    expect(second.notices).toEqual([`topic ${a} exists with 3 partitions, not 5; it is left as it is (delete it to recreate it with 5)`]);
    expect(await kafka.admin().partitions([a, b, `${prefix}missing`])).toEqual(new Map([[a, 3], [b, 5]]));
    await kafka.admin().delete([a, b]);
    await expect.poll(() => kafka.admin().partitions([a, b]), { timeout: 10_000 }).toEqual(new Map());
  });

  it("an unreachable broker gives a CONNECTION KafkaError naming the address and services/kafka.sh, within seconds", async () => {
    const started = performance.now();
    const producer = new KafkaEventProducer<MemberEvent>({ brokers: ["127.0.0.1:1"], ...memberJourneyRouting("x."), retryDelayMs: 100 });
    const events = new MemberJourneyGenerator({ seed: 1, accounts: 10, concurrentSessions: 5 }).next(10);
    const error = await producer.send(events).then(() => producer.flush()).then(() => undefined, (e: unknown) => e);
    await producer.close().catch(() => undefined);
    expect(error).toBeInstanceOf(KafkaError);
    expect(error).toMatchObject({ code: "CONNECTION", isRetryable: true, field: "brokers", brokers: ["127.0.0.1:1"] });
    expect((error as Error).message).toMatch(/^\[ingest\] brokers: cannot reach Kafka at 127\.0\.0\.1:1 .*services\/kafka\.sh start/);
    expect(performance.now() - started).toBeLessThan(10_000);

    const topics = new KafkaTopics({ brokers: ["127.0.0.1:1"], retries: 0 });
    await expect(topics.ensure(["x"])).rejects.toMatchObject({ code: "CONNECTION", name: "KafkaError" });
    await topics.close();
  });

  it("refuses bad options and topic names with the option at fault", () => {
    const routing = memberJourneyRouting();
    expect(() => new KafkaEventProducer({ brokers: [], ...routing })).toThrow(/\[ingest\] brokers: is empty/);
    expect(() => new KafkaEventProducer({ brokers: ["localhost"], ...routing })).toThrow(/\[ingest\] brokers: "localhost" is not host:port/);
    expect(() => new KafkaEventProducer({ ...routing, batchSize: 0 })).toThrow(/\[ingest\] batchSize: must be a positive integer, got 0/);
    expect(() => memberJourneyTopicNames("bad prefix/")).toThrow(/\[ingest\] topicPrefix: "bad prefix\/" cannot start a Kafka topic name/);
    expect(memberJourneyTopicNames("p.")).toEqual({ auth: "p.auth", playback: "p.playback", gaming: "p.gaming", live: "p.live", search: "p.search" });
  });
});
