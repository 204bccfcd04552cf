import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const cli = join(import.meta.dirname, "..", "dist", "cli.js");
const dir = mkdtempSync(join(tmpdir(), "rdg-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rdg = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000 });

describe("rdg", () => {
  it("demo ingests, answers example queries and reports throughput", () => {
    const path = join(dir, "demo");
    const r = rdg("demo", "--events", "30000", "--accounts", "2000", "--sessions", "1000", "--path", path, "--no-sync");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/ingested: 30,000 events/);
    expect(r.stdout).toMatch(/node title t0 \(the most popular title\)/);
    expect(r.stdout).toMatch(/"name":"Title 0"/);
    expect(r.stdout).toMatch(/3 hops: what co-viewers/);
    expect(r.stdout).toMatch(/Throughput: [\d,]+ events\/s, [\d,]+ graph mutations\/s/);
    expect(r.stdout).toMatch(/Coalescing: \d+\.\d\d events per stored mutation/);
    const q = rdg("query", "--path", path, "neighbors", "t0", "--edge", "watchedBy", "--limit", "3");
    expect(q.status, q.stderr).toBe(0);
    const page = JSON.parse(q.stdout) as { edges: { to: string }[] };
    expect(page.edges).toHaveLength(3);
    expect(page.edges.every((e) => e.to === "t0")).toBe(true);
  });

  it("refuses bad input with a message that says what to change", () => {
    const bad = rdg("demo", "--events", "ten");
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--events must be a positive integer, got "ten"/);
    const missing = rdg("query", "--path", join(dir, "nope"), "node", "title", "t0");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no graph at .*nope; run 'rdg demo' first/);
    const edge = rdg("query", "--path", join(dir, "demo"), "neighbors", "t0", "--edge", "liked");
    expect(edge.status).toBe(1);
    expect(edge.stderr).toMatch(/unknown edge "liked"; known:/);
    const source = rdg("ingest", "--source", "pigeon", "--path", join(dir, "x"));
    expect(source.status).toBe(2);
    expect(source.stderr).toMatch(/--source must be generator, file or kafka, got "pigeon"/);
  });
});
