import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaTopics, MEMBER_JOURNEY_TOPICS } from "@rdg/ingest";
import { deleteTopics, requireKafka } from "./support/kafka-topics.js";

// Delivery promises of `rdg ingest --source kafka` between processes: a kill -9 and a restart,
// and two processes of one consumer group. Each compares the graph with one an uninterrupted
// run built from the same topics (a full export, and the counts of `rdg stats`).

const cli = join(import.meta.dirname, "..", "dist", "cli.js");
const rdg = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 180_000 });
const run = Date.now().toString(36);
const dir = mkdtempSync(join(tmpdir(), "rdg-ingest-group-"));
const eventsOf = (stderr: string): number => Number(/ingested from .*: (?:stopped by signal; )?([\d,]+) events/.exec(stderr)?.[1]?.replaceAll(",", "") ?? Number.NaN);
const made: string[] = [];

interface Child {
  readonly process: ChildProcess;
  stderr: string;
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
}

function start(...args: string[]): Child {
  const p = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "ignore", "pipe"] });
  const child: Child = { process: p, stderr: "", exited: once(p, "exit") as Promise<[number | null, NodeJS.Signals | null]> };
  p.stderr!.on("data", (b: Buffer) => (child.stderr += b.toString()));
  return child;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `test` holds, checking every 100 ms; fails after `ms`. */
async function until(what: string, test: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Records the group committed over the topics (the sum of its offsets). */
async function committed(group: string, topics: readonly string[]): Promise<number> {
  const admin = new KafkaTopics();
  try {
    return Number((await admin.committed(group, topics)).total);
  } finally {
    await admin.close();
  }
}

/** The export and the live counts of the graph at `path`. */
function snapshot(path: string, name: string): { export: string; nodes: unknown; edges: unknown; staleEntries: Record<string, number> } {
  const out = join(dir, `${name}.jsonl`);
  const e = rdg("export", "--path", path, "--out", out);
  if (e.status !== 0) throw new Error(`rdg export ${path}: ${e.stderr}`);
  const s = rdg("stats", "--json", "--path", path);
  if (s.status !== 0) throw new Error(`rdg stats ${path}: ${s.stderr}`);
  const stats = JSON.parse(s.stdout) as { nodes: unknown; edges: unknown; staleEntries: Record<string, number> };
  return { export: readFileSync(out, "utf8"), nodes: stats.nodes, edges: stats.edges, staleEntries: stats.staleEntries };
}

/** Produces the member-journey topics under `prefix`, then builds the reference graph from them with one uninterrupted run. */
function reference(prefix: string): ReturnType<typeof snapshot> {
  const path = join(dir, `${prefix}reference`);
  const r = rdg("ingest", "--source", "kafka", "--topic-prefix", prefix, "--group", `${prefix}reference`, "--idle-seconds", "3", "--path", path);
  if (r.status !== 0) throw new Error(`reference ingest: ${r.stderr}`);
  return snapshot(path, `${prefix}reference`);
}

beforeAll(async () => {
  await requireKafka(`rdg-cli-group-probe-${run}`);
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await deleteTopics(made);
});

describe("rdg ingest --source kafka between processes (real broker, services/kafka.sh)", () => {
  it("kill -9 in the middle of a stream, then a restart: the graph equals the graph of a run never killed", async () => {
    const prefix = `rdg-cli-kill-${process.pid}-${run}.`;
    made.push(...MEMBER_JOURNEY_TOPICS.map((t) => `${prefix}${t}`));
    const produced = rdg("produce", "--events", "40000", "--topic-prefix", prefix, "--partitions", "3", "--seed", "9");
    expect(produced.status, produced.stderr).toBe(0);
    const topics = MEMBER_JOURNEY_TOPICS.map((t) => `${prefix}${t}`);

    const path = join(dir, "killed");
    const group = `${prefix}killed`;
    // Small batches: many commits, so the kill falls between a write and its commit or inside a write.
    const first = start("ingest", "--source", "kafka", "--topic-prefix", prefix, "--group", group, "--batch-size", "300", "--path", path);
    await until("the first commits", async () => (await committed(group, topics)) > 0, 60_000);
    await sleep(300);
    first.process.kill("SIGKILL");
    const [, signal] = await first.exited;
    expect(signal).toBe("SIGKILL");
    const before = await committed(group, topics);
    expect(before, "killed after the whole stream was committed: nothing left to test").toBeLessThan(40_000);

    const restart = rdg("ingest", "--source", "kafka", "--topic-prefix", prefix, "--group", group, "--idle-seconds", "3", "--path", path);
    expect(restart.status, restart.stderr).toBe(0);
    // The restart reads from the last commit: everything after it, and no more than the rest.
    expect(eventsOf(restart.stderr)).toBe(40_000 - before);
    expect(await committed(group, topics)).toBe(40_000);

    const killed = snapshot(path, "killed");
    const whole = reference(prefix);
    expect(killed.export.length).toBeGreaterThan(1000);
    expect(killed.export === whole.export, "exports differ").toBe(true);
    expect(killed.nodes).toEqual(whole.nodes);
    expect(killed.edges).toEqual(whole.edges);
    expect(killed.staleEntries).toEqual(whole.staleEntries);
  }, 240_000);

  it("two processes in one group split the partitions; stopping one moves its partitions to the other, and the graph is complete", async () => {
    const prefix = `rdg-cli-pair-${process.pid}-${run}.`;
    made.push(...MEMBER_JOURNEY_TOPICS.map((t) => `${prefix}${t}`));
    const topics = MEMBER_JOURNEY_TOPICS.map((t) => `${prefix}${t}`);
    const admin = new KafkaTopics();
    try {
      await admin.ensure(topics, { partitions: 4 });
    } finally {
      await admin.close();
    }
    const path = join(dir, "pair");
    const group = `${prefix}pair`;
    const args = ["ingest", "--source", "kafka", "--topic-prefix", prefix, "--group", group, "--batch-size", "500", "--path", path];
    // Both processes write the same embedded graph; the events arrive while they run.
    const a = start(...args, "--idle-seconds", "12");
    const producer = start("produce", "--events", "30000", "--rate", "2500", "--topic-prefix", prefix, "--partitions", "4", "--seed", "3");
    // B joins once A owns every partition and is writing, and leaves a few seconds later.
    await until("A's first progress line", () => /events \(/.test(a.stderr), 60_000);
    const b = start(...args);
    await sleep(5000);
    b.process.kill("SIGTERM");
    const [bCode] = await b.exited;
    expect(bCode, b.stderr).toBe(0);
    const [pCode] = await producer.exited;
    expect(pCode, producer.stderr).toBe(0);
    const [aCode] = await a.exited;
    expect(aCode, a.stderr).toBe(0);

    // Each took part: B read some of the stream before it stopped, A saw the group change twice.
    expect(eventsOf(b.stderr), b.stderr).toBeGreaterThan(0);
    expect(eventsOf(a.stderr), a.stderr).toBeGreaterThan(0);
    expect(Number(/^ingested from .*, (\d+) rebalances?$/m.exec(a.stderr)?.[1] ?? 0), a.stderr).toBeGreaterThanOrEqual(2);
    // Replays after a move are allowed (at least once), losses are not.
    expect(eventsOf(a.stderr) + eventsOf(b.stderr)).toBeGreaterThanOrEqual(30_000);
    expect(await committed(group, topics)).toBe(30_000);

    const pair = snapshot(path, "pair");
    const whole = reference(prefix);
    expect(pair.export === whole.export, "exports differ").toBe(true);
    expect(pair.nodes).toEqual(whole.nodes);
    expect(pair.edges).toEqual(whole.edges);
  }, 240_000);
});
