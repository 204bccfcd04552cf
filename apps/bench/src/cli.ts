#!/usr/bin/env node
import { dirname, join, relative, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { expandAll, runScenarios, type CatalogEntry } from "./harness/run-scenarios.js";
import { SCALES, type BenchScale } from "./harness/scale-plan.js";
import { writeReport } from "./report/generate-report.js";
import { embeddedE2eScenario } from "./scenarios/embedded-e2e-scenario.js";
import { embeddedE2eWorkersScenario } from "./scenarios/embedded-e2e-workers-scenario.js";
import { graphWritesScenario } from "./scenarios/graph-writes-scenario.js";
import { graphReadsScenario } from "./scenarios/graph-reads-scenario.js";
import { kvLmdbScenario } from "./scenarios/kv-lmdb-scenario.js";
// scenario-imports: one line per store scenario below this comment
import { microScenario } from "./micro/micro-scenario.js";
import { capacityCassandraScenario } from "./scenarios/capacity-cassandra-scenario.js";
import { mixedLoadScenario } from "./scenarios/mixed-load-scenario.js";
import { queryHttpScenario } from "./scenarios/query-http-scenario.js";
import { queryInprocessScenario } from "./scenarios/query-inprocess-scenario.js";
import { graphWritesCassandraScenario, graphWritesRedisScenario } from "./scenarios/graph-writes-remote-scenario.js";
import { kvRedisScenario } from "./scenarios/kv-redis-scenario.js";
import { kvRedisClusterScenario } from "./scenarios/kv-redis-cluster-scenario.js";
import { generatorScenario } from "./scenarios/generator-scenario.js";
import { kvCassandraScenario } from "./scenarios/kv-cassandra-scenario.js";
import { kafkaProduceScenario } from "./scenarios/kafka-produce-scenario.js";
import { kafkaConsumeScenario } from "./scenarios/kafka-consume-scenario.js";
import { kafkaE2eScenario } from "./scenarios/kafka-e2e-scenario.js";
import { kafkaBackpressureScenario } from "./scenarios/kafka-backpressure-scenario.js";
import { peersScenario } from "./scenarios/peers-scenario.js";

const SCENARIOS: Record<string, CatalogEntry> = {
  "kv-lmdb": { run: kvLmdbScenario, seconds: 18, about: "KV put/get/range through @rdg/kv-lmdb vs raw lmdb-js" },
  "graph-writes": { run: graphWritesScenario, seconds: 30, about: "prepared graph mutations through GraphStore on LMDB vs raw random puts" },
  "graph-reads": { run: graphReadsScenario, seconds: 36, about: "a title's 50 latest viewers, a profile's titles and a viewer count on LMDB vs raw lmdb-js 50-item ranges" },
  "embedded-e2e": { run: embeddedE2eScenario, seconds: 60, about: "generator -> ingestion job -> graph on LMDB, vs raw random puts" },
  "embedded-e2e-workers": { run: embeddedE2eWorkersScenario, seconds: 60, about: "worker threads plan encoded sorted batches, one thread writes LMDB; vs the single-threaded job and raw random and sorted puts (RDG_BENCH_WORKERS)" },
  // scenario-entries: one line per store scenario below this comment
  "capacity-cassandra": { run: capacityCassandraScenario, seconds: 32, about: "KV writes, gets, ranges at QUORUM and one ingestion job on the running Cassandra (1 or 3 nodes), graph bytes per node and edge: what the capacity model reads" },
  "mixed-load": { run: mixedLoadScenario, seconds: 56, about: "ingestion writes while reads run at about 1 read to 3 writes, on LMDB and Redis, in process: read p50/p99 beside reads alone, write rate beside writes alone" },
  micro: { run: microScenario, seconds: 30, about: "tinybench: key codec, value codec and coalescer, each beside the plainest code making the same bytes or map" },
  "query-http": { run: queryHttpScenario, seconds: 110, about: "the query server over HTTP (autocannon in a child process) on 1M generated events: node, 1-, 2-, 3-hop vs node:http with a fixed body of the same size" },
  "query-inprocess": { run: queryInprocessScenario, seconds: 24, about: "graph.neighbors() for a title's 50 latest viewers vs raw lmdb-js 50-item ranges, on the query-http graph (1M events)" },
  "graph-writes-redis": { run: graphWritesRedisScenario, seconds: 20, about: "graph writes through GraphStore on Redis vs raw ioredis puts" },
  "graph-writes-cassandra": { run: graphWritesCassandraScenario, seconds: 30, about: "graph writes through GraphStore on Cassandra vs raw driver puts" },
  "kv-redis": { run: kvRedisScenario, seconds: 18, about: "KV put/get/range through @rdg/kv-redis vs raw ioredis on single-node Redis" },
  generator: { run: generatorScenario, seconds: 42, about: "member-journey events generated and encoded into a null sink: this thread, 1 worker, all cores; binary and JSON lines; CPU per event" },
  "kv-redis-cluster": { run: kvRedisClusterScenario, seconds: 27, about: "KV put/get/range through @rdg/kv-redis on a 3-master Redis Cluster vs the single node (services/redis.sh start --all)" },
  "kv-cassandra": { run: kvCassandraScenario, seconds: 24, about: "KV put/get/range through @rdg/kv-cassandra vs raw cassandra-driver (services/cassandra.sh start)" },
  "kafka-produce": { run: kafkaProduceScenario, seconds: 20, about: "KafkaEventProducer vs Kafka's ProducerPerformance (kafka-producer-perf-test), seconds x 50,000 records a round (services/kafka.sh start)" },
  "kafka-consume": { run: kafkaConsumeScenario, seconds: 20, about: "KafkaSource with no processing vs Kafka's ConsumerPerformance (kafka-consumer-perf-test), seconds x 50,000 records" },
  "kafka-e2e-lmdb": { run: kafkaE2eScenario("lmdb"), seconds: 30, about: "Kafka -> ingestion job -> LMDB graph vs the in-process generator -> LMDB, seconds x 20,000 events" },
  "kafka-e2e-redis": { run: kafkaE2eScenario("redis"), seconds: 30, about: "Kafka -> ingestion job -> graph on Redis vs the in-process generator -> Redis, seconds x 4,000 events" },
  "kafka-backpressure": { run: kafkaBackpressureScenario, seconds: 20, about: "Kafka -> ingestion job -> Redis whose server stops answering for the given seconds: events read and memory while stalled (redis-server on PATH)" },
  "kafka-e2e-cassandra": { run: kafkaE2eScenario("cassandra"), seconds: 30, about: "Kafka -> ingestion job -> graph on Cassandra vs the in-process generator -> Cassandra, seconds x 1,500 events" },
  peers: { run: peersScenario, seconds: 300, about: "RDG on LMDB vs PostgreSQL and Neo4j embedded, RDG on Cassandra vs JanusGraph: ingest, 1-hop and 2-hop rates with p50/p99, storage, on the same generated events (seconds x 1,000 events; x 70 on Cassandra)" },
};

const positive = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`must be a positive number of seconds, got "${v}"`);
  return n;
};

const scale = (v: string): BenchScale => {
  if (!(SCALES as readonly string[]).includes(v)) throw new InvalidArgumentError(`must be one of ${SCALES.join(", ")}, got "${v}"`);
  return v as BenchScale;
};

const DEFAULT_OUT = "bench/results";

/** Regenerates bench/REPORT.md and bench/charts/ from every result beside `out`. */
async function regenerateReport(out: string): Promise<void> {
  const root = dirname(resolve(out));
  const written = await writeReport({ resultsDir: resolve(out), reportFile: join(root, "REPORT.md"), chartsDir: join(root, "charts") });
  console.log(`report: ${relative(process.cwd(), written.reportFile)} and ${written.charts.length} charts under ${relative(process.cwd(), join(root, "charts"))}/`);
}

const program = new Command("rdg-bench")
  .description(`Benchmarks that print figures and write JSON and Markdown under bench/results/, then regenerate bench/REPORT.md and its charts.\n\`report\` (or --report-only) regenerates the report alone. \`all\` runs every scenario below, skipping those whose service is down.\nScenarios (medium-scale seconds):\n${Object.entries(SCENARIOS).map(([k, v]) => `  ${k.padEnd(14)} ${v.about} (${v.seconds} s)`).join("\n")}`)
  .argument("[scenarios...]", "scenarios to run, all, or report", ["all"])
  .option("--scale <scale>", "small (all in under 20 minutes), medium (each scenario's default) or large (3x); --seconds overrides it", scale)
  .option("--seconds <s>", "measured seconds per scenario (default: each scenario's own)", positive)
  .option("--no-sync", "skip fsync at commit on both sides")
  .option("--out <dir>", "where results go", DEFAULT_OUT)
  .option("--report-only", "regenerate bench/REPORT.md and bench/charts/ from the results, run nothing")
  .option("--no-report", "do not regenerate the report after the run")
  .showHelpAfterError()
  .action(async (names: string[], o: { scale?: BenchScale; seconds?: number; sync: boolean; out: string; reportOnly?: boolean; report: boolean }) => {
    if (o.reportOnly === true || (names.length === 1 && names[0] === "report")) {
      await regenerateReport(o.out);
      return;
    }
    const chosen = expandAll(names, SCENARIOS);
    for (const name of chosen) if (SCENARIOS[name] === undefined) throw new Error(`unknown scenario "${name}"; choose from ${Object.keys(SCENARIOS).join(", ")} or all`);
    if (names.includes("all")) process.stderr.write(`all: ${chosen.join(", ")}\n`);
    const summary = await runScenarios(chosen, SCENARIOS, { scale: o.scale, seconds: o.seconds, sync: o.sync, out: resolve(o.out) });
    for (const s of summary.skipped) process.stderr.write(`skipped ${s.name}: ${s.reason}\n`);
    for (const f of summary.failed) process.stderr.write(`failed ${f.name}: ${f.reason}\n`);
    // The report covers the committed results; a run into another directory (a test's) leaves it alone.
    if (o.report && resolve(o.out) === resolve(DEFAULT_OUT) && summary.written.length > 0) await regenerateReport(o.out);
    if (summary.failed.length > 0) process.exitCode = 1;
  });

program.parseAsync().catch((error: unknown) => {
  console.error(`rdg-bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
