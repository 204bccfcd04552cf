import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { capacityModel } from "../src/capacity/capacity-model.js";
import type { BenchResult } from "../src/report/bench-result.js";
import { pngSize, renderPng } from "../src/report/chart-renderer.js";
import { writeReport } from "../src/report/generate-report.js";
import { ratioChart } from "../src/report/report-charts.js";
import { readResults } from "../src/report/result-files.js";

const work = mkdtempSync(join(tmpdir(), "rdg-bench-report-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const machine = { cores: 2, cpu: "fixture CPU", memoryGiB: 8, node: "v26.0.0", stores: { lmdb: "3.5.6", cassandra: "5.0.9" }, loadAverageAtStart: [1, 1, 1] };

function result(scenario: string, startedAt: string, extra: Partial<BenchResult> = {}): BenchResult {
  return { scenario, startedAt, durationSec: 10, machine, settings: {}, figures: {}, ratios: {}, targets: {}, notes: [], ...extra };
}

function capacity(startedAt: string, nodes: number, writes: number, gets: number): BenchResult {
  const f = (value: number, unit: string) => ({ value, unit });
  return result("capacity-cassandra", startedAt, {
    settings: { nodes, replicationFactor: nodes === 3 ? 3 : 1, consistency: "QUORUM" },
    figures: {
      "cluster KV writes": f(writes, "writes/s"), "cluster KV gets": f(gets, "gets/s"), "cluster KV 50-item ranges": f(gets / 3, "ranges/s"),
      "ingest process: KV writes": f(20_000, "writes/s"), "ingest process: graph mutations": f(5_000, "mutations/s"),
      "logical bytes per graph node": f(100, "bytes"), "logical bytes per graph edge": f(200, "bytes"), "on-disk bytes per logical byte (one replica)": f(0.5, "ratio"),
    },
  });
}

function writeResults(dir: string, results: readonly BenchResult[]): void {
  mkdirSync(dir, { recursive: true });
  for (const r of results) writeFileSync(join(dir, `${r.scenario}-${r.startedAt.replace(/[:.]/g, "-")}.json`), JSON.stringify(r));
}

const FIXTURES: BenchResult[] = [
  result("kv-lmdb", "2026-11-01T10:00:00.000Z", { figures: { "kv-lmdb random puts": { value: 50_000, unit: "puts/s" } }, ratios: { puts: 0.7 }, targets: { "puts ratio >= 0.80": { target: 0.8, actual: 0.7, met: false } } }),
  result("kv-lmdb", "2026-11-02T10:00:00.000Z", { ratios: { puts: 0.9 }, command: "./run bench kv-lmdb --scale small" }),
  result("embedded-e2e", "2026-11-01T11:00:00.000Z", { ratios: { "graph mutations / raw random puts": 0.3 } }),
  result("query-http", "2026-11-01T12:00:00.000Z", { ratios: { "1-hop / node:http": 0.35 } }),
  result("mixed-load", "2026-11-01T13:00:00.000Z", {
    figures: {
      "LMDB: read p50 alone": { value: 0.4, unit: "ms" }, "LMDB: read p50 under writes": { value: 0.9, unit: "ms" },
      "LMDB: read p99 alone": { value: 2, unit: "ms" }, "LMDB: read p99 under writes": { value: 8, unit: "ms" },
      "LMDB: graph mutations alone": { value: 20_000, unit: "mutations/s" }, "LMDB: graph mutations under reads": { value: 15_000, unit: "mutations/s" },
    },
  }),
  result("peers", "2026-11-01T14:00:00.000Z", { ratios: { "ingest events/s: RDG on LMDB / PostgreSQL": 4.2, "1-hop req/s: RDG on LMDB / PostgreSQL": 3.1 } }),
  capacity("2026-11-01T15:00:00.000Z", 1, 10_000, 8_000),
  capacity("2026-11-01T16:00:00.000Z", 3, 4_000, 3_000),
];

describe("report charts", () => {
  it("renders a chart of a fixture result as a PNG of plausible size", async () => {
    const chart = ratioChart("stores.png", "Every store against its raw client", readResultsOf([FIXTURES[1]!, FIXTURES[2]!]));
    const png = await renderPng(chart!.spec);
    const { width, height } = pngSize(png);
    expect(width).toBeGreaterThan(400);
    expect(width).toBeLessThan(4000);
    expect(height).toBeGreaterThan(100);
    expect(height).toBeLessThan(4000);
    expect(png.length).toBeGreaterThan(5_000);
  });

  it("refuses bytes that are not a PNG", () => {
    expect(() => pngSize(Buffer.from("<svg></svg>"))).toThrow(/not a PNG/);
  });
});

function readResultsOf(results: readonly BenchResult[]) {
  const dir = mkdtempSync(join(work, "r-"));
  writeResults(dir, results);
  return readResults(dir);
}

describe("report", () => {
  it("has every section the issue asks for, newest run first, with machine, command and targets", async () => {
    const root = join(work, "bench");
    writeResults(join(root, "results"), FIXTURES);
    const written = await writeReport({ resultsDir: join(root, "results"), reportFile: join(root, "REPORT.md"), chartsDir: join(root, "charts") });
    const md = readFileSync(written.reportFile, "utf8");
    for (const title of ["Every store against its raw client", "The embedded and Kafka pipelines", "Queries beside the HTTP ceiling", "Mixed load", "Peers on the same workload", "Capacity model for Netflix's load"]) {
      expect(md).toContain(title);
    }
    expect(md.indexOf("Run 2026-11-02T10:00:00.000Z")).toBeLessThan(md.indexOf("Run 2026-11-01T10:00:00.000Z"));
    expect(md).toContain("`./run bench kv-lmdb --scale small`");
    expect(md).toContain("`./run bench kv-lmdb`"); // derived for the older run
    expect(md).toContain("2 cores (fixture CPU), 8 GiB, Node v26.0.0; lmdb 3.5.6, cassandra 5.0.9");
    expect(md).toContain("**missed**");
    expect(md).toMatch(/ingest events\/s: RDG on LMDB \/ PostgreSQL \| 420\.0%/);
    expect(md).toMatch(/\| ingest events\/s: RDG on LMDB \/ PostgreSQL \| 4\.20x \| 3x \| yes \|/);
    expect(md).toMatch(/\*\*Answer: [\d,]+ Cassandra nodes/);
    for (const chart of written.charts) expect(pngSize(readFileSync(chart)).width).toBeGreaterThan(400);
    expect(written.charts.map((c) => c.split("/").pop())).toEqual(expect.arrayContaining(["stores.png", "pipelines.png", "query.png", "mixed-load-latency.png", "peers.png", "capacity.png"]));
  });
});

describe("capacity model", () => {
  it("reads the newest one-node and three-node results, and a newer result changes its numbers", () => {
    const before = capacityModel(readResultsOf(FIXTURES));
    expect(before.available).toBe(true);
    // 6M writes / 4,000 + 2M reads / 3,000 node-equivalents, at 50% utilisation, to a multiple of 3.
    expect(before.answer.throughputNodes).toBe(Math.ceil((6e6 / 4000 + 2e6 / 3000) / 0.5 / 3) * 3);
    expect(before.answer.ingestProcesses).toBe(Math.ceil(6e6 / (20_000 * 0.5)));
    expect(before.comparison.find((c) => c.name === "KV writes")).toMatchObject({ oneNode: 10_000, threeNodes: 4_000 });
    const after = capacityModel(readResultsOf([...FIXTURES, capacity("2026-11-02T16:00:00.000Z", 3, 8_000, 6_000)]));
    expect(after.answer.throughputNodes).toBeLessThan(before.answer.throughputNodes);
    expect(after.answer.throughputNodes).toBe(Math.ceil((6e6 / 8000 + 2e6 / 6000) / 0.5 / 3) * 3);
  });

  it("passes over a newer result that lacks a figure it reads (say, bytes on disk), and says so when none is complete", () => {
    const before = capacityModel(readResultsOf(FIXTURES));
    const incomplete = capacity("2026-11-03T16:00:00.000Z", 1, 99_000, 99_000);
    (incomplete.figures as Record<string, unknown>)["on-disk bytes per logical byte (one replica)"] = { value: 0, unit: "ratio" };
    const after = capacityModel(readResultsOf([...FIXTURES, incomplete]));
    expect(after.available).toBe(true);
    expect(after.answer).toEqual(before.answer);
    const alone = capacityModel(readResultsOf([FIXTURES[0]!, incomplete]));
    expect(alone.available).toBe(false);
    expect(alone.reason).toMatch(/has no "on-disk bytes per logical byte \(one replica\)"/);
  });

  it("says what to run when no capacity result exists", () => {
    const model = capacityModel(readResultsOf([FIXTURES[0]!]));
    expect(model.available).toBe(false);
    expect(model.reason).toMatch(/run \.\/run bench capacity-cassandra/);
  });
});
