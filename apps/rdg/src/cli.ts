#!/usr/bin/env node
import { Command } from "commander";
import { positiveInteger as positive, tcpPort } from "./parse-options.js";
import { demoCommand } from "./commands/demo-command.js";
import { addQueryCommands } from "./commands/query-command.js";
import { ingestCommand } from "./commands/ingest-command.js";
import { generateCommand, parseFormat, parseStartTime } from "./commands/generate-command.js";
import { resetCommand } from "./commands/reset-command.js";
import { backupCommand } from "./commands/backup-command.js";
import { statsCommand } from "./commands/stats-command.js";
import { exportCommand } from "./commands/export-command.js";
import { produceCommand } from "./commands/produce-command.js";
import { addLimitOptions, nonNegativeInteger, serveCommand } from "./commands/serve-command.js";
import { loadtestCommand } from "./commands/loadtest-command.js";
import { benchCommand } from "./commands/bench-command.js";
import { DEFAULT_KAFKA_BROKERS, MEMBER_JOURNEY_TOPICS } from "@rdg/ingest";
import { CliError } from "./cli-error.js";

const DEFAULT_PATH = ".data/demo";

const PATH_RULE = "a graph path is new, an empty directory, or a graph directory rdg created (it holds rdg-graph.json); rdg refuses anything else and touches nothing there";

const program = new Command("rdg")
  .description("RDG: a real-time distributed graph on plain key-value stores")
  .addHelpText("after", `\nGraph paths (--path): ${PATH_RULE}.`)
  .showHelpAfterError()
  // Bad usage exits 2, like every refusal of the command; help and --version exit 0.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

program
  .command("demo")
  .description("generate member journeys, ingest them into LMDB, then run example queries")
  .option("--events <n>", "events to generate", positive("events"), 1_000_000)
  .option("--accounts <n>", "member accounts", positive("accounts"), 50_000)
  .option("--sessions <n>", "concurrent sessions", positive("sessions"), 20_000)
  .option("--path <dir>", "graph directory; an rdg graph there is reset unless --keep", DEFAULT_PATH)
  .option("--keep", "keep the existing data and add to it", false)
  .option("--no-sync", "skip fsync at commit (faster; a machine crash may lose the last commits)")
  .action((o: { events: number; accounts: number; sessions: number; path: string; keep: boolean; sync: boolean }) =>
    demoCommand({ ...o, noSync: !o.sync }));

program
  .command("ingest")
  .description("run one ingestion job into the embedded graph, or the jobs of a configuration file (--config)")
  .option("--source <kind>", "generator, file or kafka", "generator")
  .option("--file <path>", "JSON-lines events (with --source file)")
  .option("--from-start", "read --file from its first line, ignoring the position this graph committed", false)
  .option("--events <n>", "events to generate (generator), or to read before stopping (kafka; per job with --config)", positive("events"))
  .option("--duration <seconds>", "stop after this long (generator)", positive("duration"))
  .option("--workers <n>", "worker threads that generate, map, coalesce and plan while this thread writes (generator; 0: everything on this thread; default: cores - 1)", nonNegativeInteger("workers"))
  .option("--path <dir>", "graph directory (created if new)", DEFAULT_PATH)
  .option("--dead-letters <path>", "JSON-lines file for refused events", ".data/dead-letters.jsonl")
  .option("--batch-size <n>", "most events per graph write (file, kafka)", positive("batch-size"))
  .option("--brokers <list>", "bootstrap brokers, comma-separated host:port (kafka)", DEFAULT_KAFKA_BROKERS.join(","))
  .option("--topics <list>", "topics to read, comma-separated (kafka)", MEMBER_JOURNEY_TOPICS.join(","))
  .option("--topic-prefix <prefix>", "prepended to each topic name, as in rdg produce (kafka)", "")
  .option("--group <name>", "consumer group; its committed offsets say where to resume (kafka)")
  .option("--dead-letter-topic <name>", "publish refused events to this topic, prefixed too (kafka; default: the --dead-letters file)")
  .option("--idle-seconds <s>", "stop when nothing arrived for this long (kafka, per job with --config; default: run until Ctrl-C or SIGTERM)", positive("idle-seconds"))
  .option("--config <file>", "run the jobs of this configuration file (JSON: kafka, and per job its topic, group, format, processor and store), each with a status line")
  .option("--job <names>", "with --config: only these jobs, comma-separated")
  .option("--metrics-port <port>", "serve Prometheus metrics at http://<metrics-host>:<port>/metrics while the job runs (0: any free port)", tcpPort("metrics-port"))
  .option("--metrics-host <host>", "address the metrics server binds (default 127.0.0.1: this machine only; 0.0.0.0: every interface)")
  .action(ingestCommand);

program
  .command("generate")
  .description("generate member-journey events on every core, as JSON lines in a file (for ingest --source file) or into nothing (--null)")
  .option("--out <path>", "JSON-lines file to write (events in batches, each worker's batches in turn)")
  .option("--null", "generate and encode the events, keep nothing (to measure)")
  .option("--events <n>", "events to generate", positive("events"), 100_000)
  .option("--seed <n>", "generator seed", positive("seed"), 42)
  .option("--workers <n>", "worker threads, one part of the accounts each (0: this thread; default: this machine's cores); the events depend on it", nonNegativeInteger("workers"))
  .option("--start-time <time>", "simulated time of the first event, ms or ISO 8601 (default: 6 hours ago)", parseStartTime)
  .option("--format <format>", "json, or binary with --null (32-byte events)", parseFormat, "json")
  .action(generateCommand);

program
  .command("produce")
  .description("publish generated member-journey events to Kafka (topics auth, playback, gaming, live, search), keyed by member")
  .option("--brokers <list>", "bootstrap brokers, comma-separated host:port", DEFAULT_KAFKA_BROKERS.join(","))
  .option("--events <n>", "stop after this many events", positive("events"))
  .option("--duration <seconds>", "stop after this long", positive("duration"))
  .option("--rate <n>", "events per second (default: as fast as the broker takes them)", positive("rate"))
  .option("--partitions <n>", "partitions of the topics it creates (existing topics stay as they are)", positive("partitions"), 6)
  .option("--topic-prefix <prefix>", "prepended to each topic name, e.g. test-1. gives test-1.auth", "")
  .option("--seed <n>", "generator seed", positive("seed"), 42)
  .option("--format <format>", "payload format: json, or avro with --schemas", "json")
  .option("--schemas <dir>", "folder of <topic>.avsc Avro schemas, one per topic (with --format avro; e.g. examples/member-journey/avro)")
  .action(produceCommand);

program
  .command("reset")
  .description("remove the graph at --path: only the files rdg created there (data.mdb, lock.mdb, rdg-graph.json)")
  .requiredOption("--path <dir>", "graph directory")
  .option("--yes", "remove them; without it, prints what it would remove", false)
  .action(resetCommand);

program
  .command("backup <dest>")
  .description("copy the graph at --path into <dest>, a new or empty directory, while other processes may write to it")
  .option("--path <dir>", "graph directory", DEFAULT_PATH)
  .option("--compact", "leave out free pages (slower, smaller copy)", false)
  .action(backupCommand);

program
  .command("stats")
  .description("node and live edge counts per type, records, items and bytes per namespace, and the schema the graph was written with")
  .option("--path <dir>", "graph directory", DEFAULT_PATH)
  .option("--json", "print JSON", false)
  .action(statsCommand);

program
  .command("export")
  .description("the whole graph as canonical JSON lines, sorted: two graphs holding the same state export the same bytes")
  .option("--path <dir>", "graph directory", DEFAULT_PATH)
  .option("--out <file>", "write to this new file instead of standard output")
  .action(exportCommand);

addLimitOptions(
  program
    .command("serve")
    .description("run the query server: HTTP and JSON over the graph (/v1/nodes, /v1/traverse, /v1/events, /healthz, /readyz, /metrics, /openapi.json, /docs)")
    .option("--host <host>", "address to bind; anything but loopback needs tokens", "127.0.0.1")
    .option("--port <port>", "TCP port (0: any free port)", tcpPort("port"), 8080)
    .option("--store <kind>", "lmdb, redis, redis-cluster or cassandra", "lmdb")
    .option("--path <dir>", "graph directory (lmdb); it must hold a graph rdg created", DEFAULT_PATH)
    .option("--url <url>", "Redis URL, e.g. redis://127.0.0.1:16379 (redis)")
    .option("--nodes <list>", "cluster nodes, comma-separated host:port (redis-cluster)")
    .option("--key-prefix <prefix>", "prefix of the graph's keys (redis, redis-cluster; default rdg:)")
    .option("--contact-points <list>", "comma-separated host[:port] (cassandra)")
    .option("--keyspace <name>", "keyspace of the graph (cassandra)")
    .option("--local-data-center <name>", "the driver's local data center (cassandra; default datacenter1)")
    .option("--tokens <file>", "bearer tokens and scopes (JSON, or token:read+write lines); default: RDG_TOKENS, else none (loopback only)")
    .option("--config <file>", "take the topics of POST /v1/events and their processors from this jobs configuration (default: the member-journey topics)")
    .option("--cache-entries <n>", "most cached nodes and first pages (0: no cache; default 10000)", nonNegativeInteger("cache-entries"))
    .option("--cache-bytes <n>", "most bytes of cached answers (default 67108864)", nonNegativeInteger("cache-bytes"))
    .option("--cache-staleness-ms <ms>", "how long a cached answer is served: the staleness bound for writes from other processes (0: no cache; default 1000)", nonNegativeInteger("cache-staleness-ms"))
    .option("--log-level <level>", "pino log level on stderr: fatal, error, warn, info, debug, trace or silent", "info"),
).action(serveCommand);

addQueryCommands(program, DEFAULT_PATH);

program
  .command("loadtest")
  .description("load a running rdg serve with real ids (autocannon): progress, a latency table, a result file, and exit 1 when --slo is missed")
  .requiredOption("--url <url>", "the server, e.g. http://127.0.0.1:8080")
  .requiredOption("--profile <profile>", "node, 1hop, 2hop, 3hop or mixed (TAO's read mix)")
  .option("--duration <seconds>", "how long to load", positive("duration"), 10)
  .option("--connections <n>", "concurrent connections", positive("connections"), 10)
  .option("--rate <n>", "requests per second over all connections (default: as fast as answered)", positive("rate"))
  .option("--slo <clauses>", 'the pass mark, e.g. "p99<20ms,errors<0.1%" (also p50, p90, p99.9, max, mean; rps>=N)')
  .option("--token <token>", "bearer token with the read scope (default: RDG_TOKEN)")
  .option("--ids-from-path <dir>", "take ids from a local copy of the graph (LMDB) instead of through the server")
  .option("--ids <n>", "most titles, and most profiles, to load with", positive("ids"), 1000)
  .option("--out <dir>", "where the JSON and Markdown result go", "bench/results")
  .action(loadtestCommand);

program
  .command("bench")
  .description("the repository's benchmark harness (apps/bench): scenarios, --scale small|medium|large, report; every argument is passed on (rdg bench --help lists them)")
  .helpOption(false)
  .allowUnknownOption()
  .allowExcessArguments()
  .argument("[args...]")
  .action(benchCommand);

program.parseAsync().catch((error: unknown) => {
  // One line, no stack: what went wrong and what to do is in the message.
  console.error(`rdg: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = error instanceof CliError ? error.exitCode : 1;
});
