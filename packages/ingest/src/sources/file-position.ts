import { createHash } from "node:crypto";
import { open } from "node:fs/promises";

/** A committed position in a file replay. */
export interface FilePosition {
  /** Lines read before this position. */
  readonly line: number;
  /** Bytes read before this position. */
  readonly offset: number;
  /** `fileFingerprint(path, offset)` when the position was committed. */
  readonly fingerprint: string;
}

const WINDOW = 64 * 1024;

/**
 * A fingerprint of a file's content before `offset`: sha256 of the offset, the first 64 KiB and
 * the 64 KiB before the offset. A regenerated or edited file almost always differs in one of
 * them; appending after the offset does not change it. Cost: two reads, whatever the file size.
 */
export async function fileFingerprint(path: string, offset: number): Promise<string> {
  const hash = createHash("sha256").update(`${offset}\n`);
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    if (size < offset) return `shorter than ${offset} bytes`;
    const head = Math.min(WINDOW, offset);
    const tailStart = Math.max(head, offset - WINDOW);
    for (const [position, length] of [[0, head], [tailStart, offset - tailStart]] as const) {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await file.read(buffer, 0, length, position);
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  return `sha256:${hash.digest("hex")}`;
}
