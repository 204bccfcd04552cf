import { GraphStore, graphNamespaces } from "@rdg/graph";
import type { KvStore } from "@rdg/kv";
import { LmdbKvStore } from "@rdg/kv-lmdb";
import { RedisKvStore } from "@rdg/kv-redis";
import { memberJourneySchema } from "@rdg/model";
import { rate } from "../measure.js";

/** What the mixed-load scenario asks its reader process to do. */
export interface ReaderTask {
  readonly store: { readonly kind: "lmdb"; readonly path: string } | { readonly kind: "redis"; readonly url: string; readonly keyPrefix: string };
  /** "probe": closed loop, 16 in flight, reads/s; "open": reads at `perSecond`. */
  readonly mode: "probe" | "open";
  readonly perSecond: number;
  readonly ms: number;
  readonly hotTitles: number;
  readonly limit: number;
  readonly profiles: readonly string[];
}

export interface ReaderOutcome {
  readonly p50: number;
  readonly p99: number;
  readonly rate: number;
  readonly errors: number;
}

/** The read mix: a title's 50 latest viewers, a profile's 50 latest titles, a title or profile by id. */
function readMix(graph: GraphStore, profiles: readonly string[], hotTitles: number, limit: number): (i: number) => Promise<unknown> {
  return (i) => {
    const k = i % 10;
    const title = `t${(i * 7) % hotTitles}`;
    const profile = profiles[(i * 13) % profiles.length]!;
    if (k < 3) return graph.neighbors(title, { edge: "watchedBy", limit: limit });
    if (k < 6) return graph.neighbors(profile, { edge: "watched", limit: limit });
    return k < 8 ? graph.getNode("title", title) : graph.getNode("profile", profile);
  };
}

const percentile = (sorted: Float64Array, p: number): number => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!);

/**
 * Reads at a fixed rate for `ms` (open loop: a read is due every 1/rate s whether or not the
 * last one has answered, and its latency counts from when it was due, so a stall shows as
 * latency instead of as fewer reads).
 */
async function readsAt(perSecond: number, ms: number, read: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number; rate: number; errors: number }> {
  const latencies: number[] = [];
  const pending = new Set<Promise<void>>();
  let errors = 0;
  let issued = 0;
  const started = performance.now();
  const until = started + ms;
  while (performance.now() < until) {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    for (; issued < due; issued++) {
      const dueAt = started + (issued / perSecond) * 1000;
      const p: Promise<void> = read(issued).then(
        () => void latencies.push(performance.now() - dueAt),
        () => void errors++,
      ).finally(() => pending.delete(p));
      pending.add(p);
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  const sorted = Float64Array.from(latencies).sort();
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), rate: latencies.length / ((performance.now() - started) / 1000), errors };
}


function openStore(task: ReaderTask): KvStore {
  const namespaces = graphNamespaces(memberJourneySchema);
  return task.store.kind === "lmdb" ? new LmdbKvStore({ path: task.store.path, namespaces }) : new RedisKvStore({ url: task.store.url, keyPrefix: task.store.keyPrefix, namespaces });
}

/** Runs one task in this (child) process: opens the store the parent writes to, reads, answers. */
async function runTask(task: ReaderTask): Promise<ReaderOutcome> {
  const kv = openStore(task);
  try {
    const graph = new GraphStore({ kv, schema: memberJourneySchema });
    const read = readMix(graph, task.profiles, task.hotTitles, task.limit);
    if (task.mode === "probe") {
      const r = await rate(task.ms, 16, (i) => Promise.all(Array.from({ length: 16 }, (_, j) => read(i * 16 + j))));
      return { p50: Number.NaN, p99: Number.NaN, rate: r, errors: 0 };
    }
    return await readsAt(task.perSecond, task.ms, read);
  } finally {
    await kv.close();
  }
}

if (process.send !== undefined) {
  process.once("message", (task: ReaderTask) => {
    runTask(task).then(
      (outcome) => process.send!({ outcome }, () => process.exit(0)),
      (error: unknown) => process.send!({ error: error instanceof Error ? error.message : String(error) }, () => process.exit(1)),
    );
  });
}
