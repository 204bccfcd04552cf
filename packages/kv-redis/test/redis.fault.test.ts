import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, it } from "vitest";
import { KvError, type KvOperation } from "@rdg/kv";
import { RedisKvStore, type RedisKvStoreOptions } from "../src/index.js";
import { BACKENDS } from "./redis-test-servers.js";

/*
 * Stops the real Redis under a store that is writing, and starts it again. The services'
 * Redis keeps nothing on disk, so "nothing acknowledged that was not stored" is checked
 * while the server lives: every batch is read back right after it resolved, and a read that
 * succeeds must find the whole batch. During the outage every call must fail with a typed,
 * retryable error within a bounded time, and after the restart the same store object must
 * write and read again. These tests run alone (vitest.faults.config.ts).
 */
const ROOT = resolve(import.meta.dirname, "../../..");
const exec = promisify(execFile);
const redisSh = async (...args: string[]): Promise<void> => {
  await exec("services/redis.sh", args, { cwd: ROOT, timeout: 120_000 });
};
/** Longest a call may take to fail: the wait for a connection plus reconnect attempts, with slack. */
const FAIL_WITHIN_MS = 10_000;
const BATCH = 50;
const WRITERS = 4;
const NS = `f${Date.now().toString(36)}`;
const VALUE = Buffer.alloc(64, 7);
const ITEM = Buffer.from("v");

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const batchOf = (writer: number, n: number, tag: string): KvOperation[] =>
  Array.from({ length: BATCH }, (_, i) => ({ op: "put", ns: NS, id: `${tag}-${writer}-${n}-${i}`, items: [{ key: ITEM, value: VALUE }] }));

interface Outcome {
  acknowledged: number;
  verified: number;
  /** Acknowledged, but the read-back failed (typed) because the server went away meanwhile. */
  unverifiable: number;
  failures: { error: unknown; ms: number }[];
}

function assertTyped(error: unknown, what: string): void {
  assert.ok(KvError.isInstance(error), `${what}: expected a KvError, got ${String(error)}`);
  assert.equal(error.code, "CONNECTION", `${what}: ${error.message}`);
  assert.equal(error.isRetryable, true, what);
  assert.match(error.message, /^\[kv-redis\] /);
}

/** Batch after batch, each read back right after it resolved, until `stop()` says so. */
async function writeAndVerify(store: RedisKvStore, writer: number, tag: string, stop: () => boolean): Promise<Outcome> {
  const out: Outcome = { acknowledged: 0, verified: 0, unverifiable: 0, failures: [] };
  for (let n = 0; !stop(); n++) {
    const batch = batchOf(writer, n, tag);
    const started = performance.now();
    try {
      await store.mutate(batch);
    } catch (error) {
      out.failures.push({ error, ms: performance.now() - started });
      continue;
    }
    out.acknowledged++;
    try {
      const pages = await Promise.all(batch.map((op) => store.getItems(NS, op.id, { keys: [ITEM] })));
      // A read that succeeds must find every item of an acknowledged batch.
      pages.forEach((page, i) => assert.equal(page.items.length, 1, `acknowledged ${batch[i]!.id} is missing`));
      out.verified++;
    } catch (error) {
      if (error instanceof assert.AssertionError) throw error;
      assertTyped(error, "read-back after the server went away");
      out.unverifiable++;
    }
  }
  return out;
}

async function outage(name: "single" | "cluster", options: RedisKvStoreOptions, stopArgs: string[], startArgs: string[]): Promise<void> {
  const store = new RedisKvStore({ ...options, readyTimeoutMs: 2000 });
  try {
    await store.ping();
    // 1. Writers run; the server stops under them.
    let stopWriters = false;
    let stoppedAt = Number.POSITIVE_INFINITY;
    const writers = Array.from({ length: WRITERS }, (_, w) =>
      writeAndVerify(store, w, "before", () => stopWriters || performance.now() > stoppedAt + 3000),
    );
    await sleep(1500);
    await redisSh("stop", ...stopArgs);
    stoppedAt = performance.now();
    const outcomes = await Promise.all(writers);
    stopWriters = true;
    const acknowledged = outcomes.reduce((n, o) => n + o.acknowledged, 0);
    const verified = outcomes.reduce((n, o) => n + o.verified, 0);
    const failures = outcomes.flatMap((o) => o.failures);
    assert.ok(verified > 10, `${name}: only ${verified} batches verified before the stop`);
    assert.ok(failures.length >= WRITERS, `${name}: every writer must see the outage (${failures.length} failures)`);
    for (const { error, ms } of failures) {
      assertTyped(error, `${name} mutate during the stop`);
      assert.ok(ms < FAIL_WITHIN_MS, `${name}: a mutate took ${ms.toFixed(0)} ms to fail`);
    }
    console.log(`[fault ${name}] ${acknowledged} batches acknowledged (${verified} read back whole, ${acknowledged - verified} unverifiable as the server went away), ${failures.length} rejected typed, slowest rejection ${Math.max(...failures.map((f) => f.ms)).toFixed(0)} ms`);

    // 2. While it is down, every kind of call fails typed, in bounded time.
    const calls: [string, () => Promise<unknown>][] = [
      ["mutate", () => store.mutate(batchOf(0, 0, "down"))],
      ["getItems keys", () => store.getItems(NS, "before-0-0-0", { keys: [ITEM] })],
      ["getItems range", () => store.getItems(NS, "before-0-0-0")],
      ["countItems", () => store.countItems(NS, "before-0-0-0")],
      ["scan", async () => { for await (const _ of store.scan(NS)) break; }],
    ];
    for (const [what, call] of calls) {
      const started = performance.now();
      await assert.rejects(call, (error: unknown) => {
        assertTyped(error, `${name} ${what} while down`);
        return true;
      });
      const ms = performance.now() - started;
      assert.ok(ms < FAIL_WITHIN_MS, `${name} ${what}: took ${ms.toFixed(0)} ms to fail`);
    }

    // 3. The server comes back: the same store writes and reads again, no re-creation.
    await redisSh("start", ...startArgs);
    const deadline = performance.now() + 20_000;
    const after = batchOf(0, 0, "after");
    for (;;) {
      try {
        await store.mutate(after);
        break;
      } catch (error) {
        assertTyped(error, `${name} mutate while reconnecting`);
        if (performance.now() > deadline) throw new Error(`${name}: the store did not recover within 20 s of the restart: ${(error as Error).message}`);
        await sleep(250);
      }
    }
    for (const op of after) assert.equal((await store.getItems(NS, op.id, { keys: [ITEM] })).items.length, 1);
    assert.equal(await store.countItems(NS, after[0]!.id), 1);
  } finally {
    await store.close();
  }
}

describe("kv-redis under connection loss (stops and restarts the real servers)", () => {
  beforeAll(async () => {
    await BACKENDS.single.require();
    await BACKENDS.cluster.require();
  });
  // Leave both servers running for whatever runs next.
  afterAll(async () => {
    await redisSh("start", "--all");
  });

  it("single node: typed retryable errors while down, nothing acknowledged that was not stored, the same store recovers", async () => {
    await outage("single", BACKENDS.single.options, ["--single"], []);
  });

  it("cluster: typed retryable errors while down, nothing acknowledged that was not stored, the same store recovers", async () => {
    await outage("cluster", BACKENDS.cluster.options, ["--cluster"], ["--cluster"]);
  });
});
