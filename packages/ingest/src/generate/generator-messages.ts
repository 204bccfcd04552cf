import type { MemberJourneyOptions } from "../domain/member-journey-generator.js";

/** Encodings of a generated batch: 32-byte binary events (member-event-codec.ts) or JSON lines. */
export type GeneratedFormat = "binary" | "json";

/** What a generator worker is started with (its `workerData`). */
export interface GeneratorWorkerData {
  /** The part's generator options (`memberJourneyPartition`). */
  readonly options: MemberJourneyOptions;
  /** Events this part generates. */
  readonly events: number;
  readonly batchSize: number;
  readonly format: GeneratedFormat;
  /** Batches it may send before the first credit. */
  readonly credits: number;
}

/** Worker to parent: a batch (its buffer transferred), or the end. */
export type FromGeneratorWorker =
  | { readonly kind: "batch"; readonly seq: number; readonly events: number; readonly buffer: ArrayBuffer; readonly length: number }
  | { readonly kind: "done" };

/** Parent to worker: it may send this many more batches. */
export interface GeneratorCredit {
  readonly credit: number;
}
