import type { Direction } from "@rdg/model";
import type { GraphEdge, PropertyCondition } from "../graph-types.js";

/** One hop of a traversal. */
export interface HopSpec {
  /** Edge type or inverse name. */
  readonly edge: string;
  readonly direction?: Direction;
  /** Edges read per node at this hop; overrides every default. */
  readonly limit?: number;
  readonly lookbackMs?: number;
  /** Only edges updated at or after this time (ms). @default now minus the lookback */
  readonly since?: number;
  /** Only edges updated before this time (ms). @default no bound */
  readonly until?: number;
  /** Conditions on the edge's properties, all of which must hold. @default none */
  readonly where?: Readonly<Record<string, PropertyCondition>>;
  /**
   * Conditions on the properties of the node at the other end, all of which must hold; an edge
   * whose other node does not exist is left out. Costs a node read per edge. @default none
   */
  readonly nodeWhere?: Readonly<Record<string, PropertyCondition>>;
}

/**
 * Per-hop edge limits, most specific first: the hop's own `limit`, then `perEdge[edge]`, then
 * `perDepth[depth - 1]`, then `default`.
 */
export interface HopLimits {
  /** @default 300 (Netflix's per-hop default) */
  readonly default?: number;
  readonly perDepth?: readonly number[];
  readonly perEdge?: Readonly<Record<string, number>>;
}

/** A breadth-first traversal of 1 to 4 hops. */
export interface TraversalQuery {
  /** Start node ids (of the first hop's source type). */
  readonly start: readonly string[];
  readonly hops: readonly HopSpec[];
  readonly limits?: HopLimits;
  /** @default 100 days */
  readonly lookbackMs?: number;
  /** Time budget; when it runs out the result so far returns with `partial: true`. @default 1000 */
  readonly deadlineMs?: number;
  /** Most nodes expanded at one depth. @default 10000 */
  readonly maxFrontier?: number;
  /** Reads in flight at once. @default 32 */
  readonly concurrency?: number;
  /** Most edges returned over all depths; reaching it ends the traversal with `partial: true`, reason `limit`. @default no bound */
  readonly maxEdges?: number;
  /** Stops the traversal at its next KV call, rejecting with `signal.reason` (unlike the deadline, which returns what was read). @default undefined */
  readonly signal?: AbortSignal;
}

/** What one depth reached. */
export interface TraversalLevel {
  readonly depth: number;
  readonly edges: GraphEdge[];
  /** New nodes reached at this depth (not seen at an earlier depth). */
  readonly nodes: string[];
}

export interface TraversalResult {
  readonly levels: TraversalLevel[];
  /** True when the deadline, the frontier limit or `maxEdges` cut the traversal short. */
  readonly partial: boolean;
  readonly reason?: "deadline" | "frontier" | "limit";
  readonly elapsedMs: number;
}
