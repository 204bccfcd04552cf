import type { Schema } from "@rdg/model";
import { GraphError } from "../errors/graph-error.js";
import type { GraphEdge, NeighborsPage, NeighborsQuery } from "../graph-types.js";
import { resolveEdge } from "../read/resolve-edge.js";
import type { HopSpec, TraversalLevel, TraversalQuery, TraversalResult } from "./traversal-types.js";

const MAX_HOPS = 4;

export function hopLimit(q: TraversalQuery, hop: HopSpec, depth: number): number {
  return hop.limit ?? q.limits?.perEdge?.[hop.edge] ?? q.limits?.perDepth?.[depth - 1] ?? q.limits?.default ?? 300;
}

function check(schema: Schema, q: TraversalQuery): void {
  if (!Array.isArray(q.start) || q.start.length === 0) throw new GraphError("INVALID_QUERY", "start must list at least one node id");
  if (!Array.isArray(q.hops) || q.hops.length < 1 || q.hops.length > MAX_HOPS) {
    throw new GraphError("INVALID_QUERY", `hops must list 1 to ${MAX_HOPS} hops, got ${Array.isArray(q.hops) ? q.hops.length : typeof q.hops}`);
  }
  q.hops.forEach((hop, i) => {
    resolveEdge(schema, hop.edge, hop.direction);
    const limit = hopLimit(q, hop, i + 1);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new GraphError("INVALID_QUERY", `hop ${i + 1} limit ${limit} must be an integer from 1 to 10000`);
  });
  if (q.deadlineMs !== undefined && !(q.deadlineMs > 0)) throw new GraphError("INVALID_QUERY", "deadlineMs must be positive");
}

/**
 * Breadth-first: every node of a depth is expanded in parallel (bounded by `concurrency`), and
 * the next depth starts from the new nodes only. When the deadline passes, the levels done so
 * far and the edges read so far return, marked partial.
 */
export async function traverse(
  schema: Schema,
  neighbors: (nodeId: string, q: NeighborsQuery) => Promise<NeighborsPage>,
  q: TraversalQuery,
): Promise<TraversalResult> {
  check(schema, q);
  const started = performance.now();
  const deadline = started + (q.deadlineMs ?? 1000);
  const maxFrontier = q.maxFrontier ?? 10_000;
  const concurrency = q.concurrency ?? 32;
  const visited = new Set<string>(q.start);
  let frontier = [...new Set(q.start)];
  const levels: TraversalLevel[] = [];
  let partial = false;
  let reason: TraversalResult["reason"];

  for (let depth = 1; depth <= q.hops.length && frontier.length > 0; depth++) {
    const hop = q.hops[depth - 1]!;
    if (frontier.length > maxFrontier) {
      frontier = frontier.slice(0, maxFrontier);
      partial = true;
      reason ??= "frontier";
    }
    const query: NeighborsQuery = { edge: hop.edge, direction: hop.direction, limit: hopLimit(q, hop, depth), lookbackMs: hop.lookbackMs ?? q.lookbackMs };
    const edges: GraphEdge[] = [];
    let next = 0;
    let timedOut = false;
    const worker = async (): Promise<void> => {
      while (next < frontier.length) {
        if (performance.now() >= deadline) {
          timedOut = true;
          return;
        }
        const page = await neighbors(frontier[next++]!, query);
        for (const e of page.edges) edges.push(e);
      }
    };
    const work = Promise.all(Array.from({ length: Math.min(concurrency, frontier.length) }, worker));
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<"deadline">((resolve) => {
      timer = setTimeout(() => resolve("deadline"), Math.max(0, deadline - performance.now()));
    });
    const outcome = await Promise.race([work.then(() => "done" as const), expired]);
    clearTimeout(timer);
    if (outcome === "deadline" || timedOut) {
      timedOut = true;
      work.catch(() => undefined); // reads still in flight finish unobserved
    }
    const nodes: string[] = [];
    for (const e of edges) {
      if (!visited.has(e.other)) {
        visited.add(e.other);
        nodes.push(e.other);
      }
    }
    levels.push({ depth, edges: [...edges], nodes });
    if (timedOut) {
      partial = true;
      reason = "deadline";
      break;
    }
    frontier = nodes;
  }
  return reason === undefined ? { levels, partial, elapsedMs: performance.now() - started } : { levels, partial, reason, elapsedMs: performance.now() - started };
}
