import type { MessagePort } from "node:worker_threads";
import type { KvOperation } from "@rdg/kv";
import type { Mutation } from "@rdg/model";

/** What a worker is started with (`workerData`); `peers[i]` talks to worker i (its own slot is null). */
export interface WorkerStart {
  readonly module: string;
  readonly options: unknown;
  readonly index: number;
  readonly workers: number;
  readonly peers: readonly (MessagePort | null)[];
  readonly edgeTimeCache?: number;
  readonly coalesceWindowMs?: number;
}

/** Main thread to worker, in order. */
export type ToWorker =
  | { readonly t: "events"; readonly epoch: number; readonly events: readonly unknown[] }
  | { readonly t: "generate"; readonly epoch: number; readonly count: number }
  | { readonly t: "flush"; readonly epoch: number }
  | { readonly t: "durable"; readonly seq: number }
  | { readonly t: "forget" }
  | { readonly t: "stop" };

/** An event a worker refused, with why. */
export interface WorkerDeadLetter {
  readonly event: unknown;
  readonly reason: string;
  readonly code: string | undefined;
}

/** A worker's part of one epoch, planned: the encoded batch is transferred, not copied. */
export interface WorkerBatch {
  readonly t: "batch";
  readonly epoch: number;
  readonly seq: number;
  readonly batch: Uint8Array;
  readonly ops: KvOperation[];
  readonly writes: number;
  /** Events this worker took in this epoch (generated or received). */
  readonly events: number;
  /** Mutations mapped from them, before coalescing. */
  readonly mapped: number;
  /** Mutations this worker planned, after coalescing (its own and those its peers routed to it). */
  readonly planned: number;
  readonly oldestEventTime: number;
  readonly dead: readonly WorkerDeadLetter[];
}

/** Worker to main thread. */
export type FromWorker = { readonly t: "ready" } | WorkerBatch | { readonly t: "fatal"; readonly message: string; readonly stack: string | undefined };

/** Worker to worker: the mutations of one epoch whose keys the receiver owns. */
export interface PeerMutations {
  readonly epoch: number;
  readonly mutations: readonly Mutation[];
}
