import { CassandraKvStore } from "@rdg/kv-cassandra";
import type { KvOperation } from "@rdg/kv";
import { Client, ExecutionProfile, concurrent, policies, types } from "cassandra-driver";
import { batchedWriteRate, scatteredKey as scattered } from "../drivers/batched-writes.js";
import { interleaved, rate } from "../measure.js";
import type { Scenario } from "./scenario.js";

const CONTACT_POINT = process.env["RDG_CASSANDRA_CONTACT_POINT"] ?? "127.0.0.1:19042";
const KEYSPACE = "rdg_bench";
const BATCH = 1000;
const INFLIGHT_BATCHES = 2;
/** Requests in flight per batch, on both sides (ours: `writeConcurrency`; raw: `concurrencyLevel`). */
const CONCURRENCY = 32;
/** Reads in flight at once, on both sides. */
const READS_IN_FLIGHT = 64;
/** Many short alternating rounds: on a shared 2-core machine the server's speed drifts by the second. */
const ROUNDS = 7;
const ITEM = Buffer.from("v");
const VALUE = Buffer.alloc(100, 7);
const RANGE_RECORDS = 1000;
const RANGE_ITEMS = 50;
const WRITE_TIME = 1_000_000n;
const NS = { puts: "bench.puts", ranges: "bench.ranges" } as const;
const COLUMNS = "key, value, WRITETIME(value) AS wt, TTL(value) AS ttl";
const SETTLE_MAX_MS = 60_000;

/**
 * Raw statements on ours' own tables: both sides write the same kind of rows into the same
 * table and read the very same rows, so the storage state (memtable, sstables, compaction) is
 * the same for both and only the client path differs.
 */
function rawStatements(puts: { keyspace: string; table: string }, ranges: { keyspace: string; table: string }): { insert: string; get: string; range: string } {
  const p = `"${puts.keyspace}"."${puts.table}"`;
  return {
    insert: `INSERT INTO ${p} (id, key, value) VALUES (?, ?, ?) USING TIMESTAMP ?`,
    get: `SELECT ${COLUMNS} FROM ${p} WHERE id = ? AND key = ?`,
    range: `SELECT ${COLUMNS} FROM "${ranges.keyspace}"."${ranges.table}" WHERE id = ? LIMIT ?`,
  };
}

/**
 * Waits (bounded) until the node runs no compaction, so a read phase does not start while the
 * write phase's compactions still take CPU from whichever side happens to run first.
 */
async function settle(client: Client, progress: (text: string) => void): Promise<void> {
  const until = performance.now() + SETTLE_MAX_MS;
  while (performance.now() < until) {
    const rs = await client.execute("SELECT task_id FROM system_views.sstable_tasks");
    if (rs.rowLength === 0) return;
    progress(`kv-cassandra: waiting for ${rs.rowLength} compaction(s) to finish`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Runs `count` calls of `call(i)` with `inflight` at once; resolves when all are done. */
async function pooled(count: number, inflight: number, call: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await call(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inflight, count) }, worker));
}

/** Client CPU (user + system) per operation of each side: unlike rates, insensitive to the server's load. */
class CpuMeter {
  readonly #micros = new Map<string, { cpu: number; ops: number }>();

  async measure(label: string, run: () => Promise<number>): Promise<number> {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const opsPerSecond = await run();
    const cpu = process.cpuUsage(cpu0);
    const total = this.#micros.get(label) ?? { cpu: 0, ops: 0 };
    total.cpu += cpu.user + cpu.system;
    total.ops += (opsPerSecond * (performance.now() - t0)) / 1000;
    this.#micros.set(label, total);
    return opsPerSecond;
  }

  perOp(label: string): number {
    const total = this.#micros.get(label);
    return total === undefined || total.ops === 0 ? Number.NaN : total.cpu / total.ops;
  }
}

export async function connect(): Promise<Client> {
  const client = new Client({
    contactPoints: [CONTACT_POINT],
    localDataCenter: "datacenter1",
    encoding: { useBigIntAsLong: true },
    policies: { reconnection: new policies.reconnection.ConstantReconnectionPolicy(1000) },
    // The raw side's statements run at the same consistency as ours (LOCAL_QUORUM).
    profiles: [new ExecutionProfile("raw", { consistency: types.consistencies.localQuorum })],
  });
  try {
    await client.connect();
  } catch (error) {
    await client.shutdown().catch(() => undefined);
    throw new Error(`Cassandra is not answering on ${CONTACT_POINT}: run services/cassandra.sh start (${error instanceof Error ? error.message : String(error)})`);
  }
  return client;
}

/**
 * KV put, get and range through @rdg/kv-cassandra against the raw cassandra-driver doing the
 * same operations on a table of the same layout, in the same run, over the same client: puts
 * in 1000-operation batches (one record each, 32 requests in flight per batch, two batches in
 * flight), point gets of existing keys and 50-item range reads (64 in flight).
 */
export const kvCassandraScenario: Scenario = async (s) => {
  const client = await connect();
  const ours = new CassandraKvStore({ client, keyspace: KEYSPACE, writeConcurrency: CONCURRENCY });
  const phaseMs = (s.seconds * 1000) / ROUNDS;
  const cpu = new CpuMeter();
  const raw = { consistency: types.consistencies.localQuorum, prepare: true, isIdempotent: true };
  try {
    s.progress("kv-cassandra: schema and warm-up");
    await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${KEYSPACE} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'}`);
    await ours.putItems(NS.puts, "warm-up", [{ key: ITEM, value: VALUE }], { writeTime: WRITE_TIME });
    await ours.getItems(NS.puts, "warm-up", { keys: [ITEM] });
    await ours.getItems(NS.ranges, "warm-up", { limit: RANGE_ITEMS });
    const RAW = rawStatements(ours.namespaceTable(NS.puts), ours.namespaceTable(NS.ranges));
    await client.execute(RAW.insert, ["warm-up", ITEM, VALUE, WRITE_TIME], raw);
    await client.execute(RAW.get, ["warm-up", ITEM], raw);
    await client.execute(RAW.range, ["warm-up", RANGE_ITEMS], raw);

    // Puts: one item into a fresh record per operation, into the same table; ids differ by a side prefix.
    let written = Number.POSITIVE_INFINITY;
    const putRound = (side: "raw" | "ours", round: number) => async (): Promise<number> => {
      s.progress(`kv-cassandra: ${side} puts, round ${round + 1}/${ROUNDS}`);
      const { rate: r, batches } = await batchedWriteRate(phaseMs, BATCH, INFLIGHT_BATCHES, async (b) => {
        const base = b * BATCH;
        if (side === "raw") {
          const params: unknown[][] = [];
          for (let i = 0; i < BATCH; i++) params.push([`R${scattered(round, base + i)}`, ITEM, VALUE, WRITE_TIME]);
          await concurrent.executeConcurrent(client, RAW.insert, params, { concurrencyLevel: CONCURRENCY, executionProfile: "raw", raiseOnFirstError: true });
          return;
        }
        const ops: KvOperation[] = [];
        for (let i = 0; i < BATCH; i++) ops.push({ op: "put", ns: NS.puts, id: `K${scattered(round, base + i)}`, items: [{ key: ITEM, value: VALUE }], writeTime: WRITE_TIME });
        await ours.mutate(ops);
      });
      if (round === 0) written = Math.min(written, batches * BATCH);
      return r;
    };
    let round = 0;
    const puts = await interleaved(ROUNDS, () => cpu.measure("raw puts", putRound("raw", round)), () => cpu.measure("ours puts", putRound("ours", round++)));

    await settle(client, s.progress);

    // Gets: the same existing rows (ours' round 0) on both sides, 64 in flight.
    const keys = Array.from({ length: 4096 }, (_, i) => `K${scattered(0, (i * 7919) % written)}`);
    const gets = await interleaved(
      ROUNDS,
      () => cpu.measure("raw gets", () => {
        s.progress("kv-cassandra: raw gets");
        return rate(phaseMs, BATCH, (b) => pooled(BATCH, READS_IN_FLIGHT, async (i) => {
          const rs = await client.execute(RAW.get, [keys[(b * BATCH + i) & 4095]!, ITEM], raw);
          if (rs.rowLength !== 1) throw new Error("raw get missed");
        }));
      }),
      () => cpu.measure("ours gets", () => {
        s.progress("kv-cassandra: ours gets");
        return rate(phaseMs, BATCH, (b) => pooled(BATCH, READS_IN_FLIGHT, async (i) => {
          const page = await ours.getItems(NS.puts, keys[(b * BATCH + i) & 4095]!, { keys: [ITEM] });
          if (page.items.length !== 1) throw new Error("get missed");
        }));
      }),
    );

    // Ranges: 50 items a record, written once (idempotent across runs: same ids, same time); both sides read the same records.
    s.progress("kv-cassandra: writing range data");
    const rangeKeys = Array.from({ length: RANGE_ITEMS }, (_, i) => Buffer.from(`i${String(i).padStart(3, "0")}`));
    for (let r = 0; r < RANGE_RECORDS; r += 100) {
      const ops: KvOperation[] = [];
      for (let id = r; id < r + 100; id++) ops.push({ op: "put", ns: NS.ranges, id: `rec${id}`, items: rangeKeys.map((key) => ({ key, value: VALUE })), writeTime: WRITE_TIME });
      await ours.mutate(ops);
    }
    await settle(client, s.progress);
    const ranges = await interleaved(
      ROUNDS,
      () => cpu.measure("raw ranges", () => {
        s.progress("kv-cassandra: raw ranges");
        return rate(phaseMs, 100, (b) => pooled(100, READS_IN_FLIGHT, async (i) => {
          const rs = await client.execute(RAW.range, [`rec${(b * 100 + i) % RANGE_RECORDS}`, RANGE_ITEMS], raw);
          if (rs.rowLength !== RANGE_ITEMS) throw new Error("raw range short");
        }));
      }),
      () => cpu.measure("ours ranges", () => {
        s.progress("kv-cassandra: ours ranges");
        return rate(phaseMs, 100, (b) => pooled(100, READS_IN_FLIGHT, async (i) => {
          const page = await ours.getItems(NS.ranges, `rec${(b * 100 + i) % RANGE_RECORDS}`, { limit: RANGE_ITEMS });
          if (page.items.length !== RANGE_ITEMS) throw new Error("range short");
        }));
      }),
    );

    const version = (await client.execute("SELECT release_version FROM system.local")).first()?.["release_version"] as string | undefined;
    return {
      scenario: "kv-cassandra",
      settings: {
        seconds: s.seconds, rounds: ROUNDS, batch: BATCH, inflightBatches: INFLIGHT_BATCHES, requestsInFlightPerBatch: CONCURRENCY,
        readsInFlight: READS_IN_FLIGHT, valueBytes: VALUE.length, rangeItems: RANGE_ITEMS, consistency: "LOCAL_QUORUM",
        cassandra: version ?? "unknown", cassandraNodes: client.hosts.length, contactPoint: CONTACT_POINT, cassandraDriver: "4.10.0",
      },
      figures: {
        "raw cassandra-driver puts": { value: puts.ceiling, unit: "puts/s" },
        "kv-cassandra puts": { value: puts.ours, unit: "puts/s" },
        "raw cassandra-driver gets": { value: gets.ceiling, unit: "gets/s" },
        "kv-cassandra gets": { value: gets.ours, unit: "gets/s" },
        "raw cassandra-driver 50-item ranges": { value: ranges.ceiling, unit: "ranges/s" },
        "kv-cassandra 50-item ranges": { value: ranges.ours, unit: "ranges/s" },
        "raw client CPU per put": { value: cpu.perOp("raw puts"), unit: "µs/op" },
        "kv-cassandra client CPU per put": { value: cpu.perOp("ours puts"), unit: "µs/op" },
        "raw client CPU per get": { value: cpu.perOp("raw gets"), unit: "µs/op" },
        "kv-cassandra client CPU per get": { value: cpu.perOp("ours gets"), unit: "µs/op" },
        "raw client CPU per range": { value: cpu.perOp("raw ranges"), unit: "µs/op" },
        "kv-cassandra client CPU per range": { value: cpu.perOp("ours ranges"), unit: "µs/op" },
      },
      ratios: { puts: puts.ratio, gets: gets.ratio, ranges: ranges.ratio },
      targets: {
        "puts ratio >= 0.80": { target: 0.8, actual: puts.ratio, met: puts.ratio >= 0.8 },
        "gets ratio >= 0.80": { target: 0.8, actual: gets.ratio, met: gets.ratio >= 0.8 },
        "ranges ratio >= 0.80": { target: 0.8, actual: ranges.ratio, met: ranges.ratio >= 0.8 },
      },
      notes: [
        `Raw puts: cassandra-driver's concurrent.executeConcurrent of a prepared "INSERT ... USING TIMESTAMP ?" (concurrencyLevel ${CONCURRENCY}) per 1000-row batch. ` +
          `Ours: mutate() of 1000 put operations; it validates each, groups them by partition (here one item per record, so one prepared "INSERT ... USING TIMESTAMP ? AND TTL ?" each) and sends ${CONCURRENCY} at a time. Two batches in flight on both sides.`,
        `Raw gets: prepared "SELECT key, value, WRITETIME(value), TTL(value) ... WHERE id = ? AND key = ?". Ours: getItems(ns, id, { keys: [key] }), the same statement plus argument checks and Item objects (BigInt write time). ${READS_IN_FLIGHT} in flight on both sides.`,
        `Raw ranges: prepared "SELECT key, value, WRITETIME(value), TTL(value) ... WHERE id = ? LIMIT 50" of a 50-row partition. Ours: getItems(ns, id, { limit: 50 }), which asks LIMIT 51 to know whether a next page exists and bounds the page by bytes. ${READS_IN_FLIGHT} in flight on both sides.`,
        "Both sides share one client (one connection pool, token-aware routing), LOCAL_QUORUM, and the same tables: raw puts write rows of their own ids into ours' table, and both sides read the very same rows, so storage state (memtables, sstables) is the same for both. Before each read phase the run waits (up to 60 s) until the node runs no compaction. The Cassandra node runs on the same 2-core machine as the benchmark.",
        `Each rate is the median of ${ROUNDS} rounds, raw and ours alternating; the node shares the 2 cores with the benchmark and anything else running, so rates drift and a ratio is only as steady as the load (see loadAverageAtStart).`,
        "Client CPU per operation (this process's user + system time over the operations of each side, all rounds) shows what the store itself costs over the raw driver, independent of the server's speed.",
      ],
    };
  } finally {
    await ours.close();
    await client.shutdown();
  }
};
