import { randomBytes } from "node:crypto";
import { JanusGraphPeer } from "./janusgraph-peer.js";
import { Neo4jPeer } from "./neo4j-peer.js";
import type { Peer } from "./peer.js";
import { PostgresPeer } from "./postgres-peer.js";
import { rdgOnCassandra, rdgOnLmdb } from "./rdg-peer.js";

/** What a peer is made with: a scratch folder, fsync on or off, a name unique to the run. */
export interface PeerContext {
  readonly dir: string;
  readonly sync: boolean;
  readonly run: string;
}

/** RDG's stores that peers are measured against: embedded peers against LMDB, JanusGraph against Cassandra. */
export const RDG_SIDES = {
  lmdb: (c: PeerContext): Peer => rdgOnLmdb(c.dir, { sync: c.sync }),
  cassandra: (c: PeerContext): Peer => rdgOnCassandra(`rdg_peers_${c.run}`),
} as const;
export type RdgSide = keyof typeof RDG_SIDES;

/** One peer of the bench: its short name, how to make it, and the RDG store it is compared with. */
export interface PeerEntry {
  /** Short name, for `--peers` and figures, e.g. `postgres`. */
  readonly id: string;
  readonly label: string;
  readonly against: RdgSide;
  /** Whether the peer's test must not skip (its runtime installs from the registries here). */
  readonly required: boolean;
  readonly make: (c: PeerContext) => Peer;
}

/** Every peer; add one here (and its file) and the scenario and the test pick it up. */
export const PEERS: readonly PeerEntry[] = Object.freeze([
  { id: "postgres", label: "PostgreSQL", against: "lmdb", required: true, make: (c) => new PostgresPeer({ sync: c.sync }) },
  { id: "neo4j", label: "Neo4j", against: "lmdb", required: false, make: (c) => new Neo4jPeer({ dir: c.dir }) },
  { id: "janusgraph", label: "JanusGraph", against: "cassandra", required: false, make: (c) => new JanusGraphPeer({ keyspace: `janus_peers_${c.run}` }) },
]);

/** A short run id for keyspaces and schemas. */
export const runId = (): string => randomBytes(4).toString("hex");
