import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const cli = join(import.meta.dirname, "..", "dist", "cli.js");
const out = mkdtempSync(join(tmpdir(), "rdg-bench-out-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

// Checks the shape of what a run writes, not its speed: speed lives in bench/results/.
describe("bench report", () => {
  it("writes a result file every reader can read the same way, and a Markdown summary", () => {
    const r = spawnSync(process.execPath, [cli, "kv-lmdb", "--seconds", "1.5", "--no-sync", "--out", out], { encoding: "utf8", timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const files = readdirSync(out);
    const json = files.find((f) => f.endsWith(".json"))!;
    expect(files).toContain(json.replace(/\.json$/, ".md"));
    const result = JSON.parse(readFileSync(join(out, json), "utf8"));
    expect(result).toMatchObject({ scenario: "kv-lmdb", machine: { cores: expect.any(Number), node: process.version }, settings: { sync: false } });
    expect(new Date(result.startedAt).getTime()).toBeGreaterThan(0);
    for (const name of ["kv-lmdb random puts", "raw lmdb-js random puts", "kv-lmdb random gets", "kv-lmdb 50-item ranges"]) {
      expect(result.figures[name].value).toBeGreaterThan(0);
      expect(typeof result.figures[name].unit).toBe("string");
    }
    for (const name of ["puts", "gets", "ranges"]) expect(result.ratios[name]).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/\| ratio \(ours \/ ceiling, same run\) \| value \|/);
  });

  it("refuses an unknown scenario by name", () => {
    const r = spawnSync(process.execPath, [cli, "kv-nope", "--out", out], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/unknown scenario "kv-nope"; choose from kv-lmdb/);
  });
});
