import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseStoreConfig, storeKey, type StoreConfig } from "@rdg/stores";
import { IngestJobError, IngestOptionsError, JobsRunner, parseJobsConfig, type JobsConfig } from "../src/index.js";

// What the runner decides before it touches Kafka: which jobs, where their dead letters go,
// and that a store which cannot be opened fails the run naming every job that shares it.

const dir = mkdtempSync(join(tmpdir(), "rdg-jobs-runner-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const job = (name: string, over: Record<string, unknown> = {}): Record<string, unknown> => ({
  name, topic: name, group: `g-${name}`, format: "json", processor: "member-journey", eventTimeField: "time", deadLetterTopic: `${name}.dead-letters`,
  store: { kind: "lmdb", path: "graph" }, ...over,
});

const load = (...jobs: Record<string, unknown>[]): Promise<JobsConfig<StoreConfig>> =>
  parseJobsConfig({ kafka: { brokers: ["127.0.0.1:1"] }, jobs }, { file: "jobs.json", baseDir: dir, stores: { parse: parseStoreConfig, key: storeKey } });

const unused = (): never => {
  throw new Error("openStore was called");
};

describe("JobsRunner", () => {
  it("refuses names the configuration does not have, listing its jobs", async () => {
    const config = await load(job("auth"), job("playback"));
    expect(() => new JobsRunner({ config, only: ["playback", "watching"], openStore: unused })).toThrow(
      new IngestOptionsError("only", 'no job named "watching" in jobs.json; its jobs are auth, playback'),
    );
  });

  it("refuses a job without a dead-letter topic when there is no fallback sink", async () => {
    const config = await load(job("auth"), job("search", { deadLetterTopic: undefined }));
    expect(() => new JobsRunner({ config, openStore: unused })).toThrow(/fallbackDeadLetters: is needed: job "search" names no deadLetterTopic/);
    // Not chosen, not needed.
    expect(new JobsRunner({ config, only: ["auth"], openStore: unused }).jobs.map((j) => j.config.name)).toEqual(["auth"]);
  });

  it("opens each store once for the jobs that share it; one that fails stops the run naming them, before Kafka", async () => {
    const config = await load(job("auth"), job("playback"), job("search", { store: { kind: "redis", url: "redis://127.0.0.1:1" } }));
    const opened: string[][] = [];
    const closed: string[] = [];
    const runner = new JobsRunner<StoreConfig>({
      config,
      openStore: async (store, _schema, jobs) => {
        opened.push(jobs.map((j) => j.name));
        if (store.kind === "redis") throw Object.assign(new Error("[stores] cannot open Redis redis://127.0.0.1:1: refused"), { code: "CONNECTION", isRetryable: true });
        return { graph: {} as never, close: async () => void closed.push(store.kind) };
      },
    });
    const error = await runner.run().catch((e: unknown) => e);
    expect(IngestJobError.isInstance(error)).toBe(true);
    expect((error as IngestJobError).job).toBe("search");
    expect((error as Error).message).toBe('[ingest] job "search": [stores] cannot open Redis redis://127.0.0.1:1: refused');
    expect(opened).toEqual([["auth", "playback"], ["search"]]);
    expect(closed).toEqual(["lmdb"]);
    expect(runner.jobs.map((j) => [j.config.name, j.state])).toEqual([["auth", "starting"], ["playback", "starting"], ["search", "failed"]]);
    await expect(runner.run()).rejects.toThrow(/runs once per JobsRunner/);
  });
});
