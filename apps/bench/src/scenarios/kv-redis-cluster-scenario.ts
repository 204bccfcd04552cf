import { createRequire } from "node:module";
import type { KvOperation } from "@rdg/kv";
import { RedisKvStore } from "@rdg/kv-redis";
import type { Cluster, Redis } from "ioredis";
import { batchedWriteRate, scatteredKey as scattered } from "../drivers/batched-writes.js";
import { rate } from "../measure.js";
import type { Scenario } from "./scenario.js";

const SINGLE_URL = process.env.RDG_BENCH_REDIS_URL ?? "redis://127.0.0.1:16379";
const CLUSTER_NODES = (process.env.RDG_BENCH_REDIS_CLUSTER ?? "127.0.0.1:17001,127.0.0.1:17002,127.0.0.1:17003").split(",");
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

type Side = "single" | "cluster" | "clusterPerSlot";
const LABEL: Record<Side, string> = { single: "single node", cluster: "cluster", clusterPerSlot: "cluster, one call per slot" };

/** A rate and the client's CPU time per operation over the same phase. */
interface Measured {
  readonly rate: number;
  readonly cpuMicros: number;
}

async function measured(run: () => Promise<{ rate: number; ops: number }>): Promise<Measured> {
  const cpu = process.cpuUsage();
  const { rate: r, ops } = await run();
  const used = process.cpuUsage(cpu);
  return { rate: r, cpuMicros: (used.user + used.system) / ops };
}

const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Deletes the keys of this run on every master (bench data only), untimed. */
async function dropKeys(client: Redis | Cluster, pattern: string): Promise<void> {
  const nodes = client.isCluster ? (client as Cluster).nodes("master") : [client as Redis];
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", 10_000);
      cursor = next;
      // One UNLINK per key: keys of one call must share a slot on a cluster node.
      await Promise.all(keys.map((key) => node.unlink(key)));
    } while (cursor !== "0");
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
 * KV put, get and range through @rdg/kv-redis on a three-master Redis Cluster beside the same
 * store on the single node, in the same run, rounds alternating; puts also through the cluster
 * with `groupClusterWrites: false` (one script call per slot: what every batch did before the
 * calls were grouped per node).
 */
export const kvRedisClusterScenario: Scenario = async (s) => {
  const prefix = `rdgbench-cl-${Date.now().toString(36)}:`;
  const stores: Record<Side, RedisKvStore> = {
    single: new RedisKvStore({ url: SINGLE_URL, keyPrefix: prefix }),
    cluster: new RedisKvStore({ clusterNodes: CLUSTER_NODES, keyPrefix: prefix }),
    clusterPerSlot: new RedisKvStore({ clusterNodes: CLUSTER_NODES, keyPrefix: prefix, groupClusterWrites: false }),
  };
  const phaseMs = (s.seconds * 1000) / ROUNDS / 3;
  try {
    for (const [side, store] of Object.entries(stores)) {
      await store.ping().catch((error: unknown) => {
        throw new Error(`Redis ${LABEL[side as Side]} does not answer (${(error as Error).message}); run services/redis.sh start --all`);
      });
    }
    const info = await (stores.single.client as Redis).info("server");
    const redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown";
    const masters = (stores.cluster.client as Cluster).nodes("master").length;

    // Puts: fresh records every round and side (the round and side name the ids).
    let written = Number.POSITIVE_INFINITY;
    const puts = async (side: Side, round: number): Promise<Measured> => {
      s.progress(`kv-redis-cluster: ${LABEL[side]} puts, round ${round + 1}/${ROUNDS}`);
      return measured(async () => {
        const tag = side === "clusterPerSlot" ? round + 100 : round;
        const { rate: r, batches } = await batchedWriteRate(phaseMs, BATCH, INFLIGHT, (b) => {
          const ops: KvOperation[] = [];
          for (let i = 0; i < BATCH; i++) ops.push({ op: "put", ns: NS, id: scattered(tag, b * BATCH + i), items: [{ key: ITEM, value: VALUE }], writeTime: 1_000_000n });
          return stores[side].mutate(ops);
        });
        if (round === 0 && side !== "clusterPerSlot") written = Math.min(written, batches * BATCH);
        return { rate: r, ops: batches * BATCH };
      });
    };
    const putRuns: Record<Side, Measured[]> = { single: [], cluster: [], clusterPerSlot: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of ["single", "cluster", "clusterPerSlot"] as const) putRuns[side].push(await puts(side, round));
    }

    // Gets: existing items of round 0, the same ids on both sides.
    const ids = Array.from({ length: 4096 }, (_, i) => scattered(0, (i * 7919) % written));
    const query = { keys: [ITEM] };
    const gets = (store: RedisKvStore, side: Side) => (): Promise<Measured> => {
      s.progress(`kv-redis-cluster: ${LABEL[side]} gets`);
      return measured(async () => {
        let ops = 0;
        const r = await rate(phaseMs, GETS_A_STEP, async (b) => {
          const calls: Promise<{ items: unknown[] }>[] = [];
          for (let i = 0; i < GETS_A_STEP; i++) calls.push(store.getItems(NS, ids[(b * GETS_A_STEP + i) & 4095]!, query));
          for (const page of await Promise.all(calls)) if (page.items.length !== 1) throw new Error(`${LABEL[side]} get missed`);
          ops += GETS_A_STEP;
        });
        return { rate: r, ops };
      });
    };

    s.progress("kv-redis-cluster: writing range data");
    for (let r = 0; r < RANGE_RECORDS; r += 100) {
      const ops: KvOperation[] = [];
      for (let id = r; id < r + 100; id++) ops.push({ op: "put", ns: "range", id: `rec${id}`, items: RANGE_KEYS.map((key) => ({ key, value: VALUE })), writeTime: 1_000_000n });
      await Promise.all([stores.single.mutate(ops), stores.cluster.mutate(ops)]);
    }
    const ranges = (store: RedisKvStore, side: Side) => (): Promise<Measured> => {
      s.progress(`kv-redis-cluster: ${LABEL[side]} ranges`);
      return measured(async () => {
        let ops = 0;
        const r = await rate(phaseMs, RANGES_A_STEP, async (b) => {
          const calls: Promise<{ items: unknown[] }>[] = [];
          for (let i = 0; i < RANGES_A_STEP; i++) calls.push(store.getItems("range", `rec${(b * RANGES_A_STEP + i) % RANGE_RECORDS}`, { limit: RANGE_ITEMS }));
          for (const page of await Promise.all(calls)) if (page.items.length !== RANGE_ITEMS) throw new Error(`${LABEL[side]} range short`);
          ops += RANGES_A_STEP;
        });
        return { rate: r, ops };
      });
    };
    const getRuns = { single: [] as Measured[], cluster: [] as Measured[] };
    const rangeRuns = { single: [] as Measured[], cluster: [] as Measured[] };
    for (let round = 0; round < ROUNDS; round++) {
      getRuns.single.push(await gets(stores.single, "single")());
      getRuns.cluster.push(await gets(stores.cluster, "cluster")());
    }
    for (let round = 0; round < ROUNDS; round++) {
      rangeRuns.single.push(await ranges(stores.single, "single")());
      rangeRuns.cluster.push(await ranges(stores.cluster, "cluster")());
    }

    const rateOf = (runs: readonly Measured[]): number => median(runs.map((m) => m.rate));
    const cpuOf = (runs: readonly Measured[]): number => median(runs.map((m) => m.cpuMicros));
    const ratio = { puts: rateOf(putRuns.cluster) / rateOf(putRuns.single), gets: rateOf(getRuns.cluster) / rateOf(getRuns.single), ranges: rateOf(rangeRuns.cluster) / rateOf(rangeRuns.single) };
    const perSlot = rateOf(putRuns.clusterPerSlot) / rateOf(putRuns.single);
    return {
      scenario: "kv-redis-cluster",
      settings: {
        seconds: s.seconds,
        rounds: ROUNDS,
        batch: BATCH,
        inflightBatches: INFLIGHT,
        getsInFlight: GETS_A_STEP,
        rangesInFlight: RANGES_A_STEP,
        valueBytes: VALUE.length,
        rangeItems: RANGE_ITEMS,
        redis: `${redisVersion}: single node at ${SINGLE_URL}; cluster of ${masters} masters at ${CLUSTER_NODES.join(", ")}`,
        ioredis: versionOf("ioredis"),
      },
      figures: {
        "single-node puts (mutate)": { value: rateOf(putRuns.single), unit: "puts/s" },
        "cluster puts (mutate, one call per node)": { value: rateOf(putRuns.cluster), unit: "puts/s" },
        "cluster puts, one call per slot (groupClusterWrites: false)": { value: rateOf(putRuns.clusterPerSlot), unit: "puts/s" },
        "single-node gets (getItems keys)": { value: rateOf(getRuns.single), unit: "gets/s" },
        "cluster gets (getItems keys)": { value: rateOf(getRuns.cluster), unit: "gets/s" },
        "single-node 50-item ranges": { value: rateOf(rangeRuns.single), unit: "ranges/s" },
        "cluster 50-item ranges": { value: rateOf(rangeRuns.cluster), unit: "ranges/s" },
        "client CPU per put, single node": { value: cpuOf(putRuns.single), unit: "µs/put" },
        "client CPU per put, cluster": { value: cpuOf(putRuns.cluster), unit: "µs/put" },
        "client CPU per put, cluster one call per slot": { value: cpuOf(putRuns.clusterPerSlot), unit: "µs/put" },
        "client CPU per get, single node": { value: cpuOf(getRuns.single), unit: "µs/get" },
        "client CPU per get, cluster": { value: cpuOf(getRuns.cluster), unit: "µs/get" },
        "client CPU per range, single node": { value: cpuOf(rangeRuns.single), unit: "µs/range" },
        "client CPU per range, cluster": { value: cpuOf(rangeRuns.cluster), unit: "µs/range" },
      },
      ratios: {
        "cluster puts / single-node puts": ratio.puts,
        "cluster puts one call per slot / single-node puts": perSlot,
        "cluster gets / single-node gets": ratio.gets,
        "cluster ranges / single-node ranges": ratio.ranges,
      },
      targets: {
        "cluster puts / single-node puts >= 0.80": { target: 0.8, actual: ratio.puts, met: ratio.puts >= 0.8 },
      },
      notes: [
        `The same @rdg/kv-redis store code on both sides, one ioredis client each (RESP2, auto-pipelining), in one process: the single node and a ${masters}-master cluster (no replicas), all on this machine; the same record ids, item keys and 100-byte values.`,
        `Puts: ${BATCH}-record batches of one-item puts, ${INFLIGHT} batches in flight. The single node sends one script call per 200 records; the cluster groups a batch's records by the master its slot map names (one call per up to 200 records of a master, the script declaring allow-cross-slot-keys); "one call per slot" is the cluster with groupClusterWrites: false, where records rarely share a slot, so nearly one call per record (the layout before grouping).`,
        `Gets: getItems with one key, ${GETS_A_STEP} in flight. Ranges: getItems limit 50 (ZRANGEBYLEX then HMGET), ${RANGES_A_STEP} in flight.`,
        "Client CPU: process.cpuUsage (user + system) of this process over the phase, divided by its operations; the Redis servers' CPU is not counted.",
        `Each figure is the median of ${ROUNDS} rounds, the sides alternating within a round. The client and the servers share the machine's cores.`,
      ],
    };
  } finally {
    await dropKeys(stores.single.client, `${prefix}*`).catch(() => undefined);
    await dropKeys(stores.cluster.client, `${prefix}*`).catch(() => undefined);
    await Promise.all(Object.values(stores).map((store) => store.close()));
  }
};
