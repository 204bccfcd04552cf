import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GRAPH_META_NAMESPACE } from "@rdg/graph";
import { LmdbKvStore } from "@rdg/kv-lmdb";

const cli = join(import.meta.dirname, "..", "dist", "cli.js");
const dir = mkdtempSync(join(tmpdir(), "rdg-ingest-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rdg = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: "utf8", timeout: 120_000 });
const ingested = (stderr: string): string | undefined => /ingested: ([\d,]+) events/.exec(stderr)?.[1];

describe("rdg ingest --source file", () => {
  const events = join(dir, "files", "events.jsonl");
  const ingest = (graph: string, ...extra: string[]) =>
    rdg("ingest", "--source", "file", "--file", events, "--path", join(dir, graph), "--dead-letters", join(dir, "dlq.jsonl"), ...extra);

  it("keeps the position in the graph it committed to: a new graph reads the whole file", async () => {
    mkdirSync(join(dir, "files"));
    expect(rdg("generate", "--out", events, "--events", "2000").status).toBe(0);
    const first = ingest("g1");
    expect(first.status, first.stderr).toBe(0);
    expect(ingested(first.stderr)).toBe("2,000");
    expect(readdirSync(join(dir, "files"))).toEqual(["events.jsonl"]); // nothing written beside the user's file

    const again = ingest("g1");
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/resuming .*events\.jsonl at line 2001, committed to this graph at \d{4}-.*; pass --from-start to read it again/);
    expect(ingested(again.stderr)).toBe("0");

    const other = ingest("g2");
    expect(other.status, other.stderr).toBe(0);
    expect(other.stderr).not.toMatch(/resuming/);
    expect(ingested(other.stderr)).toBe("2,000");

    const kv = new LmdbKvStore({ path: join(dir, "g1") });
    try {
      const page = await kv.getItems(GRAPH_META_NAMESPACE, `checkpoint:file:${events}`);
      expect(JSON.parse(Buffer.from(page.items[0]!.value).toString("utf8"))).toMatchObject({ line: 2000, offset: expect.any(Number), fingerprint: expect.stringMatching(/^sha256:/) });
    } finally {
      await kv.close();
    }
  });

  it("refuses a file that changed since its position was committed, and --from-start reads it again", () => {
    expect(rdg("generate", "--out", events, "--events", "2500", "--seed", "7").status).toBe(0);
    const changed = ingest("g1");
    expect(changed.status).toBe(2);
    expect(changed.stderr).toMatch(/events\.jsonl changed since .*pass --from-start/);
    expect(changed.stderr).not.toMatch(/\n\s+at /);
    const fresh = ingest("g1", "--from-start");
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(ingested(fresh.stderr)).toBe("2,500");
    expect(ingested(ingest("g1").stderr)).toBe("0");
  });
});
