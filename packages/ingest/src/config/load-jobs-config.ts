import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { avroCodec, type AvroCodec } from "../codec/avro-codec.js";
import { resolveKafkaClientOptions } from "../kafka/kafka-client-options.js";
import { BUILT_IN_PROCESSORS, isModulePath, loadProcessorModule, schemaFingerprint } from "./job-processors.js";
import type { JobConfig, JobFormat, JobProcessor, JobsConfig, JobsKafkaConfig, StoreConfigParser } from "./jobs-config.js";
import { JobsConfigError, type JobsConfigProblem } from "./jobs-config-error.js";

/** Options of `loadJobsConfig`. */
export interface LoadJobsConfigOptions<S> {
  /** How `store` entries are checked (`@rdg/stores`: `{ parse: parseStoreConfig, key: storeKey }`). */
  readonly stores: StoreConfigParser<S>;
}

const TOP_FIELDS = ["kafka", "jobs", "description"];
const KAFKA_FIELDS = ["brokers", "clientId"];
const JOB_FIELDS = [
  "name", "topic", "group", "format", "schema", "processor", "eventTimeField", "coalesceWindowMs", "batchSize", "concurrency", "deadLetterTopic", "store", "description",
];
const NAME = /^[A-Za-z0-9._-]{1,100}$/;
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * Reads a jobs configuration file (JSON) and checks all of it before anything connects: unknown
 * fields, types and ranges, job names, topics and groups, the Avro schema files, the processor
 * modules (imported here) and the stores (through `options.stores`). Relative paths (`schema`,
 * a processor module, an LMDB path) are resolved against the file's directory. Every problem
 * found is reported at once in a `JobsConfigError` naming the entry and field of each:
 * `[ingest] jobs.json: jobs[1] "playback".batchSize: must be a positive integer, got -3`.
 */
export async function loadJobsConfig<S>(file: string, options: LoadJobsConfigOptions<S>): Promise<JobsConfig<S>> {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat === undefined || !stat.isFile()) throw new JobsConfigError(file, [{ field: "", problem: `${stat === undefined ? "no such file" : "is not a file"}; give the path of a jobs configuration (JSON), e.g. examples/member-journey/jobs.json` }]);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new JobsConfigError(file, [{ field: "", problem: `is not JSON (${(error as Error).message})` }]);
  }
  return parseJobsConfig(value, { file, baseDir: dirname(resolve(file)), stores: options.stores });
}

/** `loadJobsConfig` for a value already parsed; `baseDir` resolves relative paths. */
export async function parseJobsConfig<S>(value: unknown, o: { readonly file: string; readonly baseDir: string; readonly stores: StoreConfigParser<S> }): Promise<JobsConfig<S>> {
  const problems: JobsConfigProblem[] = [];
  const fail = (field: string, problem: string): undefined => void problems.push({ field, problem });
  if (!isRecord(value)) throw new JobsConfigError(o.file, [{ field: "", problem: `must be an object with "kafka" and "jobs", got ${show(value)}` }]);
  unknownFields(value, "", TOP_FIELDS, "of the configuration", fail);
  const kafka = parseKafka(value["kafka"], fail);
  const rawJobs = value["jobs"];
  const jobs: JobConfig<S>[] = [];
  if (!Array.isArray(rawJobs) || rawJobs.length === 0) {
    fail("jobs", `${rawJobs === undefined ? "is missing" : `must be a non-empty array, got ${show(rawJobs)}`}; give one entry per topic`);
  } else {
    const modules = new Map<string, Promise<JobProcessor>>();
    // One after another, so the problems come in the file's order.
    for (const [i, job] of (rawJobs as unknown[]).entries()) {
      const parsed = await parseJob(job, i, o, modules, fail);
      if (parsed !== undefined) jobs.push(parsed);
    }
    if (jobs.length === rawJobs.length) crossChecks(jobs, fail);
  }
  if (problems.length > 0 || kafka === undefined) throw new JobsConfigError(o.file, problems);
  return Object.freeze({ file: o.file, kafka, jobs: Object.freeze(jobs) });
}

type Fail = (field: string, problem: string) => undefined;

function parseKafka(value: unknown, fail: Fail): JobsKafkaConfig | undefined {
  if (!isRecord(value)) return fail("kafka", `${value === undefined ? "is missing" : `must be an object, got ${show(value)}`}; give { "brokers": ["127.0.0.1:19092"] }`);
  unknownFields(value, "kafka", KAFKA_FIELDS, "of kafka", fail);
  const brokers = value["brokers"];
  if (!Array.isArray(brokers) || brokers.length === 0 || brokers.some((b) => typeof b !== "string")) {
    return fail("kafka.brokers", `${brokers === undefined ? "is missing" : `must be a non-empty array of strings, got ${show(brokers)}`}; give each bootstrap broker as host:port, e.g. ["127.0.0.1:19092"]`);
  }
  const clientId = value["clientId"];
  if (clientId !== undefined && (typeof clientId !== "string" || clientId === "")) return fail("kafka.clientId", `must be a non-empty string, got ${show(clientId)}`);
  try {
    resolveKafkaClientOptions({ brokers: brokers as string[] });
  } catch (error) {
    return fail("kafka.brokers", (error as Error).message.replace(/^\[ingest\] brokers: /, ""));
  }
  return Object.freeze({ brokers: Object.freeze([...(brokers as string[])]), ...(clientId === undefined ? {} : { clientId: clientId as string }) });
}

async function parseJob<S>(
  value: unknown, i: number, o: { readonly baseDir: string; readonly stores: StoreConfigParser<S> }, modules: Map<string, Promise<JobProcessor>>, failAll: Fail,
): Promise<JobConfig<S> | undefined> {
  let failed = 0;
  const fail: Fail = (field, problem) => {
    failed++;
    return failAll(field, problem);
  };
  if (!isRecord(value)) return fail(`jobs[${i}]`, `must be an object (name, topic, group, format, processor, eventTimeField, store), got ${show(value)}`);
  const name = typeof value["name"] === "string" && NAME.test(value["name"]) ? value["name"] : undefined;
  const at = name === undefined ? `jobs[${i}]` : `jobs[${i}] "${name}"`;
  if (name === undefined) fail(`${at}.name`, `${value["name"] === undefined ? "is missing" : `must be 1 to 100 letters, digits, '.', '_' or '-', got ${show(value["name"])}`}; name the job, e.g. "playback"`);
  unknownFields(value, at, JOB_FIELDS, "of a job", fail);
  const topic = topicName(value["topic"], `${at}.topic`, fail, true);
  const group = requiredText(value["group"], `${at}.group`, "the consumer group, e.g. \"rdg-playback\"", fail);
  const format = value["format"];
  if (format !== "json" && format !== "avro") fail(`${at}.format`, `must be "json" or "avro", got ${show(format)}`);
  const avro = parseAvro(value, at, format as JobFormat, o.baseDir, fail);
  const eventTimeField = requiredText(value["eventTimeField"], `${at}.eventTimeField`, "the event field with the event time in milliseconds, e.g. \"time\"", fail);
  const coalesceWindowMs = integer(value["coalesceWindowMs"], `${at}.coalesceWindowMs`, 0, fail);
  const batchSize = integer(value["batchSize"], `${at}.batchSize`, 1, fail);
  const concurrency = integer(value["concurrency"], `${at}.concurrency`, 1, fail);
  const deadLetterTopic = topicName(value["deadLetterTopic"], `${at}.deadLetterTopic`, fail, false);
  if (deadLetterTopic !== undefined && deadLetterTopic === topic) fail(`${at}.deadLetterTopic`, `is the job's own topic; give a topic of its own, e.g. "${topic}.dead-letters"`);
  if (value["description"] !== undefined && typeof value["description"] !== "string") fail(`${at}.description`, `must be a string, got ${show(value["description"])}`);
  let store: S | undefined;
  if (value["store"] === undefined) fail(`${at}.store`, "is missing; give the store, e.g. { \"kind\": \"lmdb\", \"path\": \".data/graph\" }");
  else {
    try {
      store = o.stores.parse(value["store"], `${at}.store`, { baseDir: o.baseDir });
    } catch (error) {
      fail(fieldOf(error) ?? `${at}.store`, problemOf(error));
    }
  }
  const processor = await parseProcessor(value["processor"], `${at}.processor`, o.baseDir, modules, fail);
  if (failed > 0 || store === undefined || processor === undefined) return undefined;
  return Object.freeze({
    name: name!, topic: topic!, group: group!, format: format as JobFormat, ...avro, processor, eventTimeField: eventTimeField!,
    ...defined({ coalesceWindowMs, batchSize, concurrency, deadLetterTopic }), store, storeKey: o.stores.key(store),
  });
}

function parseAvro(value: Record<string, unknown>, at: string, format: JobFormat, baseDir: string, fail: Fail): { schemaFile?: string; avro?: AvroCodec } {
  const schema = value["schema"];
  if (format !== "avro") {
    if (schema !== undefined && format === "json") fail(`${at}.schema`, "is for format \"avro\"; remove it, or set format to \"avro\"");
    return {};
  }
  if (typeof schema !== "string" || schema === "") {
    fail(`${at}.schema`, `${schema === undefined ? "is missing" : `must be a path, got ${show(schema)}`}; format "avro" needs the topic's Avro schema: the path of its .avsc file, relative to this configuration`);
    return {};
  }
  const schemaFile = isAbsolute(schema) ? schema : resolve(baseDir, schema);
  if (!existsSync(schemaFile)) {
    fail(`${at}.schema`, `no file at ${schemaFile}; give the path of the topic's .avsc file, relative to this configuration`);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(schemaFile, "utf8"));
  } catch (error) {
    fail(`${at}.schema`, `${schemaFile} is not JSON (${(error as Error).message})`);
    return {};
  }
  if (!isRecord(parsed) || parsed["type"] !== "record") {
    fail(`${at}.schema`, `${schemaFile} is not an Avro record schema ({ "type": "record", "name": ..., "fields": [...] }); an event is one record`);
    return {};
  }
  try {
    return { schemaFile, avro: avroCodec(parsed) };
  } catch (error) {
    fail(`${at}.schema`, `${schemaFile} ${problemOf(error)}`);
    return {};
  }
}

async function parseProcessor(value: unknown, where: string, baseDir: string, modules: Map<string, Promise<JobProcessor>>, fail: Fail): Promise<JobProcessor | undefined> {
  const builtIns = Object.keys(BUILT_IN_PROCESSORS).map((n) => `"${n}"`).join(", ");
  if (typeof value !== "string" || value === "") return fail(where, `${value === undefined ? "is missing" : `must be a string, got ${show(value)}`}; give ${builtIns} or the path of an ES module exporting map(event) and schema`);
  if (!isModulePath(value)) {
    const builtIn = BUILT_IN_PROCESSORS[value];
    return builtIn ?? fail(where, `is not a built-in processor (${builtIns}) nor a path (start it with ./ or end it with .js): got ${show(value)}`);
  }
  const path = isAbsolute(value) ? value : resolve(baseDir, value);
  if (!existsSync(path)) return fail(where, `no file at ${path}; give the path of an ES module exporting map(event) and schema, relative to this configuration`);
  let loading = modules.get(path);
  if (loading === undefined) modules.set(path, (loading = loadProcessorModule(path)));
  try {
    return await loading;
  } catch (error) {
    return fail(where, (error as Error).message);
  }
}

/** Across jobs: unique names, one reader per topic and group, one schema and one configuration per store. */
function crossChecks<S>(jobs: readonly JobConfig<S>[], fail: Fail): void {
  const at = (i: number): string => `jobs[${i}] "${jobs[i]!.name}"`;
  jobs.forEach((job, i) => {
    const first = jobs.findIndex((j) => j.name === job.name);
    if (first < i) fail(`${at(i)}.name`, `is also the name of jobs[${first}]; give each job its own name`);
    const reader = jobs.findIndex((j) => j.topic === job.topic && j.group === job.group);
    if (reader < i) fail(`${at(i)}.group`, `${at(reader)} reads ${job.topic} in the same group, so each would get part of its partitions; give each job its own group`);
    const sharer = jobs.findIndex((j) => j.storeKey === job.storeKey);
    if (sharer < i) {
      const other = jobs[sharer]!;
      if (JSON.stringify(other.store) !== JSON.stringify(job.store)) fail(`${at(i)}.store`, `is the store of ${at(sharer)} with other options; jobs share a store, so give them the same store options`);
      else if (schemaFingerprint(other.processor.schema) !== schemaFingerprint(job.processor.schema)) fail(`${at(i)}.store`, `is the store of ${at(sharer)}, whose processor has another graph schema; a store holds one graph: give this job a store of its own`);
    }
  });
}

function unknownFields(value: Record<string, unknown>, at: string, known: readonly string[], of: string, fail: Fail): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const near = known.find((k) => k.toLowerCase() === key.toLowerCase()) ?? known.find((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
    fail(at === "" ? key : `${at}.${key}`, `is not a field ${of}; ${near === undefined ? `the fields are ${known.join(", ")}` : `did you mean "${near}"?`}`);
  }
}

function topicName(value: unknown, where: string, fail: Fail, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== "string" || !TOPIC.test(value) || value === "." || value === "..") {
    return fail(where, `${value === undefined ? "is missing" : `must be a Kafka topic name (1 to 249 letters, digits, '.', '_' or '-'), got ${show(value)}`}${value === undefined ? "; name the topic to read, e.g. \"playback\"" : ""}`);
  }
  return value;
}

function requiredText(value: unknown, where: string, what: string, fail: Fail): string | undefined {
  if (typeof value === "string" && value.trim() !== "") return value;
  return fail(where, `${value === undefined ? "is missing" : `must be a non-empty string, got ${show(value)}`}; give ${what}`);
}

function integer(value: unknown, where: string, min: number, fail: Fail): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= min) return value;
  return fail(where, `must be ${min === 1 ? "a positive integer" : `an integer of ${min} or more`}, got ${show(value)}`);
}

/** Levenshtein distance, for "did you mean" on misspelt fields. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length]!;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
const fieldOf = (error: unknown): string | undefined => (typeof error === "object" && error !== null && typeof (error as { field?: unknown }).field === "string" ? (error as { field: string }).field : undefined);

/** The store parser's message without its `[origin] field: ` prefix. */
function problemOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const field = fieldOf(error);
  const bare = message.replace(/^\[[^\]]+\] /, "");
  return field !== undefined && bare.startsWith(`${field}: `) ? bare.slice(field.length + 2) : bare;
}

/** A value as a message shows it: `"abc"`, `-3`, `an array`, `null`. */
export function show(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  if (value === undefined) return "nothing";
  return JSON.stringify(value) ?? String(value);
}
