import { resolve } from "node:path";
import { GRAPH_META_NAMESPACE } from "@rdg/graph";
import type { FileCheckpointStore, FilePosition } from "@rdg/ingest";
import type { KvStore } from "@rdg/kv";

/** A file's committed position as the graph keeps it. */
export interface GraphFileCheckpoint extends FilePosition {
  /** ISO time of the commit. */
  readonly committedAt: string;
}

const KEY = new TextEncoder().encode("position");

/**
 * Where `rdg ingest --source file` keeps its position: in the graph it writes to (namespace
 * `rdg.meta`, record `checkpoint:file:<absolute path>`), so the position belongs to the graph
 * the lines were committed to; a new graph reads the file from the start.
 */
export class GraphFileCheckpoints implements FileCheckpointStore {
  readonly #kv: KvStore;
  readonly #id: string;

  constructor(kv: KvStore, file: string) {
    this.#kv = kv;
    this.#id = `checkpoint:file:${resolve(file)}`;
  }

  async load(): Promise<GraphFileCheckpoint | undefined> {
    const item = (await this.#kv.getItems(GRAPH_META_NAMESPACE, this.#id, { keys: [KEY] })).items[0];
    return item === undefined ? undefined : (JSON.parse(Buffer.from(item.value).toString("utf8")) as GraphFileCheckpoint);
  }

  async save(position: FilePosition): Promise<void> {
    const stored: GraphFileCheckpoint = { line: position.line, offset: position.offset, fingerprint: position.fingerprint, committedAt: new Date().toISOString() };
    await this.#kv.putItems(GRAPH_META_NAMESPACE, this.#id, [{ key: KEY, value: new TextEncoder().encode(JSON.stringify(stored)) }]);
  }

  /** Forgets the position: the next run reads the file from the start. */
  async clear(): Promise<void> {
    await this.#kv.deleteRecord(GRAPH_META_NAMESPACE, this.#id);
  }
}
