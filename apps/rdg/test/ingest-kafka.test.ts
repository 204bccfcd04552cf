import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaEventProducer, KafkaTopics, MEMBER_JOURNEY_TOPICS } from "@rdg/ingest";
import { deleteTopics, requireKafka } from "./support/kafka-topics.js";

const cli = join(import.meta.dirname, "..", "dist", "cli.js");
const rdg = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000 });
const prefix = `rdg-cli-ingest-${process.pid}-${Date.now().toString(36)}.`;
const dir = mkdtempSync(join(tmpdir(), "rdg-ingest-kafka-"));
const eventsOf = (stderr: string): number => Number(/ingested from .*: (?:stopped by signal; )?([\d,]+) events/.exec(stderr)?.[1]?.replaceAll(",", "") ?? Number.NaN);

beforeAll(async () => {
  await requireKafka(`${prefix}auth`);
  const produced = rdg("produce", "--events", "2000", "--topic-prefix", prefix, "--partitions", "2", "--seed", "5");
  if (produced.status !== 0) throw new Error(`rdg produce failed: ${produced.stderr}`);
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await deleteTopics([...MEMBER_JOURNEY_TOPICS, "dead-letters", "mixed"].map((t) => `${prefix}${t}`));
});

describe("rdg ingest --source kafka (real broker, services/kafka.sh)", () => {
  it("consumes what rdg produce published, exits 0 after --idle-seconds, and rdg stats shows the graph", () => {
    const path = join(dir, "idle");
    const r = rdg("ingest", "--source", "kafka", "--topic-prefix", prefix, "--group", `${prefix}idle`, "--idle-seconds", "2", "--path", path, "--dead-letter-topic", "dead-letters");
    expect(r.status, r.stderr).toBe(0);
    expect(eventsOf(r.stderr), r.stderr).toBe(2000);
    expect(r.stderr).toMatch(/0 dead letters/);
    const stats = rdg("stats", "--json", "--path", path);
    expect(stats.status, stats.stderr).toBe(0);
    const s = JSON.parse(stats.stdout) as { nodes: Record<string, number>; edges: Record<string, number> };
    expect(s.nodes.profile).toBeGreaterThan(0);
    expect(s.edges.hasProfile).toBe(s.nodes.profile);

    // The group committed everything: a second run reads nothing and changes nothing.
    const again = rdg("ingest", "--source", "kafka", "--topic-prefix", prefix, "--group", `${prefix}idle`, "--idle-seconds", "2", "--path", path);
    expect(again.status, again.stderr).toBe(0);
    expect(eventsOf(again.stderr), again.stderr).toBe(0);
    expect(JSON.parse(rdg("stats", "--json", "--path", path).stdout)).toEqual(s);
  });

  it("stops cleanly on SIGTERM (exit 0, what it read committed) and --events stops after that many; the group resumes where they stopped", async () => {
    const path = join(dir, "signal");
    const group = `${prefix}signal`;
    const limited = rdg("ingest", "--source", "kafka", "--topic-prefix", prefix, "--group", group, "--events", "500", "--batch-size", "100", "--path", path);
    expect(limited.status, limited.stderr).toBe(0);
    expect(eventsOf(limited.stderr), limited.stderr).toBe(500);

    const child = spawn(process.execPath, [cli, "ingest", "--source", "kafka", "--topic-prefix", prefix, "--group", group, "--path", path], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    await new Promise((r) => setTimeout(r, 4000));
    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/stopped by signal/);
    const second = eventsOf(stderr);

    const rest = rdg("ingest", "--source", "kafka", "--topic-prefix", prefix, "--group", group, "--idle-seconds", "2", "--path", path);
    expect(rest.status, rest.stderr).toBe(0);
    expect(500 + second + eventsOf(rest.stderr)).toBe(2000);

    // The same graph as the uninterrupted run of the first test.
    const whole = rdg("export", "--path", join(dir, "idle"), "--out", join(dir, "idle.jsonl"));
    const parts = rdg("export", "--path", path, "--out", join(dir, "signal.jsonl"));
    expect(whole.status, whole.stderr).toBe(0);
    expect(parts.status, parts.stderr).toBe(0);
    expect(spawnSync("cmp", [join(dir, "idle.jsonl"), join(dir, "signal.jsonl")]).status).toBe(0);
  });

  it("without --dead-letter-topic, refused records go to the --dead-letters file with their position and bytes", async () => {
    const topic = `${prefix}mixed`;
    const admin = new KafkaTopics();
    const bad = "{oops";
    // Values as given: a good event's JSON, then text that is not JSON.
    const producer = new KafkaEventProducer<string>({ topicOf: () => topic, keyOf: (v) => (v === bad ? "k-bad" : "p1"), serialize: (v) => v });
    try {
      await admin.ensure([topic], { partitions: 1 });
      const good = { topic: "auth", type: "login", time: Date.now(), accountId: "a1", profileId: "p1", deviceId: "d1", deviceKind: "tv" };
      await producer.send([JSON.stringify(good), bad]);
      await producer.flush();
    } finally {
      await producer.close();
      await admin.close();
    }
    const file = join(dir, "dead.jsonl");
    const r = rdg("ingest", "--source", "kafka", "--topics", "mixed", "--topic-prefix", prefix, "--group", `${prefix}mixed`, "--events", "2", "--path", join(dir, "mixed"), "--dead-letters", file);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/2 events .* 1 dead letters, .*; dead letters in /);
    const letters = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { reason: string; event: Record<string, unknown> });
    expect(letters).toHaveLength(1);
    expect(letters[0]!.reason).toMatch(new RegExp(`${topic.replaceAll(".", "\\.")}\\[0\\]@1 is not JSON`));
    expect(letters[0]!.event).toMatchObject({ topic, partition: 0, offset: "1", keyBase64: Buffer.from("k-bad").toString("base64"), valueBase64: Buffer.from(bad).toString("base64") });
  });

  it("refuses --source kafka without --group, and kafka flags with other sources (exit 2)", () => {
    const r = rdg("ingest", "--source", "kafka", "--path", join(dir, "refused"));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--source kafka needs --group/);
    const other = rdg("ingest", "--source", "generator", "--events", "10", "--group", "g", "--path", join(dir, "refused"));
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/--group, --dead-letter-topic and --idle-seconds go with --source kafka/);
  });
});
