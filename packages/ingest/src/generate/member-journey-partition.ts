import { IngestOptionsError } from "../errors/ingest-options-error.js";
import type { MemberJourneyOptions } from "../domain/member-journey-generator.js";

/** Defaults the parts must agree on; the generator's own defaults otherwise. */
const DEFAULT_SEED = 42;
const DEFAULT_SESSIONS = 20_000;

/**
 * The seed of part `index`: the seed itself for part 0 (so one part is the plain generator),
 * a 32-bit mix of the seed and the index for the others (nearby seeds would otherwise give
 * streams that are shifts of one another).
 */
export function partitionSeed(seed: number, index: number): number {
  if (index === 0) return seed;
  let h = Math.imul((seed >>> 0) ^ Math.imul(index, 0x9e3779b9), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The share of `total` that part `index` of `count` takes: the remainder goes to the first parts. */
export function partitionShare(total: number, index: number, count: number): number {
  return Math.floor(total / count) + (index < total % count ? 1 : 0);
}

/**
 * The generator options of part `index` of `count`, for running one member-journey generator
 * split over threads: part i simulates the accounts `a` with `a % count === i` (so every event
 * of one member comes from one part, in time order), its share of the concurrent sessions, and
 * runs on `partitionSeed(seed, i)`. Catalogue, mix and start time are the whole's; give
 * `startTime` so that every part starts at the same simulated time (and a run can be repeated).
 * A given seed and part count always give the same events; one part gives exactly the events
 * of `new MemberJourneyGenerator(options)`.
 */
export function memberJourneyPartition(options: MemberJourneyOptions, index: number, count: number): MemberJourneyOptions {
  if (!Number.isInteger(count) || count < 1) throw new IngestOptionsError("parts", `must be a whole number of at least 1, got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new IngestOptionsError("part", `must be a whole number from 0 to ${count - 1}, got ${index}`);
  const sessions = options.concurrentSessions ?? DEFAULT_SESSIONS;
  if (count > sessions) throw new IngestOptionsError("concurrentSessions", `${sessions} sessions cannot be split over ${count} parts: give at least one session a part`);
  return {
    ...options,
    seed: partitionSeed(options.seed ?? DEFAULT_SEED, index),
    concurrentSessions: partitionShare(sessions, index, count),
    accountPartition: { index, count },
  };
}
