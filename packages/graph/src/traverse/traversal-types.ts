import type { Direction } from "@rdg/model";
import type { GraphEdge } from "../graph-types.js";

/** One hop of a traversal. */
export interface HopSpec {
  /** Edge type or inverse name. */
  readonly edge: string;
  readonly direction?: Direction;
  /** Edges read per node at this hop; overrides every default. */
  readonly limit?: number;
  readonly lookbackMs?: number;
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
  /** True when the deadline or the frontier limit cut the traversal short. */
  readonly partial: boolean;
  readonly reason?: "deadline" | "frontier";
  readonly elapsedMs: number;
}
