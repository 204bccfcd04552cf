import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { formatErrorMessage } from "@rdg/model";
import { MemberJourneyGenerator, type MemberJourneyOptions } from "../domain/member-journey-generator.js";
import { IngestError } from "../errors/ingest-error.js";
import { IngestOptionsError } from "../errors/ingest-options-error.js";
import { generateBatch } from "./generate-batch.js";
import type { FromGeneratorWorker, GeneratedFormat, GeneratorWorkerData } from "./generator-messages.js";
import { memberJourneyPartition, partitionShare } from "./member-journey-partition.js";

/** Options of `generateParallel`: the generator's, and how to split and encode. */
export interface GenerateParallelOptions extends Omit<MemberJourneyOptions, "accountPartition"> {
  /** Events in all. */
  readonly events: number;
  /**
   * Worker threads, one part of the generator each; `0` generates on this thread (one part,
   * the same events as one worker). @default the machine's cores (`os.availableParallelism()`)
   */
  readonly workers?: number;
  /** `binary`: 32-byte events (`decodeMemberEvents`); `json`: JSON lines. @default "binary" */
  readonly format?: GeneratedFormat;
  /** Events per batch. @default 8192 */
  readonly batchSize?: number;
  /**
   * Yield batches in a fixed order (batch 0 of part 0, of part 1, ..., then batch 1 of each),
   * so the same options give the same stream; `false` yields each batch as it arrives.
   * @default true
   */
  readonly ordered?: boolean;
  /** Batches a worker may have generated and not yet handed out. @default 4 */
  readonly inflight?: number;
  /** Stops the workers; the iteration then ends early. */
  readonly signal?: AbortSignal;
}

/** One batch of generated events, in a buffer of its own (transferable). */
export interface GeneratedBatch {
  /** The part (worker) that generated it. */
  readonly part: number;
  /** Its number among that part's batches. */
  readonly seq: number;
  readonly events: number;
  readonly format: GeneratedFormat;
  /** The encoded events: a view of the whole of a buffer nobody else holds. */
  readonly bytes: Uint8Array;
}

/** The worker module, from the built package even when this module runs from its sources (tests). */
function workerUrl(): URL {
  const here = new URL("./generator-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL("../../dist/generate/generator-worker.js", import.meta.url);
}

function checkOptions(o: GenerateParallelOptions): Required<Pick<GenerateParallelOptions, "workers" | "format" | "batchSize" | "ordered" | "inflight">> {
  const workers = o.workers ?? availableParallelism();
  const format = o.format ?? "binary";
  const batchSize = o.batchSize ?? 8192;
  const inflight = o.inflight ?? 4;
  if (!Number.isInteger(o.events) || o.events < 0) throw new IngestOptionsError("events", `must be a whole number >= 0, got ${o.events}`);
  if (!Number.isInteger(workers) || workers < 0) throw new IngestOptionsError("workers", `must be a whole number >= 0 (0: this thread), got ${workers}`);
  if (format !== "binary" && format !== "json") throw new IngestOptionsError("format", `must be "binary" or "json", got ${JSON.stringify(format)}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new IngestOptionsError("batchSize", `must be a whole number >= 1, got ${batchSize}`);
  if (!Number.isInteger(inflight) || inflight < 1) throw new IngestOptionsError("inflight", `must be a whole number >= 1, got ${inflight}`);
  return { workers, format, batchSize, inflight, ordered: o.ordered ?? true };
}

/**
 * Member-journey events generated on several threads: part i of n (n = `workers`, at least 1)
 * simulates the accounts `a % n === i` with its share of the sessions and events, on a seed of
 * its own (`memberJourneyPartition`), so a given seed and worker count give the same events,
 * and each member's events come from one part in time order. Batches come as encoded buffers
 * (transferred from the workers, not copied); the workers stop `inflight` batches ahead of the
 * consumer. The start time is read once and shared (give `startTime` to repeat a run).
 * Breaking out of the loop, or `signal`, stops the workers; a worker that fails ends the
 * iteration with an `IngestError` (code `BACKEND`).
 */
export async function* generateParallel(options: GenerateParallelOptions): AsyncGenerator<GeneratedBatch> {
  const o = checkOptions(options);
  const base: MemberJourneyOptions = { ...options, startTime: options.startTime ?? Date.now() - 6 * 3_600_000 };
  const parts = Math.max(1, o.workers);
  const partOptions = Array.from({ length: parts }, (_, i) => memberJourneyPartition(base, i, parts));
  // Refuse bad generator options here, not in a worker.
  const generators = partOptions.map((p) => new MemberJourneyGenerator(p));
  if (o.workers === 0) {
    yield* generateHere(generators[0]!, options.events, o.batchSize, o.format, options.signal);
    return;
  }
  yield* generateInWorkers(partOptions, options.events, o, options.signal);
}

async function* generateHere(generator: MemberJourneyGenerator, events: number, batchSize: number, format: GeneratedFormat, signal: AbortSignal | undefined): AsyncGenerator<GeneratedBatch> {
  for (let seq = 0, done = 0; done < events && signal?.aborted !== true; seq++) {
    const count = Math.min(batchSize, events - done);
    const { buffer, length } = generateBatch(generator, count, format);
    yield { part: 0, seq, events: count, format, bytes: new Uint8Array(buffer, 0, length) };
    done += count;
  }
}

/** A worker's batches as they arrive, and whether it is done. */
interface Part {
  readonly worker: Worker;
  readonly queue: GeneratedBatch[];
  done: boolean;
}

async function* generateInWorkers(
  partOptions: readonly MemberJourneyOptions[],
  events: number,
  o: ReturnType<typeof checkOptions>,
  signal: AbortSignal | undefined,
): AsyncGenerator<GeneratedBatch> {
  const url = workerUrl();
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const arrivals: GeneratedBatch[] = [];
  const parts: Part[] = partOptions.map((options, index) => {
    const data: GeneratorWorkerData = { options, events: partitionShare(events, index, partOptions.length), batchSize: o.batchSize, format: o.format, credits: o.inflight };
    const part: Part = { worker: new Worker(url, { workerData: data }), queue: [], done: false };
    part.worker.on("message", (m: FromGeneratorWorker) => {
      if (m.kind === "done") part.done = true;
      else {
        const batch = { part: index, seq: m.seq, events: m.events, format: o.format, bytes: new Uint8Array(m.buffer, 0, m.length) };
        (o.ordered ? part.queue : arrivals).push(batch);
      }
      notify();
    });
    part.worker.on("error", (error) => {
      failure ??= new IngestError("BACKEND", formatErrorMessage("ingest", "generateParallel", `generator worker ${index} failed: ${error.message}`), { cause: error });
      notify();
    });
    part.worker.on("exit", (code) => {
      if (!part.done) failure ??= new IngestError("BACKEND", formatErrorMessage("ingest", "generateParallel", `generator worker ${index} exited (code ${code}) before its last batch`));
      notify();
    });
    return part;
  });
  const onAbort = (): void => notify();
  signal?.addEventListener("abort", onAbort);
  try {
    const next = o.ordered ? orderedTaker(parts) : () => arrivals.shift();
    for (;;) {
      if (failure !== undefined) throw failure;
      if (signal?.aborted === true) return;
      const batch = next();
      if (batch === undefined) {
        if (parts.every((p) => p.done && p.queue.length === 0) && arrivals.length === 0) return;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      parts[batch.part]!.worker.postMessage({ credit: 1 });
      yield batch;
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    await Promise.all(parts.map((p) => p.worker.terminate()));
  }
}

/** Takes batches in round-robin order of the parts that have batches left; undefined while the next has not arrived. */
function orderedTaker(parts: readonly Part[]): () => GeneratedBatch | undefined {
  let turn = 0;
  return () => {
    for (let tried = 0; tried < parts.length; tried++) {
      const part = parts[turn]!;
      const batch = part.queue.shift();
      if (batch !== undefined) {
        turn = (turn + 1) % parts.length;
        return batch;
      }
      // A part with nothing left drops out of the rotation; one still working holds the turn.
      if (!part.done) return undefined;
      turn = (turn + 1) % parts.length;
    }
    return undefined;
  };
}
