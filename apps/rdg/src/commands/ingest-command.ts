import { existsSync } from "node:fs";
import type { Command } from "commander";
import { FileChangedError, FileDeadLetterSink, FileSource, IngestJob, mapMemberEvent, type IngestPrometheusMetrics, type MemberEvent, type UnparsableLine } from "@rdg/ingest";
import { refusal } from "../cli-error.js";
import { GraphFileCheckpoints, type GraphFileCheckpoint } from "../graph-checkpoints.js";
import { openEmbeddedGraph } from "../open-graph.js";
import { startMetricsEndpoint, type MetricsFlags } from "../metrics-endpoint.js";
import { ProgressLine, describeMetrics, fmt } from "../progress.js";
import { ingestConfig, type IngestConfigOptions } from "./ingest-config.js";
import { ingestKafka } from "./ingest-kafka.js";
import { runGeneratorJob } from "./run-generator-job.js";

/** Options of `rdg ingest`. */
export interface IngestOptions extends MetricsFlags, IngestConfigOptions {
  readonly source: string;
  readonly file?: string;
  readonly fromStart: boolean;
  readonly events?: number;
  readonly duration?: number;
  /** Worker threads for --source generator (0: this thread only). @default cores - 1 */
  readonly workers?: number;
  readonly path: string;
  readonly deadLetters: string;
  /** Most events per graph write. @default the job's */
  readonly batchSize?: number;
  /** Kafka (with --source kafka): bootstrap brokers, comma-separated. */
  readonly brokers: string;
  /** Kafka: topics, comma-separated, each prefixed with `topicPrefix`. */
  readonly topics: string;
  readonly topicPrefix: string;
  readonly group?: string;
  readonly deadLetterTopic?: string;
  /** Kafka: stop when nothing arrived for this many seconds. */
  readonly idleSeconds?: number;
}

/**
 * `rdg ingest`: one job from the generator, a JSON-lines file or Kafka into the embedded graph;
 * with `--config`, the jobs of a configuration file (see ingest-config.ts).
 */
export async function ingestCommand(o: IngestOptions, command?: Command): Promise<void> {
  if (o.config !== undefined || o.job !== undefined) return ingestConfig(o, command);
  if (o.source !== "generator" && o.source !== "file" && o.source !== "kafka") throw refusal(`--source must be generator, file or kafka, got "${o.source}"`);
  if (o.source === "kafka" && (o.file !== undefined || o.fromStart || o.duration !== undefined)) throw refusal("--file, --from-start and --duration go with the other sources; --source kafka stops after --events, --idle-seconds or Ctrl-C");
  if (o.source !== "kafka" && (o.group !== undefined || o.deadLetterTopic !== undefined || o.idleSeconds !== undefined)) throw refusal("--group, --dead-letter-topic and --idle-seconds go with --source kafka");
  if (o.source === "kafka" && (o.group === undefined || o.group === "")) throw refusal("--source kafka needs --group <name>: the consumer group whose committed offsets say where to resume");
  if (o.source === "file" && o.file === undefined) throw refusal("--source file needs --file <path>");
  if (o.source === "generator" && o.events === undefined && o.duration === undefined) throw refusal("--source generator needs --events <n> or --duration <seconds>");
  if (o.source === "generator" && o.fromStart) throw refusal("--from-start goes with --source file");
  if (o.source !== "generator" && o.workers !== undefined) throw refusal("--workers goes with --source generator");
  if (o.file !== undefined && !existsSync(o.file)) throw refusal(`event file ${o.file} does not exist; pass --file a JSON-lines file (see 'rdg generate')`);
  const metrics = await startMetricsEndpoint(o);
  let opened: ReturnType<typeof openEmbeddedGraph>;
  try {
    opened = openEmbeddedGraph(o.path, { access: "write" });
  } catch (error) {
    await metrics?.close();
    throw error;
  }
  const { kv, graph } = opened;
  const prometheus = metrics?.prometheus;
  try {
    if (o.source === "generator") {
      await runGeneratorJob(graph, { events: o.events, durationMs: o.duration === undefined ? undefined : o.duration * 1000, prometheus, lmdbPath: o.path, ...(o.workers === undefined ? {} : { workers: o.workers }) });
      return;
    }
    if (o.source === "kafka") {
      await ingestKafka(graph, { ...o, prometheus });
      return;
    }
    await ingestFile(o.file!, o, new GraphFileCheckpoints(kv, o.file!), graph, prometheus);
  } finally {
    await kv.close();
    await metrics?.close();
  }
}

async function ingestFile(file: string, o: IngestOptions, checkpoints: GraphFileCheckpoints, graph: ReturnType<typeof openEmbeddedGraph>["graph"], prometheus?: IngestPrometheusMetrics): Promise<void> {
  if (o.fromStart) await checkpoints.clear();
  const progress = new ProgressLine();
  const started = performance.now();
  const map = (e: MemberEvent | UnparsableLine): ReturnType<typeof mapMemberEvent> => {
    if ("unparsable" in e) throw new Error(`line ${e.line} is not JSON`);
    return mapMemberEvent(e);
  };
  const onResume = (p: Readonly<{ line: number }>): void => {
    process.stderr.write(`resuming ${file} at line ${p.line + 1}, committed to this graph at ${(p as GraphFileCheckpoint).committedAt}; pass --from-start to read it again\n`);
  };
  const observed = prometheus?.job("file");
  const job = new IngestJob<MemberEvent | UnparsableLine>({
    name: "file",
    source: new FileSource({ path: file, checkpoints, onResume }),
    map,
    graph,
    deadLetters: new FileDeadLetterSink(o.deadLetters),
    eventTime: (e) => ("time" in e ? e.time : 0),
    batchSize: o.batchSize,
    onProgress: (m) => progress.update(describeMetrics(m, (performance.now() - started) / 1000)),
    onBatchWritten: observed?.onBatchWritten,
  });
  observed?.follow(job.metrics);
  try {
    const m = await job.run();
    progress.done(`ingested: ${describeMetrics(m, (performance.now() - started) / 1000)}${m.deadLetters > 0 ? `; dead letters in ${o.deadLetters}` : ""}`);
  } catch (error) {
    if (!(error instanceof FileChangedError)) throw error;
    const when = (await checkpoints.load())?.committedAt ?? "an earlier run";
    throw refusal(`${file} changed since its first ${fmt(error.position.line)} lines were committed to this graph at ${when}; pass --from-start to read it again from the beginning`);
  }
}
