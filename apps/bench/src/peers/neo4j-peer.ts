import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { memberJourneySchema, type Schema } from "@rdg/model";
import { JavaLineClient, schemaNames } from "./java-line-peer.js";
import type { MutationBatch, Peer, PeerHop, PeerNeighbor } from "./peer.js";
import { diskBytes } from "./peer-files.js";

/** Options of `Neo4jPeer`. */
export interface Neo4jPeerOptions {
  /** Folder under which the database's home is made (and deleted at teardown). */
  readonly dir: string;
  /** @default 2048 */
  readonly heapMb?: number;
  /** Neo4j's page cache. @default 1024 */
  readonly pageCacheMb?: number;
  /** Rows per transaction, Neo4j's advice for batched writes being 10,000 to 50,000. @default 10000 */
  readonly rowsPerTransaction?: number;
  /** @default memberJourneySchema */
  readonly schema?: Schema;
}

/**
 * Neo4j Community 5.26 embedded in the Java program bench/peers/neo4j (built by mvn from Maven
 * Central), fed over a pipe: batched `UNWIND ... MERGE` transactions on ids with uniqueness
 * constraints; questions in Cypher.
 */
export class Neo4jPeer implements Peer {
  name = "Neo4j embedded";
  readonly about = {
    load: "its JVM runs UNWIND ... MERGE for each batch: an index seek per end, the relationship found among the smaller end's relationships",
    read: "Cypher expands the node's relationships of the type and sorts them by time (Neo4j keeps no per-node ordered relationship index), in its JVM",
  } as const;
  readonly #o: Required<Neo4jPeerOptions>;
  #home: string | undefined;
  #client: JavaLineClient | undefined;

  constructor(options: Neo4jPeerOptions) {
    this.#o = Object.freeze({ heapMb: 2048, pageCacheMb: 1024, rowsPerTransaction: 10_000, schema: memberJourneySchema, ...options });
  }

  async setup(): Promise<void> {
    const home = mkdtempSync(join(this.#o.dir, "neo4j-"));
    this.#home = home;
    const client = new JavaLineClient({
      peer: "neo4j",
      project: "neo4j",
      mainClass: "rdg.peers.Neo4jPeer",
      jvmArgs: [`-Xms${this.#o.heapMb}m`, `-Xmx${this.#o.heapMb}m`, `-Drdg.pagecacheMb=${this.#o.pageCacheMb}`, "-XX:+UseG1GC"],
      args: [home, schemaNames(this.#o.schema).labels, String(this.#o.rowsPerTransaction)],
    }, this.#o.schema);
    await client.start();
    this.#client = client;
    this.name = `${client.version} embedded`;
  }

  async load(batches: AsyncIterable<MutationBatch> | Iterable<MutationBatch>): Promise<void> {
    await this.#c.load(batches);
  }

  get #c(): JavaLineClient {
    if (this.#client === undefined) throw new Error("[bench-peer neo4j] not set up; call setup() first");
    return this.#client;
  }

  neighbors(nodeId: string, hop: PeerHop): Promise<PeerNeighbor[]> {
    return this.#c.neighbors(nodeId, hop);
  }

  twoHop(start: string, first: PeerHop, second: PeerHop): Promise<PeerNeighbor[]> {
    return this.#c.twoHop(start, first, second);
  }

  roundTrip(): Promise<void> {
    return this.#c.ping();
  }

  async storageBytes(): Promise<number> {
    // Checkpoint (S), then the store files as allocated on disk, without the transaction logs (data/transactions).
    await this.#c.size();
    return diskBytes(join(this.#home!, "data", "databases", "neo4j"));
  }

  async teardown(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.stop();
    if (this.#home !== undefined) rmSync(this.#home, { recursive: true, force: true });
    this.#home = undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.teardown();
  }
}
