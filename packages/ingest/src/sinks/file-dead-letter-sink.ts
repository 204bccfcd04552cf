import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { DeadLetterSink } from "../runtime/ingest-types.js";

/** Appends dead letters to a JSON-lines file: `{ at, reason, event }` per line. */
export class FileDeadLetterSink<E> implements DeadLetterSink<E> {
  readonly path: string;
  constructor(path: string) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
  }
  send(event: E, reason: string): void {
    appendFileSync(this.path, `${JSON.stringify({ at: new Date().toISOString(), reason, event })}\n`);
  }
}
