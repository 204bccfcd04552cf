import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MEMBER_JOURNEY_TOPICS } from "@rdg/ingest";
import { deleteTopics, requireKafka } from "./support/kafka-topics.js";
import { sample, samples } from "./support/prometheus-text.js";

const cli = join(import.meta.dirname, "..", "dist", "cli.js");
const rdg = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000 });
const prefix = `rdg-cli-metrics-${process.pid}-${Date.now().toString(36)}.`;
const dir = mkdtempSync(join(tmpdir(), "rdg-ingest-metrics-"));
const PARTITIONS = 2;
const EVENTS = 3000;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `rdg ingest` with `--metrics-port 0`, resolving with the URL it prints once it serves. */
async function startIngest(args: readonly string[]): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [cli, "ingest", "--metrics-port", "0", ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const url = /metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics) /.exec(stderr)?.[1];
    if (url !== undefined) return { child, url, stderr: () => stderr };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`rdg ingest printed no metrics URL: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Scrapes `url` until `done` holds for the text, or fails after `ms` with the last scrape. */
async function scrapeUntil(url: string, done: (text: string) => boolean, ms = 60_000): Promise<string> {
  const deadline = Date.now() + ms;
  let text = "";
  while (Date.now() < deadline) {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    text = await res.text();
    if (done(text)) return text;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`metrics never got there; last scrape:\n${text.split("\n").filter((l) => l.startsWith("rdg_")).join("\n")}`);
}

describe("rdg ingest --source kafka --metrics-port (real broker, services/kafka.sh)", () => {
  beforeAll(async () => {
    await requireKafka(`${prefix}auth`);
    const produced = rdg("produce", "--events", String(EVENTS), "--topic-prefix", prefix, "--partitions", String(PARTITIONS), "--seed", "11");
    if (produced.status !== 0) throw new Error(`rdg produce failed: ${produced.stderr}`);
  });

  afterAll(async () => {
    await deleteTopics(MEMBER_JOURNEY_TOPICS.map((t) => `${prefix}${t}`));
  });

  it("serves events, mutations, lag per partition and both histograms while it runs, and still stops with exit 0 on SIGTERM", async () => {
    const group = `${prefix}metrics`;
    const job = { job: `kafka:${group}` };
    const { child, url, stderr } = await startIngest(["--source", "kafka", "--topic-prefix", prefix, "--group", group, "--batch-size", "500", "--path", join(dir, "kafka")]);
    try {
      // Every event in, and every partition of every topic reporting its lag: zero once all is committed.
      const text = await scrapeUntil(url, (t) => {
        const lags = samples(t, "rdg_ingest_consumer_lag");
        return sample(t, "rdg_ingest_events_total", job) === EVENTS && lags.length === MEMBER_JOURNEY_TOPICS.length * PARTITIONS && lags.every((l) => l.value === 0);
      });
      expect(sample(text, "rdg_ingest_mutations_written_total", job)).toBeGreaterThan(0);
      expect(sample(text, "rdg_ingest_kv_operations_total", job)).toBeGreaterThan(0);
      expect(sample(text, "rdg_ingest_dead_letters_total", job)).toBe(0);
      expect(sample(text, "rdg_ingest_batch_write_seconds_count", job)).toBeGreaterThan(0);
      expect(sample(text, "rdg_ingest_freshness_seconds_count", job)).toBe(sample(text, "rdg_ingest_batch_write_seconds_count", job));
      const series = samples(text, "rdg_ingest_consumer_lag").map((s) => `${s.labels.job} ${s.labels.topic}[${s.labels.partition}]`).sort();
      expect(series).toEqual(MEMBER_JOURNEY_TOPICS.flatMap((t) => [0, 1].map((p) => `${job.job} ${prefix}${t}[${p}]`)).sort());
      expect(sample(text, "process_resident_memory_bytes")).toBeGreaterThan(0);
      expect((await fetch(url.replace(/\/metrics$/, "/nope"))).status).toBe(404);
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code, stderr()).toBe(0);
    expect(stderr()).toMatch(/stopped by signal/);
  });
});

describe("rdg ingest --metrics-port refusals (exit 2, nothing written)", () => {
  it("refuses a value that is not a port, and --metrics-host without --metrics-port", () => {
    for (const bad of ["abc", "70000", "-1", "9464x"]) {
      const r = rdg("ingest", "--events", "10", "--metrics-port", bad, "--path", join(dir, "refused"));
      expect(r.status, bad).toBe(2);
      expect(r.stderr).toMatch(/--metrics-port must be a TCP port, 0 to 65535/);
    }
    const host = rdg("ingest", "--events", "10", "--metrics-host", "0.0.0.0", "--path", join(dir, "refused"));
    expect(host.status).toBe(2);
    expect(host.stderr).toMatch(/--metrics-host goes with --metrics-port/);
    expect(existsSync(join(dir, "refused"))).toBe(false);
  });

  it("a port in use is refused naming the flag and the port, before the graph is opened", async () => {
    const holder = createServer().listen(0, "127.0.0.1");
    await once(holder, "listening");
    const port = (holder.address() as { port: number }).port;
    try {
      const r = rdg("ingest", "--events", "10", "--metrics-port", String(port), "--path", join(dir, "in-use"));
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toBe(`rdg: --metrics-port: ${port} is in use on 127.0.0.1; pass another port, or stop the process listening there\n`);
      expect(existsSync(join(dir, "in-use"))).toBe(false);
    } finally {
      holder.close();
    }
  });

  it("serves the generator job's metrics too, and prints where", async () => {
    const { child, url, stderr } = await startIngest(["--source", "generator", "--duration", "30", "--path", join(dir, "generator")]);
    try {
      const text = await scrapeUntil(url, (t) => (sample(t, "rdg_ingest_batch_write_seconds_count", { job: "member-journeys" }) ?? 0) > 0);
      expect(sample(text, "rdg_ingest_events_total", { job: "member-journeys" })).toBeGreaterThan(0);
    } finally {
      child.kill("SIGINT");
    }
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code, stderr()).toBe(0);
  });
});
