import { createWriteStream, mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import { once } from "node:events";
import { generateParallel, type GeneratedFormat } from "@rdg/ingest";
import { InvalidArgumentError } from "commander";
import { refusal } from "../cli-error.js";
import { ProgressLine, fmt } from "../progress.js";

/** Flags of `rdg generate`. */
export interface GenerateFlags {
  readonly events: number;
  readonly out?: string;
  readonly null?: boolean;
  readonly seed: number;
  /** @default the machine's cores */
  readonly workers?: number;
  readonly startTime?: number;
  readonly format: GeneratedFormat;
}

/** `--start-time`: milliseconds since the epoch, or an ISO 8601 date. */
export function parseStartTime(value: string): number {
  const ms = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new InvalidArgumentError(`--start-time must be milliseconds since 1970 or an ISO 8601 date such as 2026-11-25T10:00:00Z, got "${value}"`);
  return ms;
}

/** `--format`: json or binary. */
export function parseFormat(value: string): GeneratedFormat {
  if (value !== "json" && value !== "binary") throw new InvalidArgumentError(`--format must be json or binary, got "${value}"`);
  return value;
}

function checkFlags(o: GenerateFlags): void {
  if ((o.out === undefined) === (o.null !== true)) throw refusal("give --out <path> (JSON lines) or --null (generate and encode, keep nothing), not both or neither");
  if (o.out !== undefined && o.format !== "json") throw refusal("--format binary is for --null only (32-byte events in this machine's byte order); files are JSON lines");
}

/**
 * `rdg generate`: member-journey events from `--workers` threads (0: this thread), as JSON lines
 * in a file (for `rdg ingest --source file` or other tools) or into nothing (`--null`, to
 * measure). The events depend on the seed, the worker count and the start time, which the
 * last line prints so that the same file can be made again.
 */
export async function generateCommand(flags: GenerateFlags): Promise<void> {
  checkFlags(flags);
  const o = { ...flags, workers: flags.workers ?? availableParallelism() };
  const startTime = o.startTime ?? Date.now() - 6 * 3_600_000;
  const out = o.out === undefined ? undefined : (mkdirSync(dirname(o.out), { recursive: true }), createWriteStream(o.out));
  const progress = new ProgressLine();
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.once("SIGINT", stop).once("SIGTERM", stop);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let events = 0;
  let bytes = 0;
  try {
    const batches = generateParallel({ events: o.events, seed: o.seed, workers: o.workers, startTime, format: o.format, ordered: out !== undefined, signal: abort.signal });
    for await (const batch of batches) {
      events += batch.events;
      bytes += batch.bytes.byteLength;
      // Respect the stream's backpressure: memory stays bounded for any --events.
      if (out !== undefined && !out.write(batch.bytes)) await once(out, "drain");
      progress.update(`generated ${fmt(events)} events`);
    }
  } finally {
    process.off("SIGINT", stop).off("SIGTERM", stop);
    if (out !== undefined) {
      out.end();
      await once(out, "finish");
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const where = out === undefined ? `nowhere (--null, ${o.format})` : o.out;
  progress.done(
    `wrote ${fmt(events)} events (${fmt(bytes)} bytes) to ${where} in ${seconds.toFixed(2)} s: ${fmt(events / Math.max(seconds, 1e-9))} events/s, ` +
      `${((used.user + used.system) / Math.max(events, 1)).toFixed(3)} µs CPU per event; the same events again: ` +
      `--seed ${o.seed} --workers ${o.workers} --start-time ${new Date(startTime).toISOString()}${abort.signal.aborted ? " (stopped early)" : ""}`,
  );
}
