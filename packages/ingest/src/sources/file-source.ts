import { createReadStream, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import type { EventSource, SourceBatch } from "../runtime/ingest-types.js";

/** Options of a JSON-lines file replay. */
export interface FileSourceOptions {
  readonly path: string;
  /** Events per batch. @default 5000 */
  readonly batchSize?: number;
  /** File that keeps the committed line number, so a restart resumes after it. @default none */
  readonly checkpointPath?: string;
}

/** A line that is not JSON; it reaches the mapper as this, which sends it to the dead-letter sink. */
export interface UnparsableLine {
  readonly unparsable: string;
  readonly line: number;
}

/**
 * Replays a JSON-lines file of events. With a checkpoint file, commits record the last line
 * written, and a new run skips what was committed.
 */
export class FileSource<E> implements EventSource<E | UnparsableLine> {
  readonly name: string;
  readonly #o: FileSourceOptions;

  constructor(options: FileSourceOptions) {
    if (!existsSync(options.path)) throw new Error(`[ingest] event file ${options.path} does not exist`);
    this.#o = options;
    this.name = `file:${options.path}`;
  }

  async *batches(signal: AbortSignal): AsyncGenerator<SourceBatch<E | UnparsableLine>> {
    const size = this.#o.batchSize ?? 5000;
    const checkpoint = this.#o.checkpointPath;
    const skip = checkpoint !== undefined && existsSync(checkpoint) ? Number(readFileSync(checkpoint, "utf8")) || 0 : 0;
    const lines = createInterface({ input: createReadStream(this.#o.path), crlfDelay: Infinity });
    let n = 0;
    let events: (E | UnparsableLine)[] = [];
    const batch = (upTo: number, evs: (E | UnparsableLine)[]): SourceBatch<E | UnparsableLine> => ({
      events: evs,
      commit: () => {
        if (checkpoint !== undefined) writeFileSync(checkpoint, String(upTo));
      },
    });
    for await (const line of lines) {
      n++;
      if (n <= skip || line.trim() === "") continue;
      try {
        events.push(JSON.parse(line) as E);
      } catch {
        events.push({ unparsable: line.slice(0, 200), line: n });
      }
      if (events.length >= size) {
        yield batch(n, events);
        events = [];
        if (signal.aborted) break;
      }
    }
    if (events.length > 0) yield batch(n, events);
  }
}
