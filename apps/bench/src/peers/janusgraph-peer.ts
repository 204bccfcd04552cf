import { memberJourneySchema, type Schema } from "@rdg/model";
import { JavaLineClient, schemaNames } from "./java-line-peer.js";
import type { MutationBatch, Peer, PeerHop, PeerNeighbor } from "./peer.js";
import { cassandraKeyspaceBytes } from "./peer-files.js";
import { connect } from "../scenarios/kv-cassandra-scenario.js";
import { ensureCassandra } from "./rdg-peer.js";

/** Options of `JanusGraphPeer`. */
export interface JanusGraphPeerOptions {
  /** Keyspace on the project's Cassandra, dropped before and after. */
  readonly keyspace: string;
  /** @default 1024 */
  readonly heapMb?: number;
  /** Elements per transaction ("a few thousand" in JanusGraph's bulk-loading advice). @default 5000 */
  readonly rowsPerTransaction?: number;
  /** @default memberJourneySchema */
  readonly schema?: Schema;
}

/**
 * JanusGraph 1.1 on the project's Cassandra through CQL, in the Java program
 * bench/peers/janusgraph (built by mvn from Maven Central): batch loading, an id index and a
 * vertex-centric index on time for every edge label.
 */
export class JanusGraphPeer implements Peer {
  name = "JanusGraph on Cassandra";
  readonly about = {
    load: "its JVM finds both ends (its own id map, else the id index), looks for the edge among the source's adjacent edges and writes it into both vertices' rows with its vertex-centric index entries, batch loading on (no consistency checks or locks)",
    read: "its JVM looks the node up in the id index, slices 50 edges from the vertex-centric index on time, and reads the other ends' ids in one batched query: three CQL reads",
  } as const;
  readonly #o: Required<JanusGraphPeerOptions>;
  #client: JavaLineClient | undefined;

  constructor(options: JanusGraphPeerOptions) {
    this.#o = Object.freeze({ heapMb: 1024, rowsPerTransaction: 5000, schema: memberJourneySchema, ...options });
  }

  async setup(): Promise<void> {
    await ensureCassandra("janusgraph");
    await this.#dropKeyspace();
    const names = schemaNames(this.#o.schema);
    const client = new JavaLineClient({
      peer: "janusgraph",
      project: "janusgraph",
      mainClass: "rdg.peers.JanusGraphPeer",
      jvmArgs: [`-Xms${this.#o.heapMb}m`, `-Xmx${this.#o.heapMb}m`, "-XX:+UseG1GC"],
      args: [this.#o.keyspace, names.labels, names.edgeTypes, String(this.#o.rowsPerTransaction)],
    }, this.#o.schema);
    await client.start();
    this.#client = client;
    this.name = `${client.version} on Cassandra`;
  }

  async #dropKeyspace(): Promise<void> {
    const client = await connect();
    try {
      await client.execute(`DROP KEYSPACE IF EXISTS "${this.#o.keyspace}"`);
    } finally {
      await client.shutdown();
    }
  }

  get #c(): JavaLineClient {
    if (this.#client === undefined) throw new Error("[bench-peer janusgraph] not set up; call setup() first");
    return this.#client;
  }

  async load(batches: AsyncIterable<MutationBatch> | Iterable<MutationBatch>): Promise<void> {
    await this.#c.load(batches);
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

  storageBytes(): Promise<number> {
    return cassandraKeyspaceBytes(this.#o.keyspace);
  }

  async teardown(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client === undefined) return;
    await client.stop();
    await this.#dropKeyspace();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.teardown();
  }
}
