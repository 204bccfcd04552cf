import type { Mutation } from "@rdg/model";
import { RdgError, formatErrorMessage, hasMarker } from "@rdg/model";

/** Mutations of `events` consecutive generated events, in event order. */
export interface MutationBatch {
  readonly events: number;
  readonly mutations: readonly Mutation[];
}

/** One hop of a shared question: an edge type read from one end, newest first. */
export interface PeerHop {
  readonly edge: string;
  /** `out` from the edge's `from` end, `in` from its `to` end. */
  readonly direction: "in" | "out";
  readonly limit: number;
}

/** A neighbour in an answer; `via` is the middle node of a 2-hop answer. */
export interface PeerNeighbor {
  readonly id: string;
  readonly time: number;
  readonly via?: string;
}

/**
 * A graph system the bench compares RDG with on the same mutations and questions. A peer is
 * one file beside this one and an entry in `peer-registry.ts`; the scenario and the test only
 * call these methods, so adding a peer touches neither.
 */
export interface Peer extends AsyncDisposable {
  /** What is measured, e.g. `PostgreSQL 15.20` (filled in by `setup`). */
  readonly name: string;
  /** What the peer does to load an edge update and to answer "a node's newest 50", for a result's notes. */
  readonly about: { readonly load: string; readonly read: string };
  /**
   * Installs, starts or connects to the peer on the project's ports and creates an empty
   * graph. Throws `PeerUnavailableError` saying what is missing and how to get it.
   */
  setup(): Promise<void>;
  /**
   * Loads the batches as they come, the way the peer's own documentation recommends for
   * streaming writes (its batch and transaction sizes); resolves when every write is durable.
   * Last write wins by mutation time.
   */
  load(batches: AsyncIterable<MutationBatch> | Iterable<MutationBatch>): Promise<void>;
  /** A node's newest `hop.limit` neighbours over `hop`, newest first. */
  neighbors(nodeId: string, hop: PeerHop): Promise<PeerNeighbor[]>;
  /** From `start` over `first` (newest first), then from each node reached over `second`; the second hop's neighbours with `via`. */
  twoHop(start: string, first: PeerHop, second: PeerHop): Promise<PeerNeighbor[]>;
  /** Bytes of the graph's data files after the load (tables and indexes, store files, SSTables), without write-ahead or transaction logs. */
  storageBytes(): Promise<number>;
  /**
   * Optional: a request that does no graph work (a ping, `SELECT 1`), for peers reached over a
   * connection or a pipe, so a result can show how much of a question's latency is transport.
   */
  roundTrip?(): Promise<void>;
  /** Stops what `setup` started and deletes the graph; safe to call twice. */
  teardown(): Promise<void>;
}

const UNAVAILABLE = Symbol.for("rdg.bench.PeerUnavailableError");

/** A peer's runtime cannot be installed or started here; the message says what is missing and how to get it. */
export class PeerUnavailableError extends RdgError {
  /** The peer that could not be set up. */
  readonly peer: string;

  constructor(peer: string, problem: string, cause?: unknown) {
    super("NOT_READY", formatErrorMessage(`bench-peer ${peer}`, undefined, problem), { cause });
    this.name = "PeerUnavailableError";
    this.peer = peer;
    Object.defineProperty(this, UNAVAILABLE, { value: true });
  }

  static override isInstance(error: unknown): error is PeerUnavailableError {
    return hasMarker(error, UNAVAILABLE);
  }
}

/** A running peer refused a write or a question. */
export class PeerError extends RdgError {
  constructor(peer: string, problem: string, cause?: unknown) {
    super("BACKEND", formatErrorMessage(`bench-peer ${peer}`, undefined, problem), { cause });
    this.name = "PeerError";
  }
}
