import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileChangedError, FileSource, type FileCheckpointStore, type FilePosition, type SourceBatch } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "rdg-file-source-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A checkpoint store in memory, as an app would keep one in its own store. */
class MemoryCheckpoints implements FileCheckpointStore {
  saved: FilePosition | undefined;
  load(): FilePosition | undefined {
    return this.saved;
  }
  save(position: FilePosition): void {
    this.saved = position;
  }
}

/** Reads every batch, commits each, and returns the events read. */
async function drain<E>(source: FileSource<E>): Promise<unknown[]> {
  const events: unknown[] = [];
  for await (const batch of source.batches(new AbortController().signal) as AsyncIterable<SourceBatch<unknown>>) {
    events.push(...batch.events);
    await batch.commit();
  }
  return events;
}

const lines = (...ids: number[]): string => ids.map((i) => `${JSON.stringify({ i })}\n`).join("");

describe("FileSource checkpoints", () => {
  it("resumes after the committed line, including lines appended since", async () => {
    const path = join(dir, "append.jsonl");
    writeFileSync(path, lines(1, 2, 3));
    const checkpoints = new MemoryCheckpoints();
    expect(await drain(new FileSource({ path, batchSize: 2, checkpoints }))).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }]);
    expect(checkpoints.saved).toMatchObject({ line: 3, offset: lines(1, 2, 3).length });
    expect(await drain(new FileSource({ path, checkpoints }))).toEqual([]);
    appendFileSync(path, lines(4, 5));
    const resumed: FilePosition[] = [];
    const source = new FileSource({ path, checkpoints, onResume: (p) => resumed.push(p) });
    expect(await drain(source)).toEqual([{ i: 4 }, { i: 5 }]);
    expect(resumed.map((p) => p.line)).toEqual([3]);
    expect(checkpoints.saved?.line).toBe(5);
  });

  it("refuses a file whose content before the committed position changed", async () => {
    const path = join(dir, "regenerated.jsonl");
    writeFileSync(path, lines(1, 2, 3, 4));
    const checkpoints = new MemoryCheckpoints();
    await drain(new FileSource({ path, checkpoints }));
    writeFileSync(path, lines(7, 8, 9, 10, 11, 12)); // regenerated: same shape, other content, longer
    await expect(drain(new FileSource({ path, checkpoints }))).rejects.toThrow(FileChangedError);
    writeFileSync(path, lines(1, 2)); // cut shorter than the committed position
    await expect(drain(new FileSource({ path, checkpoints }))).rejects.toThrow(/changed since line 4 .*read it from the start/);
    // Without the checkpoint (what --from-start does), the whole file is read again.
    expect(await drain(new FileSource({ path, checkpoints: new MemoryCheckpoints() }))).toEqual([{ i: 1 }, { i: 2 }]);
  });

  it("counts lines and bytes across CRLF endings, blank lines and a last line without a newline", async () => {
    const path = join(dir, "crlf.jsonl");
    const text = '{"i":1}\r\n\r\n{"i":2}\r\n{"i":3}';
    writeFileSync(path, text);
    const checkpoints = new MemoryCheckpoints();
    expect(await drain(new FileSource({ path, batchSize: 1, checkpoints }))).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }]);
    expect(checkpoints.saved).toMatchObject({ line: 4, offset: text.length });
    appendFileSync(path, '\n{"i":4}\n');
    // The unterminated line was committed whole; what follows its newline is new.
    expect(await drain(new FileSource({ path, checkpoints }))).toEqual([{ i: 4 }]);
  });

});
