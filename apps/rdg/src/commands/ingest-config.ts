import type { Command } from "commander";
import {
  FileDeadLetterSink, IngestJobError, JobsConfigError, JobsRunner, isUndecodable, loadJobsConfig,
  type ClosableDeadLetterSink, type JobConfig, type JobsConfig, type RunnerJob,
} from "@rdg/ingest";
import { describeStore, openGraphStore, parseStoreConfig, storeKey, type StoreConfig } from "@rdg/stores";
import { CliError, refusal } from "../cli-error.js";
import { inspectGraphPath, prepareGraphToWrite } from "../graph-path.js";
import { startMetricsEndpoint, type MetricsFlags } from "../metrics-endpoint.js";
import { JobStatusBoard } from "../job-status-board.js";
import { fmt } from "../progress.js";

/** What `rdg ingest --config` takes from the command line; the rest is in the file. */
export interface IngestConfigOptions extends MetricsFlags {
  /** The jobs configuration file. */
  readonly config?: string;
  /** Jobs to run, comma-separated. @default every job of the file */
  readonly job?: string;
  /** Each job stops after this many records. */
  readonly events?: number;
  /** Each job stops when nothing arrived for this many seconds. */
  readonly idleSeconds?: number;
  /** JSON-lines file for refused events of jobs that name no dead-letter topic. */
  readonly deadLetters: string;
}

// Flags of the single-job forms that the file replaces; given with --config they are refused.
const SINGLE_JOB_FLAGS = ["source", "file", "fromStart", "duration", "path", "batchSize", "brokers", "topics", "topicPrefix", "group", "deadLetterTopic"];
const flagName = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * `rdg ingest --config FILE [--job NAME]`: runs the jobs of a configuration file (every one, or
 * those named) concurrently, each from its topic into its store, with a status line per job
 * and a summary per job at the end. The file is checked whole before anything connects (exit 2
 * naming the entry and field); SIGINT or SIGTERM stops every job cleanly (flush, write, commit,
 * leave the group); a job that fails stops the others and the command exits 1 naming it.
 */
export async function ingestConfig(o: IngestConfigOptions, command?: Command): Promise<void> {
  if (o.config === undefined) throw refusal("--job goes with --config <file>: it picks jobs of that file");
  const given = SINGLE_JOB_FLAGS.filter((k) => command?.getOptionValueSource(k) === "cli");
  if (given.length > 0) throw refusal(`${given.map(flagName).join(", ")} ${given.length === 1 ? "goes" : "go"} with the single-job forms of rdg ingest; with --config, each job's source, topic, group and store are in ${o.config}`);
  const config = await load(o.config);
  const only = selectJobs(config, o.job);
  const jobs = only === undefined ? config.jobs : config.jobs.filter((j) => only.includes(j.name));
  checkGraphPaths(jobs);
  const metrics = await startMetricsEndpoint(o);
  const runner = new JobsRunner<StoreConfig>({
    config, only, fallbackDeadLetters: (job) => fallbackDeadLetters(o.deadLetters, job.name),
    openStore: async (store, schema) => {
      if (store.kind === "lmdb") prepareGraphToWrite(store.path);
      const { kv, graph } = await openGraphStore(store, schema);
      return { graph, close: () => kv.close() };
    },
    maxRecords: o.events,
    idleMs: o.idleSeconds === undefined ? undefined : o.idleSeconds * 1000,
    observe: metrics === undefined ? undefined : (job) => metrics.prometheus.job(job.name),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stderr.write(`running ${jobs.length} job${jobs.length === 1 ? "" : "s"} of ${o.config}:\n${jobs.map((j) => `  ${j.name}: ${j.topic} (${j.format}, group ${j.group}) -> ${describeStore(j.store)}`).join("\n")}\n`);
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const board = new JobStatusBoard(runner.jobs);
  const started = performance.now();
  let failure: unknown;
  try {
    await runner.run(controller.signal);
  } catch (error) {
    failure = error;
  } finally {
    board.stop();
    process.removeListener("SIGINT", stop);
    process.removeListener("SIGTERM", stop);
    await metrics?.close();
  }
  const why = failure !== undefined ? "stopped by a failed job" : controller.signal.aborted ? "stopped by signal" : "every source ended";
  const lines = runner.jobs.map((j) => summary(j, started));
  if (runner.jobs.length > 1) lines.push(total(runner.jobs, started));
  process.stderr.write(`ingested with ${o.config} (${why}) in ${((performance.now() - started) / 1000).toFixed(1)} s:\n${lines.join("\n")}\n`);
  if (failure !== undefined) throw IngestJobError.isInstance(failure) ? new CliError(failure.message.replace(/^\[ingest\] /, "")) : failure;
}

async function load(file: string): Promise<JobsConfig<StoreConfig>> {
  try {
    return await loadJobsConfig(file, { stores: { parse: parseStoreConfig, key: storeKey } });
  } catch (error) {
    if (error instanceof JobsConfigError) throw refusal(error.message.replace(/^\[ingest\] /, ""));
    throw error;
  }
}

/** The job names `--job` gives (comma-separated), each checked against the file. */
function selectJobs(config: JobsConfig<StoreConfig>, job: string | undefined): string[] | undefined {
  if (job === undefined) return undefined;
  const names = job.split(",").map((n) => n.trim()).filter((n) => n !== "");
  const known = config.jobs.map((j) => j.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw refusal(`--job: ${names.length === 0 ? "is empty" : `no job named ${unknown.map((n) => `"${n}"`).join(", ")} in ${config.file}`}; its jobs are ${known.join(", ")}`);
  }
  return names;
}

/** rdg never touches a directory it did not create: refuse such an LMDB path before anything connects. */
function checkGraphPaths(jobs: readonly JobConfig<StoreConfig>[]): void {
  for (const job of jobs) {
    if (job.store.kind !== "lmdb") continue;
    const state = inspectGraphPath(job.store.path);
    if (state.kind === "foreign") throw refusal(`job "${job.name}" store.path: ${state.reason}: give a new or empty directory (rdg creates it), or a graph directory rdg created`);
  }
}

/** The JSON-lines file for refused events of jobs without a dead-letter topic; each reason starts with the job. */
function fallbackDeadLetters(path: string, job: string): ClosableDeadLetterSink {
  const file = new FileDeadLetterSink<unknown>(path);
  return {
    where: `file ${path}`,
    // An undecodable record holds bytes and a bigint offset: written as base64 and a string.
    send: (e, reason) => file.send(isUndecodable(e) ? { topic: e.topic, partition: e.partition, offset: String(e.offset), keyBase64: e.key?.toString("base64"), valueBase64: e.value.toString("base64") } : e, `job ${job}: ${reason}`),
  };
}

/** The jobs together: what the process as a whole did. */
function total(jobs: readonly RunnerJob<StoreConfig>[], started: number): string {
  const sum = (f: (j: RunnerJob<StoreConfig>) => number): number => jobs.reduce((n, j) => n + f(j), 0);
  const events = sum((j) => j.metrics.eventsIn);
  const seconds = Math.max((performance.now() - started) / 1000, 1e-9);
  return `  all ${jobs.length} jobs: ${fmt(events)} events (${fmt(events / seconds)}/s), ${fmt(sum((j) => j.metrics.mutationsWritten))} mutations written, ${fmt(sum((j) => j.metrics.deadLetters))} dead letters`;
}

function summary(job: RunnerJob<StoreConfig>, started: number): string {
  const m = job.metrics;
  const seconds = Math.max((performance.now() - started) / 1000, 1e-9);
  const end = job.state === "failed" ? `failed: ${job.error instanceof Error ? job.error.message : String(job.error)}` : job.state === "starting" ? "not started" : job.state;
  const letters = m.deadLetters > 0 ? ` (${job.deadLetters})` : "";
  return `  ${job.config.name}: ${fmt(m.eventsIn)} events (${fmt(m.eventsIn / seconds)}/s), ${fmt(m.mutationsWritten)} mutations written, ${fmt(m.deadLetters)} dead letters${letters}, lag ${job.lag === undefined ? "?" : fmt(job.lag)}, freshness ${fmt(m.freshnessLastMs)} ms (max ${fmt(m.freshnessMaxMs)} ms); ${end}`;
}
