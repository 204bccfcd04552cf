import type { GraphStore } from "@rdg/graph";
import {
  FileDeadLetterSink, IngestError, IngestJob, KafkaDeadLetterSink, KafkaSource, KafkaTopics, isUndecodable, mapMemberEvent, refuseUndecodable,
  type DeadLetterSink, type IngestPrometheusMetrics, type MemberEvent, type UndecodableRecord,
} from "@rdg/ingest";
import { refusal } from "../cli-error.js";
import { ProgressLine, describeMetrics } from "../progress.js";

/** What `rdg ingest --source kafka` reads from and where its dead letters go. */
export interface KafkaIngestOptions {
  /** Bootstrap brokers, comma-separated `host:port`. */
  readonly brokers: string;
  /** Topic names, comma-separated, each prefixed with `topicPrefix`. */
  readonly topics: string;
  readonly topicPrefix: string;
  readonly group?: string;
  readonly deadLetterTopic?: string;
  /** JSON-lines file of dead letters when there is no dead-letter topic. */
  readonly deadLetters: string;
  /** Stop after this many records. */
  readonly events?: number;
  /** Stop when nothing arrived for this many seconds. */
  readonly idleSeconds?: number;
  readonly batchSize?: number;
  /** Report the job's metrics here (`--metrics-port`), consumer lag per partition included. */
  readonly prometheus?: IngestPrometheusMetrics;
}

type Ev = MemberEvent | UndecodableRecord;

/**
 * Consumes member-journey JSON events from Kafka as a member of `--group` into `graph`. Offsets
 * are committed once the writes holding their events are durable; SIGINT or SIGTERM stops
 * fetching, then the job flushes, writes, commits and leaves the group.
 */
export async function ingestKafka(graph: GraphStore, o: KafkaIngestOptions): Promise<void> {
  if (o.group === undefined || o.group === "") throw refusal("--source kafka needs --group <name>: the consumer group whose committed offsets say where to resume");
  const brokers = o.brokers.split(",").map((b) => b.trim()).filter((b) => b !== "");
  const topics = o.topics.split(",").map((t) => t.trim()).filter((t) => t !== "").map((t) => `${o.topicPrefix}${t}`);
  if (topics.length === 0) throw refusal("--topics is empty; name the topics to read, comma-separated, e.g. auth,playback");
  let source: KafkaSource<MemberEvent>;
  try {
    source = new KafkaSource<MemberEvent>({
      brokers, topics, group: o.group, clientId: "rdg-ingest", batchSize: o.batchSize, maxRecords: o.events,
      idleMs: o.idleSeconds === undefined ? undefined : o.idleSeconds * 1000,
    });
  } catch (error) {
    throw asRefusal(error);
  }
  const deadLetters = await openDeadLetters(brokers, o);
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const progress = new ProgressLine();
  const started = performance.now();
  try {
    const observed = o.prometheus?.job(`kafka:${o.group}`);
    const job = new IngestJob<Ev>({
      name: `kafka:${o.group}`,
      source,
      map: refuseUndecodable(mapMemberEvent),
      graph,
      deadLetters: deadLetters.sink,
      eventTime: (e) => ("time" in e && typeof e.time === "number" ? e.time : 0),
      batchSize: o.batchSize,
      onProgress: (m) => progress.update(describeMetrics(m, (performance.now() - started) / 1000)),
      onBatchWritten: observed?.onBatchWritten,
    });
    observed?.follow(job.metrics, source);
    const m = await job.run(controller.signal);
    const why = controller.signal.aborted ? "stopped by signal; " : "";
    progress.done(`ingested from ${topics.join(", ")} (group ${o.group}): ${why}${describeMetrics(m, (performance.now() - started) / 1000)}${m.deadLetters > 0 ? `; dead letters in ${deadLetters.where}` : ""}`);
  } finally {
    process.removeListener("SIGINT", stop);
    process.removeListener("SIGTERM", stop);
    await source.close();
    await deadLetters.close();
  }
}

interface OpenSink {
  readonly sink: DeadLetterSink<Ev>;
  readonly where: string;
  close(): Promise<void>;
}

async function openDeadLetters(brokers: readonly string[], o: KafkaIngestOptions): Promise<OpenSink> {
  if (o.deadLetterTopic === undefined) {
    const file = new FileDeadLetterSink<unknown>(o.deadLetters);
    // An undecodable record holds bytes and a bigint offset: written as base64 and a string.
    const sink: DeadLetterSink<Ev> = {
      send: (e, reason) => file.send(isUndecodable(e) ? { topic: e.topic, partition: e.partition, offset: String(e.offset), keyBase64: e.key?.toString("base64"), valueBase64: e.value.toString("base64") } : e, reason),
    };
    return { sink, where: o.deadLetters, close: async () => undefined };
  }
  const topic = `${o.topicPrefix}${o.deadLetterTopic}`;
  const admin = new KafkaTopics({ brokers, clientId: "rdg-ingest" });
  try {
    const ensured = await admin.ensure([topic], { partitions: 1 });
    if (ensured.topics[0]?.created === true) process.stderr.write(`created dead-letter topic ${topic}\n`);
  } finally {
    await admin.close();
  }
  const sink = new KafkaDeadLetterSink<Ev>({ brokers, topic, clientId: "rdg-ingest-dead-letters" });
  return { sink, where: `topic ${topic}`, close: () => sink.close() };
}

function asRefusal(error: unknown): unknown {
  if (!IngestError.isInstance(error) || error.code !== "INVALID_ARGUMENT") return error;
  const flag = error.field === "brokers" ? "--brokers" : error.field === "maxRecords" ? "--events" : error.field === "idleMs" ? "--idle-seconds" : `--${error.field ?? "?"}`;
  return refusal(`${flag}: ${error.message.replace(/^\[ingest\] [^:]+: /, "")}`);
}
