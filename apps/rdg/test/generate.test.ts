import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const cli = join(import.meta.dirname, "..", "dist", "cli.js");
const dir = mkdtempSync(join(tmpdir(), "rdg-generate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rdg = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: "utf8", timeout: 120_000 });
const START = "2026-11-25T10:00:00Z";

describe("rdg generate", () => {
  it("writes the same file for the same seed, worker count and start time, and says how to make it again", () => {
    const make = (name: string, workers: string) => {
      const made = rdg("generate", "--out", join(dir, name), "--events", "30001", "--seed", "9", "--workers", workers, "--start-time", START);
      expect(made.status, made.stderr).toBe(0);
      expect(made.stderr).toMatch(/wrote 30,001 events .* events\/s, [\d.]+ µs CPU per event; the same events again: --seed 9 --workers \d --start-time 2026-11-25T10:00:00\.000Z/);
      return readFileSync(join(dir, name), "utf8");
    };
    const a = make("a.jsonl", "2");
    expect(make("b.jsonl", "2")).toBe(a);
    const lines = a.trimEnd().split("\n");
    expect(lines).toHaveLength(30_001);
    for (const line of lines.slice(0, 100)) expect(JSON.parse(line)).toMatchObject({ topic: expect.any(String), time: expect.any(Number) });
    // Another worker count splits the accounts otherwise: other events, as many.
    const three = make("c.jsonl", "3");
    expect(three).not.toBe(a);
    expect(three.trimEnd().split("\n")).toHaveLength(30_001);
    // 0 workers (this thread) and 1 worker make the same events.
    expect(make("d.jsonl", "0")).toBe(make("e.jsonl", "1"));
  });

  it("generates into nothing with --null, binary or JSON", () => {
    for (const format of ["binary", "json"]) {
      const run = rdg("generate", "--null", "--format", format, "--events", "50000", "--workers", "2");
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toMatch(new RegExp(`wrote 50,000 events \\([\\d,]+ bytes\\) to nowhere \\(--null, ${format}\\)`));
    }
  });

  it("refuses bad flags with exit code 2 and a message naming the flag", () => {
    for (const [args, message] of [
      [["--null", "--workers", "-1"], /--workers must be a non-negative integer, got "-1"/],
      [["--null", "--workers", "two"], /--workers must be a non-negative integer, got "two"/],
      [["--null", "--format", "xml"], /--format must be json or binary, got "xml"/],
      [["--null", "--start-time", "yesterday"], /--start-time must be milliseconds since 1970 or an ISO 8601 date/],
      [["--null", "--events", "0"], /--events must be a positive integer/],
      [[], /give --out <path> \(JSON lines\) or --null/],
      [["--null", "--out", "x.jsonl"], /give --out <path> \(JSON lines\) or --null .*not both or neither/],
      [["--out", "x.jsonl", "--format", "binary"], /--format binary is for --null only/],
    ] as const) {
      const run = rdg("generate", ...args);
      expect(run.status, `${args.join(" ")}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
