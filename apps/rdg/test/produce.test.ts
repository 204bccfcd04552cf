import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaTopics, MEMBER_JOURNEY_TOPICS } from "@rdg/ingest";
import { deleteTopics, requireKafka } from "./support/kafka-topics.js";

const cli = join(import.meta.dirname, "..", "dist", "cli.js");
const rdg = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000 });
const prefix = `rdg-cli-test-${process.pid}-${Date.now().toString(36)}.`;

beforeAll(async () => {
  await requireKafka(`${prefix}auth`);
});

afterAll(async () => {
  await deleteTopics(MEMBER_JOURNEY_TOPICS.map((t) => `${prefix}${t}`));
});

describe("rdg produce (real broker, services/kafka.sh)", () => {
  it("publishes --events to the five topics it creates and reports per-topic counts that sum to them", async () => {
    const r = rdg("produce", "--events", "2000", "--topic-prefix", prefix, "--partitions", "2", "--seed", "3");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`created topics ${prefix.replaceAll(".", "\\.")}auth, .* with 2 partitions`));
    expect(r.stderr).toMatch(/produced 2,000 events in [\d.]+ s \([\d,]+ events\/s\) to 127\.0\.0\.1:19092, per topic:/);
    const counts = new Map([...r.stderr.matchAll(/^ {2}(\S+) +([\d,]+)$/gm)].map((m) => [m[1]!, Number(m[2]!.replaceAll(",", ""))]));
    expect([...counts.keys()]).toEqual(MEMBER_JOURNEY_TOPICS.map((t) => `${prefix}${t}`));
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(2000);

    // Existing topics are left as they are, with a notice when their partition count differs.
    const again = rdg("produce", "--events", "100", "--topic-prefix", prefix, "--partitions", "3", "--rate", "1000");
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`topic ${prefix.replaceAll(".", "\\.")}auth exists with 2 partitions, not 3; it is left as it is`));
    expect(again.stderr).toMatch(/produced 100 events/);
    const topics = new KafkaTopics();
    try {
      expect([...(await topics.partitions([`${prefix}auth`])).values()]).toEqual([2]);
    } finally {
      await topics.close();
    }
  });

  it("--rate paces the events and --duration stops; Ctrl-C stops cleanly with the summary", async () => {
    const paced = rdg("produce", "--duration", "2", "--rate", "500", "--topic-prefix", prefix);
    expect(paced.status, paced.stderr).toBe(0);
    const n = Number(/produced ([\d,]+) events/.exec(paced.stderr)?.[1]?.replaceAll(",", ""));
    // Never ahead of the rate (500/s for 2 s, steps of 25 events); a loaded machine may fall behind.
    expect(n).toBeGreaterThan(250);
    expect(n).toBeLessThanOrEqual(1025);

    const child = spawn(process.execPath, [cli, "produce", "--duration", "60", "--rate", "2000", "--topic-prefix", prefix], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, "exit") as Promise<[number | null]>;
    // Ctrl-C once it is producing (its first progress line): on a loaded machine a fixed delay
    // can fall before Node has started and installed the handler, and the signal kills it.
    const until = Date.now() + 60_000;
    while (!/sent [\d,]+ events/.test(stderr) && Date.now() < until && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGINT");
    const [code] = await exited;
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/produced [\d,]+ events in [\d.]+ s/);
    expect(Number(/produced ([\d,]+) events in ([\d.]+) s/.exec(stderr)?.[2])).toBeLessThan(30);
  });

  it("refuses bad options with exit code 2 and a message saying what to change", () => {
    const cases: [string[], RegExp][] = [
      [["produce"], /needs --events <n> or --duration <seconds>/],
      [["produce", "--events", "0"], /--events must be a positive integer, got "0"/],
      [["produce", "--events", "10", "--rate", "fast"], /--rate must be a positive integer, got "fast"/],
      [["produce", "--events", "10", "--partitions", "0"], /--partitions must be a positive integer, got "0"/],
      [["produce", "--events", "10", "--brokers", "nohost"], /--brokers: "nohost" is not host:port/],
      [["produce", "--events", "10", "--topic-prefix", "a b"], /--topic-prefix: "a b" cannot start a Kafka topic name/],
    ];
    for (const [args, message] of cases) {
      const r = rdg(...args);
      expect([args.join(" "), r.status]).toEqual([args.join(" "), 2]);
      expect(r.stderr).toMatch(message);
    }
  });

  it("an unreachable broker fails within seconds, naming the address and services/kafka.sh", () => {
    const started = performance.now();
    const r = rdg("produce", "--events", "10", "--brokers", "127.0.0.1:1");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^rdg: \[ingest\] brokers: cannot reach Kafka at 127\.0\.0\.1:1 .*services\/kafka\.sh start/);
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});
