import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaTopics } from "@rdg/ingest";
import { memberJourneySchema } from "@rdg/model";
import { openGraphStore } from "@rdg/stores";
import { deleteTopics, requireKafka } from "./support/kafka-topics.js";

// A store that goes down under a Kafka job and stays down: the job stops with an error that
// names the store and why, and commits nothing past what the store holds. The store is a
// redis-server of this test's own (port 16397, kept on disk with every write fsynced), so a
// restart shows exactly what was stored; the rest of the stream is then ingested from the
// group's commit and the graph must equal the graph of a run that never failed.

const cli = join(import.meta.dirname, "..", "dist", "cli.js");
const rdg = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 180_000 });
const PORT = 16397;
const URL = `redis://127.0.0.1:${PORT}`;
const run = `${process.pid}-${Date.now().toString(36)}`;
const prefix = `rdg-cli-down-${run}.`;
const topic = `${prefix}playback`;
const dir = mkdtempSync(join(tmpdir(), "rdg-store-down-"));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function startRedis(): ChildProcess {
  const data = join(dir, "redis");
  mkdirSync(data, { recursive: true });
  return spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(PORT), "--dir", data, "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "no"], { stdio: "ignore" });
}

async function redisAnswers(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (spawnSync("redis-cli", ["-p", String(PORT), "ping"], { encoding: "utf8" }).stdout.trim() === "PONG") return;
    await sleep(100);
  }
  throw new Error(`the test's redis-server on port ${PORT} did not answer`);
}

async function committed(group: string): Promise<number> {
  const admin = new KafkaTopics();
  try {
    return Number((await admin.committed(group, [topic])).total);
  } finally {
    await admin.close();
  }
}

let redis: ChildProcess | undefined;

beforeAll(async () => {
  await requireKafka(`rdg-cli-down-probe-${run}`);
  if (spawnSync("redis-server", ["--version"]).status !== 0) throw new Error("redis-server is not on PATH; run services/redis.sh start (it installs Debian's redis-server)");
  const produced = rdg("produce", "--events", "30000", "--topic-prefix", prefix, "--partitions", "3", "--seed", "4");
  if (produced.status !== 0) throw new Error(`rdg produce: ${produced.stderr}`);
});

afterAll(async () => {
  redis?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
  await deleteTopics(["auth", "playback", "gaming", "live", "search"].map((t) => `${prefix}${t}`));
});

describe("rdg ingest --config when the store goes down (real broker and redis-server)", () => {
  it("stops with an error naming the store and why, commits nothing past what was stored, and a restart completes the graph", async () => {
    const group = `${prefix}down`;
    const config = join(dir, "jobs.json");
    writeFileSync(config, JSON.stringify({
      kafka: { brokers: ["127.0.0.1:19092"] },
      jobs: [{ name: "playback", topic, group, format: "json", processor: "member-journey", eventTimeField: "time", batchSize: 400, store: { kind: "redis", url: URL, keyPrefix: `down-${run}:` } }],
    }));
    redis = startRedis();
    await redisAnswers();

    const job = spawn(process.execPath, [cli, "ingest", "--config", config], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    job.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
    const exited = once(job, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
    const until = Date.now() + 60_000;
    while ((await committed(group)) === 0) {
      if (Date.now() > until) throw new Error(`no commit within 60 s:\n${stderr}`);
      await sleep(50);
    }
    // The store goes away for good while the job writes.
    redis.kill("SIGKILL");
    await once(redis, "exit");
    const [code] = await Promise.race([exited, sleep(150_000).then(() => [Number.NaN, null] as const)]);
    expect(code, `the job should stop on its own:\n${stderr}`).toBe(1);
    expect(stderr).toMatch(/playback/);
    expect(stderr).toMatch(new RegExp(`redis|127\\.0\\.0\\.1:${PORT}`, "i"));
    expect(stderr).toMatch(/ECONNREFUSED|refused|connect|not answer|unreachable|closed/i);
    const atFailure = await committed(group);

    // The reference: the same topic into an embedded graph in one run that never failed.
    const reference = join(dir, "reference");
    const ref = rdg("ingest", "--source", "kafka", "--topics", "playback", "--topic-prefix", prefix, "--group", `${prefix}reference`, "--idle-seconds", "3", "--path", reference);
    expect(ref.status, ref.stderr).toBe(0);
    const all = await committed(`${prefix}reference`);
    expect(all).toBeGreaterThan(5000);
    expect(atFailure, "the job failed after the whole topic was committed: nothing left to test").toBeLessThan(all);

    // What was committed was stored: after a restart the rest of the stream, read from the
    // commit, completes a graph equal to the one of a run that never failed.
    redis = startRedis();
    await redisAnswers();
    const rest = rdg("ingest", "--config", config, "--idle-seconds", "3");
    expect(rest.status, rest.stderr).toBe(0);
    expect(await committed(group)).toBe(all);
    const exported = rdg("export", "--path", reference, "--out", join(dir, "reference.jsonl"));
    expect(exported.status, exported.stderr).toBe(0);
    const expected = readFileSync(join(dir, "reference.jsonl"), "utf8").trimEnd().split("\n");

    const { kv, graph } = await openGraphStore({ kind: "redis", url: URL, keyPrefix: `down-${run}:` }, memberJourneySchema);
    try {
      const lines: string[] = [];
      for await (const line of graph.export()) lines.push(line);
      expect(lines.length).toBe(expected.length);
      expect(lines.join("\n") === expected.join("\n"), "the graph on Redis differs from the reference").toBe(true);
    } finally {
      await kv.close();
    }
  }, 300_000);
});
