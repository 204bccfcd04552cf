import { availableParallelism } from "node:os";
import { MemberJourneyGenerator, generateParallel, type GeneratedFormat } from "@rdg/ingest";
import type { Scenario } from "./scenario.js";

const ROUNDS = 3;
const SEED = 42;
const START = Date.UTC(2026, 10, 25);
const TARGET = 1_500_000;

/** Events per second over a phase, and the process's CPU time (every thread) per event. */
interface Measured {
  readonly rate: number;
  readonly cpuMicros: number;
  readonly bytesPerEvent: number;
  /** From the call to the first batch, ms. */
  readonly startMs: number;
}

const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * generateParallel into a null sink for `ms` after its first batch: the consumer only counts,
 * then stops the workers. The start (threads, modules, the generators' sessions) is timed apart.
 */
async function parallelPhase(workers: number, format: GeneratedFormat, ms: number): Promise<Measured> {
  const begun = performance.now();
  let started = 0;
  let cpu = process.cpuUsage();
  let events = 0;
  let bytes = 0;
  for await (const batch of generateParallel({ seed: SEED, startTime: START, events: Number.MAX_SAFE_INTEGER, workers, format, ordered: false })) {
    if (started === 0) {
      started = performance.now();
      cpu = process.cpuUsage();
      continue;
    }
    events += batch.events;
    bytes += batch.bytes.byteLength;
    if (performance.now() - started >= ms) break;
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { rate: events / seconds, cpuMicros: (used.user + used.system) / events, bytesPerEvent: bytes / events, startMs: started - begun };
}

/** The plain generator's `next()` on this thread, objects and no encoding: the per-core reference. */
async function plainPhase(ms: number): Promise<Measured> {
  const generator = new MemberJourneyGenerator({ seed: SEED, startTime: START });
  const cpu = process.cpuUsage();
  const started = performance.now();
  let events = 0;
  const out: unknown[] = [];
  while (performance.now() - started < ms) {
    out.length = 0;
    generator.next(8192, out as never);
    events += 8192;
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { rate: events / seconds, cpuMicros: (used.user + used.system) / events, bytesPerEvent: 0, startMs: 0 };
}

/**
 * The member-journey generator on every core: events generated and encoded into a null sink by
 * generateParallel with 0 workers (this thread), 1 worker and one worker per core, in the
 * compact binary form (32-byte events, what the workers hand over as transferred buffers) and
 * as JSON lines; beside the plain generator's next() on this thread (event objects, no
 * encoding), rounds alternating.
 */
export const generatorScenario: Scenario = async (s) => {
  const cores = availableParallelism();
  const sides: { name: string; run: (ms: number) => Promise<Measured> }[] = [
    { name: "plain next() on this thread (objects, not encoded)", run: plainPhase },
    ...[0, 1, cores].flatMap((workers) =>
      (["binary", "json"] as const).map((format) => ({ name: `${format}, ${workers === 0 ? "0 workers (this thread)" : workers === 1 ? "1 worker" : `${workers} workers (all cores)`}`, run: (ms: number) => parallelPhase(workers, format, ms) })),
    ),
  ];
  const phaseMs = (s.seconds * 1000) / ROUNDS / sides.length;
  const runs = new Map<string, Measured[]>(sides.map((side) => [side.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of sides) {
      s.progress(`generator: ${side.name}, round ${round + 1}/${ROUNDS}`);
      runs.get(side.name)!.push(await side.run(phaseMs));
    }
  }
  const rate = (name: string): number => median(runs.get(name)!.map((m) => m.rate));
  const cpu = (name: string): number => median(runs.get(name)!.map((m) => m.cpuMicros));
  const figures: Record<string, { value: number; unit: string }> = {};
  for (const side of sides) {
    figures[`events/s, ${side.name}`] = { value: rate(side.name), unit: "events/s" };
    figures[`CPU per event, ${side.name}`] = { value: cpu(side.name), unit: "µs/event" };
  }
  const all = `${cores} workers (all cores)`;
  const binaryAll = rate(`binary, ${all}`);
  const jsonAll = rate(`json, ${all}`);
  const plain = rate("plain next() on this thread (objects, not encoded)");
  figures["bytes per event, binary"] = { value: median(runs.get(`binary, ${all}`)!.map((m) => m.bytesPerEvent)), unit: "bytes" };
  figures["bytes per event, JSON lines"] = { value: median(runs.get(`json, ${all}`)!.map((m) => m.bytesPerEvent)), unit: "bytes" };
  figures["start to first batch, binary, all cores"] = { value: median(runs.get(`binary, ${all}`)!.map((m) => m.startMs)), unit: "ms" };
  return {
    scenario: "generator",
    settings: { seconds: s.seconds, rounds: ROUNDS, cores, seed: SEED, startTime: new Date(START).toISOString(), batchSize: 8192, inflightBatchesPerWorker: 4, mix: "default (50,000 accounts, 20,000 concurrent sessions, 5,000 titles)" },
    figures,
    ratios: {
      "binary all cores / binary 1 worker": binaryAll / rate("binary, 1 worker"),
      "binary 1 worker / plain next() on this thread": rate("binary, 1 worker") / plain,
      "binary all cores / (plain next() x cores)": binaryAll / (plain * cores),
      "json all cores / json 1 worker": jsonAll / rate("json, 1 worker"),
    },
    targets: {
      "binary, all cores >= 1,500,000 events/s": { target: TARGET, actual: binaryAll, met: binaryAll >= TARGET },
      "json lines, all cores >= 1,500,000 events/s": { target: TARGET, actual: jsonAll, met: jsonAll >= TARGET },
    },
    notes: [
      `generateParallel({ seed: ${SEED}, workers, format }) into a null sink: the consumer on this thread only counts the batches (8192 events each, buffers transferred from the workers) and stops after the phase; part i of n simulates the accounts a % n === i with 1/n of the sessions. Rates and CPU are timed from the first batch on (the sustained rate); the start (threads, modules, 20,000 sessions per generator) is its own figure.`,
      "binary: 32 bytes an event (numbers only: every id of a generated event is a number in a fixed pattern), written by the generator straight from its sessions, no event objects; json: the same events as JSON lines, each byte-identical to JSON.stringify of the event object, written byte by byte from the binary form.",
      "plain next(): the generator's object API on this thread, what an in-process ingestion job consumes; no encoding. It is the per-core reference the parallel figures are set against.",
      "CPU per event: process.cpuUsage (user + system, every thread of the process, the workers included) over the phase, divided by the events consumed; the few batches the workers generated ahead and nobody consumed at the end of a phase count as CPU without events.",
      `Each figure is the median of ${ROUNDS} rounds, the sides alternating. The machine is shared: a figure with all cores is bounded by what the other processes leave; CPU per event shows the cost regardless.`,
    ],
  };
};
