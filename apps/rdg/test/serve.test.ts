import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const cli = join(import.meta.dirname, "..", "dist", "cli.js");
const rdg = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000 });
const dir = mkdtempSync(join(tmpdir(), "rdg-serve-"));
const graph = join(dir, "graph");
const TOKEN = "serve-test-reader-0123456789";
const running: ChildProcess[] = [];

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `rdg serve --port 0`, resolving with the URL it prints once it listens. */
async function serve(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ child: ChildProcess; url: string; stdout: () => string }> {
  const child = spawn(process.execPath, [cli, "serve", "--port", "0", "--log-level", "warn", ...args], { stdio: ["ignore", "pipe", "pipe"], env });
  running.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(stdout)?.[1];
    if (url !== undefined) return { child, url, stdout: () => stdout };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`rdg serve printed no URL: ${stdout}${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const json = async (url: string, init?: RequestInit): Promise<{ status: number; body: any }> => {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.json() };
};

describe("rdg serve", () => {
  beforeAll(() => {
    const r = rdg("ingest", "--source", "generator", "--events", "2000", "--path", graph);
    expect(r.status, r.stderr).toBe(0);
  });

  it("serves the graph at --path, and exits 0 on SIGTERM", async () => {
    const { child, url, stdout } = await serve(["--path", graph]);
    expect(stdout()).toMatch(/no tokens: every path is open, to this machine only/);
    expect(await json(`${url}/readyz`)).toEqual({ status: 200, body: { status: "ready", store: `LMDB ${graph}` } });
    expect(await json(`${url}/v1/nodes/title/t0`)).toMatchObject({ status: 200, body: { type: "title", id: "t0", props: { name: "Title 0" } } });
    const page = await json(`${url}/v1/nodes/title/t0/edges/watchedBy?limit=3`);
    expect(page.status).toBe(200);
    expect(page.body.edges.length).toBeGreaterThan(0);
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    expect(stdout()).toMatch(/rdg serve: stopped/);
  });

  it("refuses a non-loopback host without tokens, and a path that holds no graph", () => {
    const open = rdg("serve", "--path", graph, "--host", "0.0.0.0", "--port", "0");
    expect(open.status).toBe(2);
    expect(open.stderr).toMatch(/refusing --host 0\.0\.0\.0 without tokens.*--tokens FILE/);
    const none = rdg("serve", "--path", join(dir, "nothing-here"), "--port", "0");
    expect(none.status).not.toBe(0);
    expect(none.stderr).toMatch(/no graph at/);
    const badLimit = rdg("serve", "--path", graph, "--max-page-size", "ten");
    expect(badLimit.status).toBe(2);
    expect(badLimit.stderr).toMatch(/--max-page-size must be a positive integer/);
    const badStore = rdg("serve", "--store", "redis", "--port", "0");
    expect(badStore.status).toBe(2);
    expect(badStore.stderr).toMatch(/--url/);
  });

  it("takes tokens from --tokens FILE and from RDG_TOKENS, and then may bind other hosts", async () => {
    const file = join(dir, "tokens.txt");
    writeFileSync(file, `${TOKEN}:read\n`);
    const { child, url } = await serve(["--path", graph, "--tokens", file, "--max-page-size", "5"]);
    expect((await json(`${url}/v1/nodes/title/t0`)).status).toBe(401);
    const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
    expect((await json(`${url}/v1/nodes/title/t0`, auth)).status).toBe(200);
    expect(await json(`${url}/v1/nodes/title/t0/edges/watchedBy?limit=6`, auth)).toMatchObject({ status: 400, body: { code: "LIMIT_EXCEEDED", message: expect.stringMatching(/maxPageSize of 5/) } });
    expect((await json(`${url}/v1/events/playback`, { method: "POST", headers: { ...auth.headers, "content-type": "application/json" }, body: '{"events":[]}' })).status).toBe(403);
    child.kill("SIGTERM");
    expect((await once(child, "exit"))[0]).toBe(0);
    const env = await serve(["--path", graph], { ...process.env, RDG_TOKENS: `${TOKEN}:read+write` });
    expect((await json(`${env.url}/v1/nodes/title/t0`)).status).toBe(401);
    env.child.kill("SIGTERM");
    expect((await once(env.child, "exit"))[0]).toBe(0);
  });

  it("reads on LMDB while rdg ingest writes the same path from another process", async () => {
    const { child, url } = await serve(["--path", graph, "--cache-staleness-ms", "200"]);
    const count = async (): Promise<number> => (await json(`${url}/v1/nodes/title/t0/edges/watchedBy/count`)).body.count as number;
    const before = await count();
    const ingest = spawn(process.execPath, [cli, "ingest", "--source", "generator", "--events", "30000", "--path", graph], { stdio: "ignore" });
    running.push(ingest);
    const seen: number[] = [];
    const deadline = Date.now() + 60_000;
    while (ingest.exitCode === null && Date.now() < deadline) {
      seen.push(await count());
      await new Promise((r) => setTimeout(r, 100));
    }
    if (ingest.exitCode === null) await once(ingest, "exit");
    expect(ingest.exitCode).toBe(0);
    await new Promise((r) => setTimeout(r, 300)); // past the cache's staleness bound
    const after = await count();
    expect(after).toBeGreaterThan(before);
    const page = await json(`${url}/v1/nodes/title/t0/edges/watchedBy?limit=1000`);
    expect(page.body.edges.length).toBe(Math.min(after, 1000));
    // The server answered throughout, and never saw more than the end state (the job flushes its coalesced edges as it goes).
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((c) => c >= before && c <= after)).toBe(true);
    child.kill("SIGTERM");
    expect((await once(child, "exit"))[0]).toBe(0);
  });
});
