import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  IngestError, KafkaEventProducer, KafkaTopics, MEMBER_JOURNEY_TOPICS, MemberJourneyGenerator, avroCodec, memberEventTopic, memberJourneyRouting, memberJourneyTopicNames,
  type AvroCodec, type MemberEvent, type MemberTopic,
} from "@rdg/ingest";
import { refusal } from "../cli-error.js";
import { ProgressLine, fmt } from "../progress.js";

/** Options of `rdg produce`. */
export interface ProduceOptions {
  /** Bootstrap brokers, comma-separated `host:port`. */
  readonly brokers: string;
  readonly events?: number;
  /** Seconds. */
  readonly duration?: number;
  /** Events per second. @default as fast as the broker takes them */
  readonly rate?: number;
  /** Partitions of the topics it creates. */
  readonly partitions: number;
  readonly topicPrefix: string;
  readonly seed: number;
  /** Payload format: `json`, or `avro` with the topics' schemas from `schemas`. @default "json" */
  readonly format?: string;
  /** Folder of `<topic>.avsc` for each member-journey topic (with --format avro). */
  readonly schemas?: string;
}

/** Events generated per step; with --rate, a step is at most a twentieth of a second's worth. */
const STEP = 5000;

/**
 * `rdg produce`: the member-journey generator publishes to the example's topics (created with
 * --partitions when missing), keyed by member, for --events or --duration, at --rate or as fast
 * as the broker acknowledges. Ctrl-C stops cleanly: what was sent is acknowledged, then the summary.
 */
export async function produceCommand(o: ProduceOptions): Promise<void> {
  if (o.events === undefined && o.duration === undefined) throw refusal("rdg produce needs --events <n> or --duration <seconds>");
  const encode = avroEncoder(o);
  const brokers = o.brokers.split(",").map((b) => b.trim()).filter((b) => b !== "");
  let names: ReturnType<typeof memberJourneyTopicNames>;
  let producer: KafkaEventProducer<MemberEvent>;
  let topics: KafkaTopics;
  try {
    names = memberJourneyTopicNames(o.topicPrefix);
    topics = new KafkaTopics({ brokers });
    producer = new KafkaEventProducer<MemberEvent>({ brokers, ...memberJourneyRouting(o.topicPrefix), clientId: "rdg-produce", ...(encode === undefined ? {} : { encode }) });
  } catch (error) {
    throw asRefusal(error);
  }
  try {
    const ensured = await topics.ensure(Object.values(names), { partitions: o.partitions });
    const created = ensured.topics.filter((t) => t.created).map((t) => t.topic);
    if (created.length > 0) process.stderr.write(`created topics ${created.join(", ")} with ${o.partitions} partitions\n`);
    for (const notice of ensured.notices) process.stderr.write(`${notice}\n`);
  } finally {
    await topics.close();
  }
  await publish(producer, o, names);
}

async function publish(producer: KafkaEventProducer<MemberEvent>, o: ProduceOptions, names: Readonly<Record<string, string>>): Promise<void> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once("SIGINT", stop);
  const generator = new MemberJourneyGenerator({ seed: o.seed });
  const max = o.events ?? Number.POSITIVE_INFINITY;
  const until = o.duration === undefined ? Number.POSITIVE_INFINITY : Date.now() + o.duration * 1000;
  const step = o.rate === undefined ? STEP : Math.max(1, Math.min(STEP, Math.floor(o.rate / 20)));
  const progress = new ProgressLine();
  const started = performance.now();
  let sent = 0;
  try {
    while (sent < max && Date.now() < until && !controller.signal.aborted) {
      if (o.rate !== undefined) {
        // Pace by the clock: never ahead of rate x elapsed, so a slow moment is caught up.
        const due = (sent / o.rate) * 1000 - (performance.now() - started);
        if (due > 0) await sleep(Math.min(due, until - Date.now()));
        if (Date.now() >= until || controller.signal.aborted) break;
      }
      const events = generator.next(Math.min(step, max - sent));
      await producer.send(events);
      sent += events.length;
      const s = producer.stats();
      progress.update(`sent ${fmt(sent)} events, ${fmt(s.acknowledged)} acknowledged (${fmt(s.acknowledged / seconds(started))}/s)`);
    }
    await producer.close();
  } finally {
    process.off("SIGINT", stop);
    await producer.close().catch(() => undefined);
  }
  const s = producer.stats();
  const elapsed = seconds(started);
  const width = Math.max(...Object.values(names).map((n) => n.length));
  const lines = MEMBER_JOURNEY_TOPICS.map((t) => `  ${names[t]!.padEnd(width)}  ${fmt(s.perTopic[names[t]!] ?? 0).padStart(12)}`);
  progress.done(
    `produced ${fmt(s.acknowledged)} events in ${elapsed.toFixed(1)} s (${fmt(s.acknowledged / elapsed)} events/s) to ${producer.brokers.join(",")}, per topic:\n${lines.join("\n")}`,
  );
}

const seconds = (started: number): number => Math.max((performance.now() - started) / 1000, 1e-9);

/**
 * With --format avro, encodes each event with its topic's schema, `<schemas>/<topic>.avsc` (as
 * in examples/member-journey/avro, which jobs-avro.json reads); undefined for JSON.
 */
function avroEncoder(o: ProduceOptions): ((e: MemberEvent) => Buffer) | undefined {
  const format = o.format ?? "json";
  if (format !== "json" && format !== "avro") throw refusal(`--format must be json or avro, got "${format}"`);
  if (format === "json") {
    if (o.schemas !== undefined) throw refusal("--schemas goes with --format avro");
    return undefined;
  }
  if (o.schemas === undefined) throw refusal("--format avro needs --schemas <dir>: a folder with auth.avsc, playback.avsc, gaming.avsc, live.avsc and search.avsc (e.g. examples/member-journey/avro)");
  const codecs = {} as Record<MemberTopic, AvroCodec>;
  for (const topic of MEMBER_JOURNEY_TOPICS) {
    const file = join(o.schemas, `${topic}.avsc`);
    if (!existsSync(file)) throw refusal(`--schemas: no ${topic}.avsc in ${o.schemas}; give a folder with one Avro schema per topic (e.g. examples/member-journey/avro)`);
    try {
      codecs[topic] = avroCodec(readFileSync(file, "utf8"));
    } catch (error) {
      throw refusal(`--schemas: ${file} ${(error as Error).message.replace(/^\[ingest\] schema: /, "")}`);
    }
  }
  return (e) => codecs[memberEventTopic(e)].encode(e);
}

/** An option error of the library, as the command's refusal (exit code 2) naming the flag. */
function asRefusal(error: unknown): unknown {
  if (!IngestError.isInstance(error) || error.code !== "INVALID_ARGUMENT") return error;
  const flag = error.field === "topicPrefix" ? "--topic-prefix" : error.field === "brokers" ? "--brokers" : `--${error.field ?? "?"}`;
  return refusal(`${flag}: ${error.message.replace(/^\[ingest\] [^:]+: /, "")}`);
}
