import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GraphStore, graphNamespaces } from "@rdg/graph";
import type { KvStore } from "@rdg/kv";
import { LmdbKvStore } from "@rdg/kv-lmdb";
import { RedisKvStore } from "@rdg/kv-redis";
import { memberJourneySchema } from "@rdg/model";

/** The Redis services/redis.sh starts, on the project's port. */
export const REDIS_URL = process.env["RDG_REDIS_URL"] ?? "redis://127.0.0.1:16379";
const HOW = "start it with services/redis.sh start --all (from the repository root), then run the tests again";

/** A store the server tests run on: `open` gives an empty graph of its own. */
export interface ServerTestStore {
  readonly name: "lmdb" | "redis";
  open(): Promise<{ kv: KvStore; graph: GraphStore }>;
  /** Removes what the tests wrote (the temporary directory, the run's Redis keys). */
  cleanup(): Promise<void>;
}

const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
let n = 0;

function lmdb(): ServerTestStore {
  const dir = mkdtempSync(join(tmpdir(), "rdg-server-"));
  return {
    name: "lmdb",
    async open() {
      const kv = new LmdbKvStore({ path: join(dir, `g${n++}`), namespaces: graphNamespaces(memberJourneySchema), noSync: true });
      return { kv, graph: await GraphStore.open({ kv, schema: memberJourneySchema }) };
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function redis(): ServerTestStore {
  const prefix = `rdg-server-test:${runId}:`;
  return {
    name: "redis",
    async open() {
      const kv = new RedisKvStore({ url: REDIS_URL, namespaces: graphNamespaces(memberJourneySchema), keyPrefix: `${prefix}${n++}:` });
      try {
        return { kv, graph: await GraphStore.open({ kv, schema: memberJourneySchema }) };
      } catch (error) {
        await kv.close().catch(() => undefined);
        throw new Error(`[server tests] Redis at ${REDIS_URL} is not answering (${(error as Error).message}); ${HOW}`);
      }
    },
    async cleanup() {
      const { port, hostname } = new URL(REDIS_URL);
      const cli = ["-h", hostname, "-p", port || "6379"];
      const keys = execFileSync("redis-cli", [...cli, "--scan", "--pattern", `${prefix}*`], { encoding: "utf8" }).split("\n").filter((k) => k !== "");
      for (let i = 0; i < keys.length; i += 500) execFileSync("redis-cli", [...cli, "unlink", ...keys.slice(i, i + 500)]);
    },
  };
}

/** LMDB and Redis, or those named in RDG_SERVER_STORES (comma-separated). */
export function serverTestStores(): ServerTestStore[] {
  const wanted = process.env["RDG_SERVER_STORES"]?.split(",").map((s) => s.trim());
  const all = [lmdb(), redis()];
  return wanted === undefined ? all : all.filter((s) => wanted.includes(s.name));
}
