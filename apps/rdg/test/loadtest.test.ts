import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSlo } from "../src/loadtest/slo.js";

// rdg loadtest and rdg query --url against a real `rdg serve` on a small generated LMDB graph.
const cli = join(import.meta.dirname, "..", "dist", "cli.js");
const dir = mkdtempSync(join(tmpdir(), "rdg-loadtest-"));
const graph = join(dir, "graph");
const out = join(dir, "results");
const rdg = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000 });
let server: ChildProcess | undefined;
let url = "";

beforeAll(async () => {
  const r = rdg("ingest", "--source", "generator", "--events", "3000", "--path", graph);
  expect(r.status, r.stderr).toBe(0);
  server = spawn(process.execPath, [cli, "serve", "--port", "0", "--path", graph, "--log-level", "warn", "--max-traversal-edges", "20000"], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  server.stdout!.on("data", (b: Buffer) => (stdout += b.toString()));
  const deadline = Date.now() + 30_000;
  while (!/listening on (http:\S+)/.test(stdout)) {
    if (server.exitCode !== null || Date.now() > deadline) throw new Error(`rdg serve printed no URL: ${stdout}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  url = /listening on (http:\S+)/.exec(stdout)![1]!;
});

afterAll(() => {
  server?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const results = (): string[] => readdirSync(out).filter((f) => f.endsWith(".json"));

describe("rdg loadtest", () => {
  it("fails an impossible SLO with exit 1, after printing the table and writing the result", () => {
    const r = rdg("loadtest", "--url", url, "--profile", "1hop", "--duration", "1", "--connections", "2", "--slo", "p99<0.001ms", "--out", out);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/\| latency \| p50 \| p90 \| p99 \|/);
    expect(r.stdout).toMatch(/\| p99<0\.001ms \| [\d.]+ ms \| NO \|/);
    expect(r.stderr).toMatch(/SLO missed: p99<0\.001ms: measured [\d.]+ ms/);
    const file = results().find((f) => f.startsWith("loadtest-1hop-"));
    expect(file).toBeDefined();
    const result = JSON.parse(readFileSync(join(out, file!), "utf8"));
    expect(result).toMatchObject({ scenario: "loadtest-1hop", settings: { profile: "1hop", connections: 2 }, ratios: {}, targets: { "p99<0.001ms": { target: 0.001, met: false } } });
    expect(Object.keys(result)).toEqual(expect.arrayContaining(["scenario", "startedAt", "machine", "settings", "figures", "ratios", "targets", "notes"]));
    expect(result.figures["requests answered"].value).toBeGreaterThan(0);
    expect(result.figures["error rate"].value).toBe(0);
  });

  it("passes a loose SLO with exit 0, for every profile", () => {
    for (const profile of ["node", "1hop", "2hop", "3hop", "mixed"]) {
      const r = rdg("loadtest", "--url", url, "--profile", profile, "--duration", "1", "--connections", "2", "--slo", "p99<5s,errors<1%", "--out", out);
      expect(r.status, `${profile}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/SLO met \(p99<5s, errors<1%\)/);
      expect(r.stdout).toMatch(/statuses: 200: /);
    }
  });

  it("takes ids from a local graph path with --ids-from-path", () => {
    const r = rdg("loadtest", "--url", url, "--profile", "2hop", "--duration", "1", "--connections", "1", "--ids-from-path", graph, "--ids", "50", "--rate", "50", "--out", out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ids: 50 titles, \d+ profiles, from the graph at /);
  });

  it("refuses bad flags and SLOs with exit 2, naming what is wrong", () => {
    const cases: [string[], RegExp][] = [
      [["--profile", "4hop"], /--profile must be one of node, 1hop, 2hop, 3hop, mixed/],
      [["--profile", "node", "--slo", "p99<<20ms"], /--slo: "p99<<20ms" is not a clause/],
      [["--profile", "node", "--slo", "p99<20"], /"p99<20" has no unit/],
      [["--profile", "node", "--slo", "p99<20ms,errors<0.1"], /"errors<0.1" needs a percentage/],
      [["--profile", "node", "--slo", "p99>20ms"], /bounds a latency from below/],
      [["--profile", "node", "--slo", "p99<20ms,,errors<1%"], /"" is an empty clause/],
      [["--profile", "node", "--connections", "0"], /--connections must be a positive integer/],
      [["--profile", "node", "--duration", "soon"], /--duration must be a positive integer/],
    ];
    for (const [args, message] of cases) {
      const r = rdg("loadtest", "--url", url, "--out", out, ...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const noUrl = rdg("loadtest", "--profile", "node");
    expect(noUrl.status).toBe(2);
    expect(rdg("loadtest", "--url", "ftp://x", "--profile", "node").status).toBe(2);
  });

  it("exits 1 naming the address when no server answers", () => {
    const r = rdg("loadtest", "--url", "http://127.0.0.1:1", "--profile", "node", "--duration", "1", "--out", out);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot reach the server at http:\/\/127\.0\.0\.1:1/);
  });
});

describe("the SLO grammar", () => {
  it("reads latencies in us, ms and s, errors in percent and rps", () => {
    expect(parseSlo(" p99 < 20ms , errors<0.1%, p99.9<=1.5s, p50<800us, rps>=500").map((c) => [c.metric, c.op, c.bound])).toEqual([
      ["p99", "<", 20], ["errors", "<", 0.1], ["p99.9", "<=", 1500], ["p50", "<", 0.8], ["rps", ">=", 500],
    ]);
    for (const bad of ["", "p99", "p99<20ms;errors<1%", "p99<-1ms", "errors<101%", "rps>5ms", "p99<20ms,p99<30ms", "P99<20ms"]) expect(() => parseSlo(bad), bad).toThrow(/--slo/);
  });
});

describe("rdg query --url", () => {
  const same = (...args: string[]) => {
    const local = rdg("query", "--path", graph, ...args);
    const remote = rdg("query", "--url", url, ...args);
    expect(remote.status, remote.stderr).toBe(local.status);
    return { local: JSON.parse(local.stdout), remote: JSON.parse(remote.stdout) };
  };

  it("asks a running server the same questions, printing the same answers", () => {
    const node = same("node", "title", "t1");
    expect(node.remote).toEqual(node.local);
    const page = same("neighbors", "t0", "--edge", "watchedBy", "--limit", "3");
    expect(page.remote.edges).toEqual(page.local.edges);
    expect(page.remote.edges).toHaveLength(3);
    expect(typeof page.remote.cursor).toBe("string");
    const next = rdg("query", "--url", url, "neighbors", "t0", "--edge", "watchedBy", "--limit", "3", "--cursor", page.remote.cursor);
    expect(next.status, next.stderr).toBe(0);
    expect(JSON.parse(next.stdout).edges[0]).not.toEqual(page.remote.edges[0]);
    expect(same("count", "t0", "--edge", "watchedBy").remote).toEqual(same("count", "t0", "--edge", "watchedBy").local);
    const profile = page.local.edges[0].other as string;
    const walk = same("traverse", profile, "--hops", "watched,watchedBy", "--limit", "5");
    const strip = (t: { elapsedMs?: number }) => ({ ...t, elapsedMs: 0 });
    expect(strip(walk.remote)).toEqual(strip(walk.local));
  });

  it("shows the server's errors with their code and message, with the local exit codes", () => {
    const missing = rdg("query", "--url", url, "node", "title", "t999999");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no title with id "t999999" at http.* \(404 NOT_FOUND\)/);
    const over = rdg("query", "--url", url, "traverse", "p1-0", "--hops", "watched", "--deadline", "5000");
    expect(over.status).toBe(1);
    expect(over.stderr).toMatch(/the server answered 400 LIMIT_EXCEEDED: .*traversalDeadlineMs of 1000/);
    expect(rdg("query", "--url", url, "--path", graph, "node", "title", "t1").status).toBe(2);
    expect(rdg("query", "--url", "not a url", "node", "title", "t1").status).toBe(2);
    const down = rdg("query", "--url", "http://127.0.0.1:1", "node", "title", "t1");
    expect(down.status).toBe(1);
    expect(down.stderr).toMatch(/cannot reach the server/);
  });
});
