import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seededRandom } from "@rdg/model";

const cli = join(import.meta.dirname, "..", "dist", "cli.js");
const dir = mkdtempSync(join(tmpdir(), "rdg-export-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rdg = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000 });

function shuffle<T>(xs: T[], rnd: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

describe("rdg export", () => {
  it("gives byte-identical exports of graphs built from the same events in order, shuffled, duplicated, in one batch or many", () => {
    const events = join(dir, "events.jsonl");
    const made = rdg("generate", "--out", events, "--events", "4000", "--seed", "7");
    expect(made.status, made.stderr).toBe(0);
    const lines = readFileSync(events, "utf8").trimEnd().split("\n");
    const rnd = seededRandom(11);
    writeFileSync(join(dir, "shuffled.jsonl"), `${shuffle([...lines], rnd).join("\n")}\n`);
    writeFileSync(join(dir, "duplicated.jsonl"), `${shuffle([...lines, ...lines.filter(() => rnd() < 0.3)], rnd).join("\n")}\n`);
    const exports: string[] = [];
    for (const [file, batch] of [["events.jsonl", "100000"], ["shuffled.jsonl", "7"], ["duplicated.jsonl", "500"], ["events.jsonl", "1"]] as const) {
      const graph = join(dir, `graph-${exports.length}`);
      const ingested = rdg("ingest", "--source", "file", "--file", join(dir, file), "--path", graph, "--batch-size", batch, "--dead-letters", join(dir, `dead-${exports.length}.jsonl`));
      expect(ingested.status, ingested.stderr).toBe(0);
      const out = join(dir, `export-${exports.length}.jsonl`);
      const exported = rdg("export", "--path", graph, "--out", out);
      expect(exported.status, exported.stderr).toBe(0);
      exports.push(readFileSync(out, "utf8"));
    }
    const parsed = exports[0]!.trimEnd().split("\n").map((l) => JSON.parse(l) as { node?: string; edge?: string });
    expect(parsed.filter((l) => l.edge === "watched").length).toBeGreaterThan(100);
    expect(parsed.filter((l) => l.node === "profile").length).toBeGreaterThan(10);
    for (const other of exports.slice(1)) expect(other === exports[0]).toBe(true);
  });

  it("refuses to overwrite a file, and stats counts what export lists", () => {
    const graph = join(dir, "graph-0");
    const taken = join(dir, "taken.txt");
    writeFileSync(taken, "mine");
    const refused = rdg("export", "--path", graph, "--out", taken);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/taken\.txt already exists/);
    expect(readFileSync(taken, "utf8")).toBe("mine");
    const stats = rdg("stats", "--path", graph, "--json");
    expect(stats.status, stats.stderr).toBe(0);
    const s = JSON.parse(stats.stdout) as { nodes: Record<string, number>; edges: Record<string, number>; schema: { layout: number } };
    const lines = readFileSync(join(dir, "export-0.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as { node?: string; edge?: string });
    expect(s.edges["watched"]).toBe(lines.filter((l) => l.edge === "watched").length);
    expect(s.nodes["profile"]).toBe(lines.filter((l) => l.node === "profile").length);
    expect(s.schema.layout).toBe(2);
    const text = rdg("stats", "--path", graph);
    expect(text.stdout).toMatch(/edges \(live\)\n\s+hasProfile/);
  });
});
