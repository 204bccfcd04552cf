import type { GraphStore } from "@rdg/graph";
import type { Mutation } from "@rdg/model";
import type { ReadCache } from "./cache/read-cache.js";
import type { ServerLimits } from "./limits/server-limits.js";
import type { ServerMetrics } from "./metrics/server-metrics.js";

/**
 * What maps one topic's events to graph mutations: the processor its ingestion job uses (for
 * the member-journey example, `{ map: mapMemberEvent }` of `@rdg/ingest`). `map` throws to
 * refuse an event; the message is the reason the answer gives.
 */
export interface EventProcessor {
  map(event: unknown): readonly Mutation[];
}

/** What every route reads: the graph, the limits, the cache and the metrics. */
export interface ServerContext {
  readonly graph: GraphStore;
  readonly limits: ServerLimits;
  readonly cache: ReadCache<unknown>;
  readonly metrics: ServerMetrics;
  readonly topics: Readonly<Record<string, EventProcessor>>;
  /** The store, as one line, for /readyz and the log. */
  readonly store: string | undefined;
}
