import { MemberJourneyGenerator, mapMemberEvent, type MemberEvent, type MemberJourneyOptions } from "@rdg/ingest";
import type { Mutation } from "@rdg/model";
import type { MutationBatch, PeerHop } from "./peer.js";

/** 1-hop: a title's 50 latest viewers. */
export const TITLE_VIEWERS: PeerHop = Object.freeze({ edge: "watched", direction: "in", limit: 50 });
/** 1-hop: a profile's 50 latest titles. */
export const PROFILE_TITLES: PeerHop = Object.freeze({ edge: "watched", direction: "out", limit: 50 });
/** 2-hop: from a profile to its 50 latest titles, then to each title's 20 latest viewers. */
export const TWO_HOP: readonly [PeerHop, PeerHop] = Object.freeze([PROFILE_TITLES, Object.freeze({ edge: "watched", direction: "in", limit: 20 })] as const);

/**
 * Longest span of event time one write batch may hold, for every system: IngestJob's default
 * coalescing window, so that RDG and the peers coalesce repeated updates of an edge over the
 * same stretch of the stream (and keep the same freshness), whatever their batch sizes.
 */
export const COALESCE_WINDOW_MS = 60_000;

/** One generated member-journey workload: every peer and RDG get the same events from it. */
export interface PeerWorkload {
  /** Events after the catalogue. */
  readonly events: number;
  /** Generator options; give `startTime` so every load sees the same events. */
  readonly generator: MemberJourneyOptions & { readonly startTime: number };
  /** Events per batch handed to `Peer.load`. @default 1000 */
  readonly eventsPerBatch?: number;
}

/** The catalogue and member directory (titles, games, live events, accounts), to load untimed before the events. */
export function* catalogBatches(w: PeerWorkload, size = 5000): Generator<MutationBatch> {
  let batch: Mutation[] = [];
  for (const m of new MemberJourneyGenerator(w.generator).catalog()) {
    batch.push(m);
    if (batch.length === size) {
      yield { events: 0, mutations: batch };
      batch = [];
    }
  }
  if (batch.length > 0) yield { events: 0, mutations: batch };
}

/** The workload's events, generated and mapped by the member-journey mapper as RDG's ingestion job maps them. */
export function* eventBatches(w: PeerWorkload): Generator<MutationBatch> {
  const generator = new MemberJourneyGenerator(w.generator);
  const per = w.eventsPerBatch ?? 1000;
  for (let done = 0; done < w.events; ) {
    const n = Math.min(per, w.events - done);
    const events: MemberEvent[] = generator.next(n);
    const mutations: Mutation[] = [];
    for (const e of events) for (const m of mapMemberEvent(e)) mutations.push(m);
    done += n;
    yield { events: n, mutations };
  }
}

/** Counts what passes through, for the mutations/s figure. */
export function counted<T extends MutationBatch>(batches: Iterable<T>, seen: { events: number; mutations: number }): Generator<T> {
  return (function* () {
    for (const b of batches) {
      seen.events += b.events;
      seen.mutations += b.mutations.length;
      yield b;
    }
  })();
}
