import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LmdbKvStore } from "@rdg/kv-lmdb";

const cli = join(import.meta.dirname, "..", "dist", "cli.js");
const dir = mkdtempSync(join(tmpdir(), "rdg-paths-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rdgIn = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8", timeout: 120_000 });
const rdg = (...args: string[]) => rdgIn(dir, ...args);
const SMALL = ["--events", "3000", "--accounts", "200", "--sessions", "100", "--no-sync"];
const ls = (path: string): string[] => readdirSync(path).sort();

/** A refusal: exit code 2, one line naming the path, no stack trace. */
function expectRefused(r: ReturnType<typeof rdg>, path: string): void {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stderr).toContain(path);
  expect(r.stderr).toMatch(/pass /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe("graph paths: rdg never deletes, overwrites or locks what it did not create", () => {
  it("refuses a file as a graph path in every command, leaving nothing beside it", () => {
    const home = join(dir, "file-case");
    mkdirSync(home);
    writeFileSync(join(home, "events.jsonl"), "{}\n");
    for (const args of [
      ["query", "--path", "events.jsonl", "node", "title", "t0"],
      ["demo", "--path", "events.jsonl", ...SMALL],
      ["ingest", "--source", "generator", "--events", "10", "--path", "events.jsonl"],
      ["reset", "--path", "events.jsonl", "--yes"],
      ["backup", "--path", "events.jsonl", "copy"],
    ]) {
      const r = rdgIn(home, ...args);
      expectRefused(r, "events.jsonl");
      expect(r.stderr).toMatch(/is a file/);
    }
    expect(ls(home)).toEqual(["events.jsonl"]);
    expect(readFileSync(join(home, "events.jsonl"), "utf8")).toBe("{}\n");
  });

  it("refuses a non-empty directory without the marker, including the current directory", () => {
    const home = join(dir, "user-files");
    mkdirSync(home);
    writeFileSync(join(home, "thesis.tex"), "precious");
    const demo = rdgIn(home, "demo", "--path", ".", ...SMALL);
    expectRefused(demo, ".");
    expect(demo.stderr).toMatch(/holds no rdg-graph\.json/);
    expectRefused(rdg("demo", "--path", home, ...SMALL), home);
    expectRefused(rdg("ingest", "--source", "generator", "--events", "10", "--path", home), home);
    expectRefused(rdg("reset", "--path", home, "--yes"), home);
    expect(ls(home)).toEqual(["thesis.tex"]);
  });

  it("marks the graph directories it creates, and a demo resets only rdg's own files", () => {
    const path = join(dir, "marked");
    const first = rdg("demo", "--path", path, ...SMALL);
    expect(first.status, first.stderr).toBe(0);
    expect(ls(path)).toEqual(["data.mdb", "lock.mdb", "rdg-graph.json"]);
    expect(JSON.parse(readFileSync(join(path, "rdg-graph.json"), "utf8"))).toMatchObject({ format: "rdg-graph", version: 1, createdAt: expect.any(String) });
    writeFileSync(join(path, "notes.txt"), "mine");
    const again = rdg("demo", "--path", path, ...SMALL);
    expect(again.status, again.stderr).toBe(0);
    expect(ls(path)).toEqual(["data.mdb", "lock.mdb", "notes.txt", "rdg-graph.json"]);
    // An empty directory the user made is fine too.
    mkdirSync(join(dir, "empty"));
    expect(rdg("ingest", "--source", "generator", "--events", "100", "--path", join(dir, "empty")).status).toBe(0);
    expect(ls(join(dir, "empty"))).toContain("rdg-graph.json");
  });
});

describe("rdg reset and rdg backup", () => {
  const source = join(dir, "source");
  beforeAll(() => {
    const r = rdg("demo", "--path", source, ...SMALL);
    expect(r.status, r.stderr).toBe(0);
  });

  it("reset prints what it would remove without --yes, then removes only rdg's files", () => {
    const path = join(dir, "to-reset");
    expect(rdg("ingest", "--source", "generator", "--events", "100", "--path", path).status).toBe(0);
    writeFileSync(join(path, "notes.txt"), "mine");
    const dry = rdg("reset", "--path", path);
    expect(dry.status).toBe(2);
    expect(dry.stdout).toContain(join(path, "data.mdb"));
    expect(dry.stderr).toMatch(/pass --yes/);
    expect(ls(path)).toEqual(["data.mdb", "lock.mdb", "notes.txt", "rdg-graph.json"]);
    const done = rdg("reset", "--path", path, "--yes");
    expect(done.status, done.stderr).toBe(0);
    expect(ls(path)).toEqual(["notes.txt"]);
    // What is left is the user's alone: not rdg's to touch any more.
    expectRefused(rdg("reset", "--path", path, "--yes"), path);
    expect(ls(path)).toEqual(["notes.txt"]);
    expect(rdg("reset", "--path", join(dir, "never-made"), "--yes").status).toBe(0); // nothing to reset
  });

  it("backup copies a graph that another process holds open; the copy is a graph that answers the same", async () => {
    const dest = join(dir, "backup");
    const writer = new LmdbKvStore({ path: source }); // another process's store, open during the copy
    try {
      await writer.putItems("probe", "r", [{ key: new Uint8Array([1]), value: new Uint8Array([2]) }]);
      const r = rdg("backup", "--path", source, dest);
      expect(r.status, r.stderr).toBe(0);
    } finally {
      await writer.close();
    }
    expect(ls(dest)).toEqual(["data.mdb", "rdg-graph.json"]);
    expect(JSON.parse(readFileSync(join(dest, "rdg-graph.json"), "utf8"))).toMatchObject({ format: "rdg-graph", version: 1, backupOf: source });
    for (const q of [["node", "title", "t0"], ["neighbors", "t0", "--edge", "watchedBy", "--limit", "5"], ["count", "t0", "--edge", "watchedBy"]]) {
      const a = rdg("query", "--path", source, ...q);
      const b = rdg("query", "--path", dest, ...q);
      expect(a.status, a.stderr).toBe(0);
      expect(b.status, b.stderr).toBe(0);
      // A neighbour cursor carries the time it was made; the page itself must be the same.
      const answer = (out: string): unknown => ({ ...(JSON.parse(out) as object), cursor: undefined });
      expect(answer(b.stdout)).toEqual(answer(a.stdout));
    }
    const copy = new LmdbKvStore({ path: dest });
    try {
      expect(copy.getItems("probe", "r").items).toHaveLength(1);
    } finally {
      await copy.close();
    }
    // A destination that is not new or empty is refused, and left as it was.
    expectRefused(rdg("backup", "--path", source, dest), dest);
    const full = join(dir, "full");
    mkdirSync(full);
    writeFileSync(join(full, "x"), "");
    expectRefused(rdg("backup", "--path", source, full), full);
    expect(ls(full)).toEqual(["x"]);
  });
});

describe("rdg query", () => {
  it("reports a missing node with exit code 1 and a message, not 'undefined'", () => {
    const path = join(dir, "query");
    expect(rdg("ingest", "--source", "generator", "--events", "100", "--path", path).status).toBe(0);
    const r = rdg("query", "--path", path, "node", "title", "nope");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/no title with id "nope"/);
    const order = rdg("query", "--path", path, "neighbors", "t0", "--edge", "watchedBy", "--order", "newest");
    expect(order.status).toBe(2);
    expect(order.stderr).toMatch(/Allowed choices are latest, any/);
  });
});
