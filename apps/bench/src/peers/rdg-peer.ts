import { join } from "node:path";
import { GraphStore, graphNamespaces } from "@rdg/graph";
import { GENERATOR_VALIDATION, IngestJob, MemoryDeadLetterSink, type EventSource, type SourceBatch } from "@rdg/ingest";
import type { KvStore } from "@rdg/kv";
import { CassandraKvStore } from "@rdg/kv-cassandra";
import { LmdbKvStore } from "@rdg/kv-lmdb";
import { memberJourneySchema, type Schema } from "@rdg/model";
import { connect } from "../scenarios/kv-cassandra-scenario.js";
import { PeerError, PeerUnavailableError, type MutationBatch, type Peer, type PeerHop, type PeerNeighbor } from "./peer.js";
import { cassandraKeyspaceBytes, diskBytes, service } from "./peer-files.js";
import { COALESCE_WINDOW_MS } from "./peer-workload.js";

/** An empty KV store for RDG's graph, with how to size it and remove it. */
export interface RdgStore {
  readonly kv: KvStore;
  /** Bytes of the store's data after the load. */
  sizeBytes(): Promise<number>;
  /** Closes the store and deletes what it wrote. */
  close(): Promise<void>;
}

/** Options of `RdgPeer`. */
export interface RdgPeerOptions {
  /** e.g. `RDG on LMDB`. */
  readonly name: string;
  readonly open: () => Promise<RdgStore>;
  /** @default memberJourneySchema */
  readonly schema?: Schema;
}

/**
 * RDG itself behind the peer interface, so the scenario and the test treat ours and the peers
 * alike: it loads through the ingestion job (coalescing, batched writes, its default
 * concurrency) and answers through `GraphStore.neighbors` and `traverse`.
 */
export class RdgPeer implements Peer {
  readonly name: string;
  readonly about: { readonly load: string; readonly read: string };
  readonly #o: RdgPeerOptions;
  #store: RdgStore | undefined;
  #graph: GraphStore | undefined;

  constructor(options: RdgPeerOptions) {
    this.#o = Object.freeze({ ...options });
    this.name = options.name;
    const where = options.name.includes("Cassandra") ? "Cassandra reads" : "reads in this process";
    this.about = {
      load: "its ingestion job, in this process, maps, coalesces, plans every edge update into the edge's state record and a time-ordered entry in its out- and in-adjacency (removing the superseded entries), encodes and writes them",
      read: `it lists the node's buckets, reads up to 50 time-ordered adjacency entries, then each entry's edge state record (to drop entries a newer update superseded) and decodes its properties: about 52 KV ${where} for 50 neighbours`,
    };
  }

  async setup(): Promise<void> {
    this.#store = await this.#o.open();
    this.#graph = new GraphStore({ kv: this.#store.kv, schema: this.#o.schema ?? memberJourneySchema });
    await this.#graph.ready();
  }

  get #g(): GraphStore {
    if (this.#graph === undefined) throw new PeerError(this.name, "not set up; call setup() first");
    return this.#graph;
  }

  async load(batches: AsyncIterable<MutationBatch> | Iterable<MutationBatch>): Promise<void> {
    const source: EventSource<MutationBatch> = {
      name: "peer-workload",
      async *batches(): AsyncIterable<SourceBatch<MutationBatch>> {
        // Ten batches of the workload (about 10,000 events) per source batch, as a generator source hands them out.
        let chunk: MutationBatch[] = [];
        for await (const b of batches) {
          chunk.push(b);
          if (chunk.length === 10) {
            yield { events: chunk, commit: () => undefined };
            chunk = [];
          }
        }
        if (chunk.length > 0) yield { events: chunk, commit: () => undefined };
      },
    };
    const deadLetters = new MemoryDeadLetterSink<MutationBatch>();
    const job = new IngestJob<MutationBatch>({
      name: this.name,
      source,
      map: (b) => b.mutations,
      graph: this.#g,
      deadLetters,
      eventTime: (b) => b.mutations[b.mutations.length - 1]?.time ?? 0,
      coalesceWindowMs: COALESCE_WINDOW_MS,
      validation: GENERATOR_VALIDATION,
    });
    const m = await job.run();
    if (m.deadLetters > 0) throw new PeerError(this.name, `${m.deadLetters} batches went to the dead-letter sink: ${deadLetters.letters[0]?.reason ?? "no reason"}`);
  }

  async neighbors(nodeId: string, hop: PeerHop): Promise<PeerNeighbor[]> {
    const page = await this.#g.neighbors(nodeId, { edge: hop.edge, direction: hop.direction, limit: hop.limit });
    return page.edges.map((e) => ({ id: e.other, time: e.time }));
  }

  async twoHop(start: string, first: PeerHop, second: PeerHop): Promise<PeerNeighbor[]> {
    const r = await this.#g.traverse({ start: [start], hops: [first, second], deadlineMs: 60_000, maxFrontier: 100_000 });
    if (r.partial) throw new PeerError(this.name, `2-hop from ${start} came back partial (${r.reason})`);
    return (r.levels[1]?.edges ?? []).map((e) => ({ via: e.other === e.from ? e.to : e.from, id: e.other, time: e.time }));
  }

  async storageBytes(): Promise<number> {
    if (this.#store === undefined) throw new PeerError(this.name, "not set up; call setup() first");
    return this.#store.sizeBytes();
  }

  async teardown(): Promise<void> {
    const store = this.#store;
    this.#store = undefined;
    this.#graph = undefined;
    await store?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.teardown();
  }
}

/** RDG's graph on LMDB in a fresh folder under `dir`. */
export function rdgOnLmdb(dir: string, options: { readonly sync?: boolean } = {}): RdgPeer {
  return new RdgPeer({
    name: "RDG on LMDB",
    open: async () => {
      const path = join(dir, "rdg-graph");
      const kv = new LmdbKvStore({ path, namespaces: graphNamespaces(memberJourneySchema), noSync: options.sync === false });
      return {
        kv,
        sizeBytes: async () => diskBytes(path),
        close: () => kv.close(),
      };
    },
  });
}

/** RDG's graph on the project's Cassandra (services/cassandra.sh), in a fresh keyspace dropped at teardown. */
export function rdgOnCassandra(keyspace: string): RdgPeer {
  return new RdgPeer({
    name: "RDG on Cassandra",
    open: async () => {
      await ensureCassandra("RDG on Cassandra");
      const client = await connect();
      await client.execute(`DROP KEYSPACE IF EXISTS "${keyspace}"`);
      const kv = new CassandraKvStore({ client, keyspace, namespaces: graphNamespaces(memberJourneySchema) });
      return {
        kv,
        sizeBytes: () => cassandraKeyspaceBytes(keyspace),
        close: async () => {
          try {
            await kv.close();
            await client.execute(`DROP KEYSPACE IF EXISTS "${keyspace}"`);
          } finally {
            await client.shutdown();
          }
        },
      };
    },
  });
}

/** The project's Cassandra answers on 127.0.0.1:19042 (either mode), or is started in one-node mode. */
export async function ensureCassandra(peer: string): Promise<void> {
  // A Cassandra that answers CQL is used as it is, whoever started it (another checkout's
  // services/cassandra.sh holds the port, and this one's script would refuse to start another).
  try {
    const client = await connect();
    await client.shutdown();
    return;
  } catch {
    // not answering: ask the script
  }
  try {
    await service("cassandra.sh", ["status"], 60_000);
    return;
  } catch {
    // not running (or not every node answers): start one node
  }
  try {
    await service("cassandra.sh", ["start"], 600_000);
  } catch (error) {
    throw new PeerUnavailableError(peer, `the project's Cassandra does not answer on 127.0.0.1:19042 and could not be started; run services/cassandra.sh start and read its log (${error instanceof Error ? error.message : String(error)})`, error);
  }
}
