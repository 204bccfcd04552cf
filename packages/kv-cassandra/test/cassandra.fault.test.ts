import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, it } from "vitest";
import { KvError, type KvOperation } from "@rdg/kv";
import { CassandraKvStore } from "../src/index.js";
import { TEST_KEYSPACE, clientOptions, connectOrExplain } from "./cassandra-test-server.js";

// Stops and restarts the real node: runs alone, after every other test (vitest.faults.config.ts).
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const SCRIPT = join(ROOT, "services/cassandra.sh");
const runAsync = promisify(execFile);
const service = (...args: string[]): string => execFileSync(SCRIPT, args, { cwd: ROOT, encoding: "utf8", timeout: 300_000 });
// Async for stop and start: the writer and the driver keep running while the node goes down and comes back.
const serviceAsync = async (...args: string[]): Promise<string> => (await runAsync(SCRIPT, args, { cwd: ROOT, encoding: "utf8", timeout: 300_000 })).stdout;

const NS = "fault.batches";
const RECORDS = 10;
const OPS = 50;
/** A call during the outage must fail within this (the store's read timeout is 10 s). */
const BOUND_MS = 15_000;
const run = Date.now().toString(36);
const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const recordId = (r: number): string => `fault-${run}-${r}`;
const batchOps = (n: number): KvOperation[] =>
  Array.from({ length: OPS }, (_, j) => ({ op: "put", ns: NS, id: recordId(j % RECORDS), items: [{ key: b(`${String(n).padStart(6, "0")}-${j}`), value: b(`batch ${n}`) }] }));

let store: CassandraKvStore;
beforeAll(async () => {
  service("start");
  await (await connectOrExplain()).shutdown();
  store = new CassandraKvStore({ clientOptions: clientOptions(), keyspace: TEST_KEYSPACE });
  await store.connect();
});
afterAll(async () => {
  service("start"); // leave the node running for whatever runs next
  await store?.close();
});

async function timed(what: string, call: () => Promise<unknown>): Promise<{ error: KvError; ms: number }> {
  const t0 = performance.now();
  let caught: unknown;
  try {
    await call();
  } catch (error) {
    caught = error;
  }
  const ms = performance.now() - t0;
  assert.ok(caught !== undefined, `${what} succeeded while the node was down`);
  assert.ok(KvError.isInstance(caught), `${what}: expected a KvError, got ${String(caught)}`);
  assert.equal(caught.code, "CONNECTION", `${what}: ${caught.message}`);
  assert.equal(caught.isRetryable, true, what);
  assert.match(caught.message, /^\[kv-cassandra\]/);
  assert.ok(ms < BOUND_MS, `${what} took ${ms.toFixed(0)} ms to fail (bound ${BOUND_MS} ms)`);
  return { error: caught, ms };
}

async function storedKeys(): Promise<Set<string>> {
  const keys = new Set<string>();
  for (let r = 0; r < RECORDS; r++) {
    let pageToken: string | undefined;
    do {
      const page = await store.getItems(NS, recordId(r), { pageToken, limit: 5000 });
      for (const item of page.items) keys.add(new TextDecoder().decode(item.key));
      pageToken = page.next;
    } while (pageToken !== undefined);
  }
  return keys;
}

describe("kv-cassandra when its node stops and comes back", () => {
  it("fails typed during the outage, loses nothing acknowledged, and the same store works again", async () => {
    // 1. Acknowledged batches, then flushed to sstables so their durability does not hang on the periodic commitlog sync.
    const acked: number[] = [];
    let n = 0;
    const until = performance.now() + 2000;
    while (performance.now() < until) {
      await store.mutate(batchOps(n));
      acked.push(n++);
    }
    const flushed = acked.length;
    service("nodetool", "flush", TEST_KEYSPACE);

    // 2. Keep writing while the node stops: the batch in flight, or the next, must reject typed.
    let writerError: unknown;
    let failedAfterMs = 0;
    const writer = (async () => {
      for (;;) {
        const m = n++;
        const t0 = performance.now();
        try {
          await store.mutate(batchOps(m));
          acked.push(m);
        } catch (error) {
          writerError = error;
          failedAfterMs = performance.now() - t0;
          return;
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    const stopStarted = performance.now();
    await serviceAsync("stop");
    const stopMs = performance.now() - stopStarted;
    await writer;
    assert.ok(KvError.isInstance(writerError), `the write during the stop: expected a KvError, got ${String(writerError)}`);
    assert.equal(writerError.code, "CONNECTION", writerError.message);
    assert.equal(writerError.isRetryable, true);
    assert.ok(failedAfterMs < BOUND_MS, `the failing mutate took ${failedAfterMs.toFixed(0)} ms`);

    // 3. While the node is down, every call rejects typed within the bound; none hangs.
    const outage = {
      mutate: await timed("mutate", () => store.mutate(batchOps(n++))),
      getItems: await timed("getItems", () => store.getItems(NS, recordId(0), { limit: 10 })),
      countItems: await timed("countItems", () => store.countItems(NS, recordId(0))),
      scan: await timed("scan", async () => { for await (const _ of store.scan(NS)) break; }),
    };

    // 4. Back up: the same store object reconnects by itself (constant 1 s reconnection delay).
    const startStarted = performance.now();
    await serviceAsync("start");
    const startMs = performance.now() - startStarted;
    const recoverStarted = performance.now();
    let attempts = 0;
    const recoveryErrors: string[] = [];
    for (;;) {
      attempts++;
      try {
        await store.mutate(batchOps(n));
        acked.push(n++);
        // A read of a statement never prepared before: the first prepare after a restart is its own path in the driver.
        await store.getItems(NS, recordId(2), { range: { start: b("0") }, limit: 3 });
        break;
      } catch (error) {
        assert.ok(KvError.isInstance(error) && error.code === "CONNECTION", `after restart: ${String(error)}`);
        recoveryErrors.push(String(error.cause instanceof Error ? error.cause.message : error.message).slice(0, 60));
        assert.ok(performance.now() - recoverStarted < 60_000, "the store did not recover within 60 s of the node answering");
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    const recoverMs = performance.now() - recoverStarted;

    // 5. Every acknowledged batch is there, the flushed ones and the ones acknowledged up to the stop.
    const keys = await storedKeys();
    const missing = acked.filter((m) => !Array.from({ length: OPS }, (_, j) => `${String(m).padStart(6, "0")}-${j}`).every((k) => keys.has(k)));
    assert.deepEqual(missing, [], `acknowledged batches missing after the restart (the first ${flushed} were flushed)`);
    assert.equal((await store.getItems(NS, recordId(1), { keys: [b(`${String(acked[0]).padStart(6, "0")}-1`)] })).items.length, 1);

    console.log(
      `[kv-cassandra fault] ${acked.length} batches of ${OPS} acknowledged (${flushed} flushed before the stop), all readable after restart; ` +
        `failing mutate rejected after ${failedAfterMs.toFixed(0)} ms (${writerError.message.slice(0, 120)}...); ` +
        `outage calls rejected in ${Object.entries(outage).map(([k, v]) => `${k} ${v.ms.toFixed(0)} ms`).join(", ")}; ` +
        `stop ${(stopMs / 1000).toFixed(1)} s, start ${(startMs / 1000).toFixed(1)} s, store writing again ${recoverMs.toFixed(0)} ms after start (${attempts} attempts; errors meanwhile: ${JSON.stringify([...new Set(recoveryErrors)])})`,
    );
  });
});
