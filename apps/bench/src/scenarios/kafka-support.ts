import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_KAFKA_BROKERS, KafkaTopics, MemberJourneyGenerator, type MemberEvent } from "@rdg/ingest";

/** The broker the Kafka scenarios use: the one `services/kafka.sh start` runs. */
export const BROKERS: readonly string[] = process.env.RDG_KAFKA_BROKERS?.split(",") ?? DEFAULT_KAFKA_BROKERS;

/** Partitions of every topic the Kafka scenarios create (KafkaTopics' default). */
export const PARTITIONS = 6;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const servicesDir = process.env.RDG_SERVICES_DIR ?? join(repoRoot, ".services");

/** A prefix that no earlier run used: every topic and group of a run starts with it. */
export function runPrefix(scenario: string): string {
  return `bench-${scenario}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** `count` generated member-journey events, in time order, from a generator with a fixed start. */
export function generateEvents(count: number, startTime: number): { events: MemberEvent[]; generator: MemberJourneyGenerator } {
  const generator = new MemberJourneyGenerator({ startTime });
  const events: MemberEvent[] = [];
  while (events.length < count) generator.next(Math.min(10_000, count - events.length), events);
  return { events, generator };
}

/** Creates `topics` with `PARTITIONS` partitions; returns a function that deletes them. */
export async function makeTopics(topics: readonly string[], partitions: number = PARTITIONS): Promise<() => Promise<void>> {
  const admin = new KafkaTopics({ brokers: BROKERS, clientId: "rdg-bench" });
  try {
    await admin.ensure(topics, { partitions });
  } finally {
    await admin.close();
  }
  return async () => {
    const a = new KafkaTopics({ brokers: BROKERS, clientId: "rdg-bench" });
    try {
      await a.delete(topics);
    } finally {
      await a.close();
    }
  };
}

/**
 * Runs one of Kafka's own tools (a main class of kafka-tools) in a JVM the way services/kafka.sh
 * runs Kafka: the jars it resolved into .services/kafka/lib, JVM flags of Kafka's
 * bin/kafka-run-class.sh (G1, 20 ms pause goal; the full JIT, unlike the script's short-lived
 * admin calls). Returns stdout; throws with stderr on a non-zero exit or after `timeoutMs`.
 */
export async function runKafkaTool(mainClass: string, args: readonly string[], timeoutMs: number): Promise<string> {
  const lib = join(servicesDir, "kafka", "lib");
  if (!existsSync(lib)) throw new Error(`no Kafka jars in ${lib}; run services/kafka.sh start first`);
  const logConfig = join(servicesDir, "kafka", "conf", "tools-log4j2.properties");
  const java = process.env.JAVA_HOME !== undefined ? join(process.env.JAVA_HOME, "bin", "java") : "java";
  const jvm = [
    "-Xmx512m", "-server", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent", "-XX:MaxInlineLevel=15", "-Djava.awt.headless=true",
    ...(existsSync(logConfig) ? [`-Dlog4j2.configurationFile=file:${logConfig}`] : []),
    "-cp", `${lib}/*`, mainClass,
  ];
  return new Promise((ok, fail) => {
    const child = spawn(java, [...jvm, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) ok(out);
      else fail(new Error(`${mainClass} ${signal === "SIGKILL" ? `killed after ${timeoutMs} ms` : `exited with ${code}`}:\n${err.slice(-2000)}\n${out.slice(-2000)}`));
    });
  });
}

/** Median of a list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Mean UTF-8 byte length of `JSON.stringify` of each event, and of each key. */
export function meanSizes(events: readonly MemberEvent[], keyOf: (e: MemberEvent) => string): { value: number; key: number } {
  let value = 0;
  let key = 0;
  for (const e of events) {
    value += Buffer.byteLength(JSON.stringify(e));
    key += Buffer.byteLength(keyOf(e));
  }
  return { value: value / events.length, key: key / events.length };
}
