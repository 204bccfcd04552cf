import { IngestError } from "../errors/ingest-error.js";
import type { FilePosition } from "./file-position.js";

/**
 * A file replay's committed position no longer matches the file: its content before that
 * position changed (regenerated, edited, truncated). Resuming would skip or cut lines, so the
 * source refuses; read the file from the start instead (drop the checkpoint).
 */
export class FileChangedError extends IngestError {
  declare readonly code: "SOURCE_CHANGED";
  readonly path: string;
  readonly position: FilePosition;

  constructor(path: string, position: FilePosition) {
    super("SOURCE_CHANGED", `[ingest] ${path} changed since line ${position.line} (byte ${position.offset}) was committed: its content before that position differs; read it from the start, without the checkpoint`);
    this.name = "FileChangedError";
    this.path = path;
    this.position = position;
  }
}
