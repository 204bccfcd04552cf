import type { KvStore } from "@rdg/kv";
import { graphNamespaces } from "@rdg/graph";
import { memberJourneySchema } from "@rdg/model";
import { MemberJourneyGenerator, type MemberJourneyOptions } from "../domain/member-journey-generator.js";
import { mapMemberEvent, memberEventTime } from "../domain/member-journey-mapper.js";
import type { MemberEvent } from "../domain/member-events.js";
import { GENERATOR_VALIDATION } from "../sources/generator-source.js";
import type { IngestWorkerContext, IngestWorkerSetup } from "./ingest-worker-setup.js";

/** Options of the member-journey worker module (`memberJourneyWorker`). */
export interface MemberJourneyWorkerOptions {
  /** The LMDB environment the job writes (each worker opens it to read edge times). */
  readonly lmdbPath: string;
  /** Generator options, when the workers generate the events. With N > 1 workers, worker i runs seed + i with 1/N of the sessions. */
  readonly generator?: MemberJourneyOptions;
  /**
   * Module of the LMDB store, imported by each worker. `@rdg/kv-lmdb` is an optional peer
   * dependency of `@rdg/ingest`: install it beside this package to use the parallel pipeline
   * on LMDB. @default "@rdg/kv-lmdb"
   */
  readonly storeModule?: string;
}

/** The module a `ParallelIngestJob` gives its workers for the member-journey domain on LMDB. */
export const memberJourneyWorker: URL = new URL("./member-journey-worker.js", import.meta.url);

/** Member-journey mapping and validation on the graph's LMDB environment; optionally the generator. */
export async function createIngestWorker(options: unknown, context: IngestWorkerContext): Promise<IngestWorkerSetup<MemberEvent>> {
  const o = options as MemberJourneyWorkerOptions;
  const { LmdbKvStore } = (await import(o.storeModule ?? "@rdg/kv-lmdb")) as {
    LmdbKvStore: new (options: { path: string; namespaces: object }) => KvStore & { database: { resetReadTxn(): void } };
  };
  const reader = new LmdbKvStore({ path: o.lmdbPath, namespaces: graphNamespaces(memberJourneySchema) });
  let generator: MemberJourneyGenerator | undefined;
  if (o.generator !== undefined) {
    const g = o.generator;
    generator =
      context.workers === 1
        ? new MemberJourneyGenerator(g)
        : new MemberJourneyGenerator({
            ...g,
            seed: (g.seed ?? 42) + context.index,
            concurrentSessions: Math.max(1, Math.ceil((g.concurrentSessions ?? 20_000) / context.workers)),
          });
  }
  return {
    schema: memberJourneySchema,
    map: mapMemberEvent,
    eventTime: memberEventTime,
    validation: GENERATOR_VALIDATION,
    reader,
    ...(generator === undefined ? {} : { generate: (count: number) => generator.next(count) }),
    refresh: () => reader.database.resetReadTxn(),
    close: () => reader.close(),
  };
}
