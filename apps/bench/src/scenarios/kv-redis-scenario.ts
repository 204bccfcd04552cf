import { createRequire } from "node:module";
import type { KvOperation } from "@rdg/kv";
import { RedisKvStore } from "@rdg/kv-redis";
import { Redis } from "ioredis";
import { batchedWriteRate, scatteredKey as scattered } from "../drivers/batched-writes.js";
import { dropKeys } from "../drivers/redis-keys.js";
import { interleaved, rate } from "../measure.js";
import type { Scenario } from "./scenario.js";

const URL = process.env.RDG_BENCH_REDIS_URL ?? "redis://127.0.0.1:16379";
const BATCH = 1000;
const INFLIGHT = 2;
const ROUNDS = 3;
const GETS_A_STEP = 1000;
const RANGES_A_STEP = 100;
const NS = "bench";
const ITEM = Buffer.from("v");
const VALUE = Buffer.alloc(100, 7);
const RANGE_RECORDS = 2000;
const RANGE_ITEMS = 50;
const RANGE_KEYS = Array.from({ length: RANGE_ITEMS }, (_, i) => Buffer.from(`i${String(i).padStart(3, "0")}`));

/**
 * Redis driven directly with the same data layout as @rdg/kv-redis (a record is a sorted set of
 * item keys and a hash of item key -> value under one hash tag), without last-write-wins,
 * tombstones, TTL or the entry header: the ceiling the store is measured against.
 */
export class RawRedisDriver {
  readonly client: Redis;
  readonly #prefix: string;

  constructor(prefix: string) {
    // The store's own client settings: RESP2, auto-pipelining.
    this.client = new Redis(URL, { protocol: 2, enableAutoPipelining: true, maxRetriesPerRequest: 1 });
    this.#prefix = prefix;
  }

  key(id: string, suffix: "z" | "h"): string {
    return `${this.#prefix}{${id}}${suffix}`;
  }

  /** One pipeline: HSET and ZADD of every record, as the store's script does server side. */
  async putBatch(ids: readonly string[], item: Buffer, value: Buffer): Promise<void> {
    const pipeline = this.client.pipeline();
    for (const id of ids) {
      pipeline.hset(this.key(id, "h"), item, value);
      pipeline.zadd(this.key(id, "z"), 0, item);
    }
    const results = await pipeline.exec();
    for (const [error] of results ?? []) if (error) throw error;
  }

  async putRecord(id: string, keys: readonly Buffer[], value: Buffer): Promise<void> {
    const fields: Buffer[] = [];
    const members: (number | Buffer)[] = [];
    for (const k of keys) {
      fields.push(k, value);
      members.push(0, k);
    }
    await Promise.all([this.client.hset(this.key(id, "h"), ...fields), this.client.zadd(this.key(id, "z"), ...members)]);
  }

  get(id: string, item: Buffer): Promise<Buffer | null> {
    return this.client.hgetBuffer(this.key(id, "h"), item);
  }

  /** The first `limit` items: ZRANGEBYLEX for the keys, then HMGET for the values. */
  async range(id: string, limit: number): Promise<Buffer[]> {
    const keys = await this.client.zrangebylexBuffer(this.key(id, "z"), "-", "+", "LIMIT", 0, limit);
    if (keys.length === 0) return [];
    const values = await this.client.hmgetBuffer(this.key(id, "h"), ...keys);
    return values.filter((v): v is Buffer => v !== null);
  }
}

const versionOf = (pkg: string): string => {
  try {
    return (createRequire(import.meta.url)(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return "unknown";
  }
};

/**
 * KV put, get and range through @rdg/kv-redis against raw ioredis doing the same operations on
 * the same single-node Redis in the same run, rounds alternating: 1000-record batches of
 * one-item puts (two batches in flight), point gets of existing items (1000 in flight),
 * and 50-item range reads (100 in flight).
 */
export const kvRedisScenario: Scenario = async (s) => {
  const run = `b${Date.now().toString(36)}`;
  const rawPrefix = `rdgbench-raw-${run}:`;
  const oursPrefix = `rdgbench-ours-${run}:`;
  const raw = new RawRedisDriver(rawPrefix);
  const ours = new RedisKvStore({ url: URL, keyPrefix: oursPrefix });
  const phaseMs = (s.seconds * 1000) / ROUNDS;
  try {
    try {
      await ours.ping();
      await raw.client.ping();
    } catch (error) {
      throw new Error(`Redis at ${URL} does not answer (${(error as Error).message}); run services/redis.sh start`);
    }
    const info = await raw.client.info("server");
    const redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown";

    // Puts: fresh records every round for both sides; rounds after the first are dropped after
    // measuring, to bound the server's memory.
    let written = Number.POSITIVE_INFINITY;
    const putRound = (side: "raw" | "ours", round: number) => async (): Promise<number> => {
      s.progress(`kv-redis: ${side} puts, round ${round + 1}/${ROUNDS}`);
      const { rate: r, batches } = await batchedWriteRate(phaseMs, BATCH, INFLIGHT, (b) => {
        const base = b * BATCH;
        if (side === "raw") {
          const ids: string[] = [];
          for (let i = 0; i < BATCH; i++) ids.push(scattered(round, base + i));
          return raw.putBatch(ids, ITEM, VALUE);
        }
        const ops: KvOperation[] = [];
        for (let i = 0; i < BATCH; i++) ops.push({ op: "put", ns: NS, id: scattered(round, base + i), items: [{ key: ITEM, value: VALUE }], writeTime: 1_000_000n });
        return ours.mutate(ops);
      });
      if (round === 0) written = Math.min(written, batches * BATCH);
      else await dropKeys(raw.client, `${side === "raw" ? rawPrefix : oursPrefix}{*r${round}-*`);
      return r;
    };
    let round = 0;
    const puts = await interleaved(ROUNDS, () => putRound("raw", round)(), () => putRound("ours", round++)());

    // Gets: existing items of round 0, the same ids on both sides.
    const ids = Array.from({ length: 4096 }, (_, i) => scattered(0, (i * 7919) % written));
    const query = { keys: [ITEM] };
    const gets = await interleaved(
      ROUNDS,
      async () => {
        s.progress("kv-redis: raw gets");
        return rate(phaseMs, GETS_A_STEP, async (b) => {
          const calls: Promise<Buffer | null>[] = [];
          for (let i = 0; i < GETS_A_STEP; i++) calls.push(raw.get(ids[(b * GETS_A_STEP + i) & 4095]!, ITEM));
          for (const v of await Promise.all(calls)) if (v === null) throw new Error("raw get missed");
        });
      },
      async () => {
        s.progress("kv-redis: ours gets");
        return rate(phaseMs, GETS_A_STEP, async (b) => {
          const calls: Promise<{ items: unknown[] }>[] = [];
          for (let i = 0; i < GETS_A_STEP; i++) calls.push(ours.getItems(NS, ids[(b * GETS_A_STEP + i) & 4095]!, query));
          for (const page of await Promise.all(calls)) if (page.items.length !== 1) throw new Error("get missed");
        });
      },
    );

    // Ranges: 50 items a record, the first 50 (all) of a record.
    s.progress("kv-redis: writing range data");
    for (let r = 0; r < RANGE_RECORDS; r += 100) {
      const ops: KvOperation[] = [];
      const rawWrites: Promise<void>[] = [];
      for (let id = r; id < r + 100; id++) {
        ops.push({ op: "put", ns: "range", id: `rec${id}`, items: RANGE_KEYS.map((key) => ({ key, value: VALUE })), writeTime: 1_000_000n });
        rawWrites.push(raw.putRecord(`range/rec${id}`, RANGE_KEYS, VALUE));
      }
      await Promise.all([ours.mutate(ops), ...rawWrites]);
    }
    const ranges = await interleaved(
      ROUNDS,
      async () => {
        s.progress("kv-redis: raw ranges");
        return rate(phaseMs, RANGES_A_STEP, async (b) => {
          const calls: Promise<Buffer[]>[] = [];
          for (let i = 0; i < RANGES_A_STEP; i++) calls.push(raw.range(`range/rec${(b * RANGES_A_STEP + i) % RANGE_RECORDS}`, RANGE_ITEMS));
          for (const values of await Promise.all(calls)) if (values.length !== RANGE_ITEMS) throw new Error("raw range short");
        });
      },
      async () => {
        s.progress("kv-redis: ours ranges");
        return rate(phaseMs, RANGES_A_STEP, async (b) => {
          const calls: Promise<{ items: unknown[] }>[] = [];
          for (let i = 0; i < RANGES_A_STEP; i++) calls.push(ours.getItems("range", `rec${(b * RANGES_A_STEP + i) % RANGE_RECORDS}`, { limit: RANGE_ITEMS }));
          for (const page of await Promise.all(calls)) if (page.items.length !== RANGE_ITEMS) throw new Error("range short");
        });
      },
    );

    return {
      scenario: "kv-redis",
      settings: {
        seconds: s.seconds,
        rounds: ROUNDS,
        batch: BATCH,
        inflightBatches: INFLIGHT,
        getsInFlight: GETS_A_STEP,
        rangesInFlight: RANGES_A_STEP,
        valueBytes: VALUE.length,
        rangeItems: RANGE_ITEMS,
        redis: `${redisVersion} single node at ${URL}`,
        ioredis: versionOf("ioredis"),
      },
      figures: {
        "raw ioredis puts (pipelined HSET+ZADD)": { value: puts.ceiling, unit: "puts/s" },
        "kv-redis puts (mutate, LWW script server side)": { value: puts.ours, unit: "puts/s" },
        "raw ioredis gets (HGET)": { value: gets.ceiling, unit: "gets/s" },
        "kv-redis gets (getItems keys)": { value: gets.ours, unit: "gets/s" },
        "raw ioredis 50-item ranges (ZRANGEBYLEX+HMGET)": { value: ranges.ceiling, unit: "ranges/s" },
        "kv-redis 50-item ranges (getItems range)": { value: ranges.ours, unit: "ranges/s" },
      },
      ratios: { puts: puts.ratio, gets: gets.ratio, ranges: ranges.ratio },
      targets: {
        "puts ratio >= 0.80": { target: 0.8, actual: puts.ratio, met: puts.ratio >= 0.8 },
        "gets ratio >= 0.80": { target: 0.8, actual: gets.ratio, met: gets.ratio >= 0.8 },
        "ranges ratio >= 0.80": { target: 0.8, actual: ranges.ratio, met: ranges.ratio >= 0.8 },
      },
      notes: [
        "Both sides use one ioredis client each (RESP2, auto-pipelining) on the same single-node Redis, the same record ids, item keys and 100-byte values, and the same key layout (a sorted set of item keys and a hash of values per record, under one hash tag).",
        `Puts: raw sends HSET + ZADD per record in one pipeline per ${BATCH}-record batch, no read, no rule; ours validates the batch and sends one EVALSHA per 200 records (the last-write-wins script: per record an HMGET of the existing entry and the record's meta, the LWW rule, HSET, ZADD), all calls of a batch pipelined; ${INFLIGHT} batches in flight on both sides. Ours can pass raw here because Redis parses and dispatches 5 script calls a batch instead of 2000 commands (fewer, larger commands), although each record costs it more inside the script. Ours stores a 9-byte header (flags, write time) before each value.`,
        `Gets: raw HGET; ours getItems with one key (HGET, then header decode and TTL check); ${GETS_A_STEP} in flight on both sides.`,
        `Ranges: raw ZRANGEBYLEX LIMIT 50 then HMGET (two round trips); ours getItems with limit 50: ZRANGEBYLEX LIMIT 51 (one more, to know whether a next page exists) then HMGET, then header decode, TTL check, page-bytes cut and Item objects with bigint write times; ${RANGES_A_STEP} in flight on both sides.`,
        `Each figure is the median of ${ROUNDS} rounds, raw and ours alternating. Redis runs on the same 2-core machine as the client.`,
      ],
    };
  } finally {
    await dropKeys(raw.client, `${rawPrefix}*`).catch(() => undefined);
    await dropKeys(raw.client, `${oursPrefix}*`).catch(() => undefined);
    await ours.close();
    raw.client.disconnect();
  }
};
