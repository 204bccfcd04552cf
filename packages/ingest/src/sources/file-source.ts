import { createReadStream, existsSync } from "node:fs";
import type { EventSource, SourceBatch } from "../runtime/ingest-types.js";
import { FileChangedError } from "./file-changed-error.js";
import { fileFingerprint, type FilePosition } from "./file-position.js";

/**
 * Where a file replay keeps its committed position. The app decides where: the `rdg` command
 * keeps it in the graph the lines were written to, so a new graph reads the file from the start.
 */
export interface FileCheckpointStore {
  /** The last committed position, or undefined to read from the start. */
  load(): FilePosition | undefined | Promise<FilePosition | undefined>;
  /** Called by each batch's commit, once its writes are durable. */
  save(position: FilePosition): void | Promise<void>;
}

/** Options of a JSON-lines file replay. */
export interface FileSourceOptions {
  readonly path: string;
  /** Events per batch. @default 5000 */
  readonly batchSize?: number;
  /** Keeps the committed position, so a new run resumes after it. @default none: every run reads the whole file */
  readonly checkpoints?: FileCheckpointStore;
  /** Called when a run resumes at a committed position that still matches the file. @default none */
  readonly onResume?: (position: FilePosition) => void;
}

/** A line that is not JSON; it reaches the mapper as this, which sends it to the dead-letter sink. */
export interface UnparsableLine {
  readonly unparsable: string;
  readonly line: number;
}

/**
 * Replays a JSON-lines file of events. With a checkpoint store, each commit records the line
 * and byte position written plus a fingerprint of the content before it; a new run resumes
 * there, and refuses (`FileChangedError`) a file whose content before that position changed.
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
    const { path, checkpoints } = this.#o;
    const size = this.#o.batchSize ?? 5000;
    const start = await this.#start();
    let events: (E | UnparsableLine)[] = [];
    const batch = async (line: number, offset: number): Promise<SourceBatch<E | UnparsableLine>> => {
      // Fingerprinted now, from the content just read, not at commit time.
      const position: FilePosition = { line, offset, fingerprint: checkpoints === undefined ? "" : await fileFingerprint(path, offset) };
      const evs = events;
      events = [];
      return { events: evs, commit: () => checkpoints?.save(position) };
    };
    let last = start;
    for await (const { text, line, offset } of readLines(path, start)) {
      last = { line, offset };
      if (text.trim() === "") continue;
      try {
        events.push(JSON.parse(text) as E);
      } catch {
        events.push({ unparsable: text.slice(0, 200), line });
      }
      if (events.length >= size) {
        yield await batch(line, offset);
        if (signal.aborted) return;
      }
    }
    if (events.length > 0) yield await batch(last.line, last.offset);
  }

  /** The committed position, once checked against the file as it is now. */
  async #start(): Promise<{ line: number; offset: number }> {
    const saved = await this.#o.checkpoints?.load();
    if (saved === undefined) return { line: 0, offset: 0 };
    if ((await fileFingerprint(this.#o.path, saved.offset)) !== saved.fingerprint) throw new FileChangedError(this.#o.path, saved);
    this.#o.onResume?.(saved);
    return saved;
  }
}

/** The lines of a file from a byte offset, each with its number and the offset after it. */
async function* readLines(path: string, from: { line: number; offset: number }): AsyncGenerator<{ text: string; line: number; offset: number }> {
  let line = from.line;
  let offset = from.offset;
  let pending: Buffer[] = [];
  for await (const chunk of createReadStream(path, { start: from.offset }) as AsyncIterable<Buffer>) {
    let at = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, at)) {
      pending.push(chunk.subarray(at, nl));
      const bytes = Buffer.concat(pending);
      pending = [];
      offset += bytes.length + 1;
      at = nl + 1;
      yield { text: stripCr(bytes.toString("utf8")), line: ++line, offset };
    }
    if (at < chunk.length) pending.push(chunk.subarray(at));
  }
  if (pending.length > 0) {
    const bytes = Buffer.concat(pending);
    yield { text: stripCr(bytes.toString("utf8")), line: line + 1, offset: offset + bytes.length };
  }
}

const stripCr = (text: string): string => (text.endsWith("\r") ? text.slice(0, -1) : text);
