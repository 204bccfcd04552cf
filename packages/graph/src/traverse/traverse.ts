import type { Schema } from "@rdg/model";
import { GraphError } from "../errors/graph-error.js";
import type { GraphEdge, GraphNode, NeighborsPage, NeighborsQuery, PropertyCondition } from "../graph-types.js";
import { matchesWhere } from "../read/property-filter.js";
import { resolveEdge } from "../read/resolve-edge.js";
import type { HopSpec, TraversalLevel, TraversalQuery, TraversalResult } from "./traversal-types.js";

/** Reads a node, for hops with `nodeWhere`. */
export type TraversalNodeReader = (type: string, id: string, signal: AbortSignal | undefined) => Promise<GraphNode | undefined>;

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
  if (q.maxEdges !== undefined && !(Number.isInteger(q.maxEdges) && q.maxEdges > 0)) throw new GraphError("INVALID_QUERY", `maxEdges ${q.maxEdges} must be a positive integer`);
}

/** The edges whose other end is a node of `type` matching `where` (one node read per edge). */
async function keepByNode(edges: readonly GraphEdge[], type: string, where: Readonly<Record<string, PropertyCondition>>, getNode: TraversalNodeReader, signal: AbortSignal | undefined): Promise<GraphEdge[]> {
  const nodes = await Promise.all(edges.map((e) => getNode(type, e.other, signal)));
  return edges.filter((_, i) => nodes[i] !== undefined && matchesWhere(nodes[i].props, where));
}

/** Rejects with the signal's reason when it aborts (never settles otherwise). */
function abortion(signal: AbortSignal | undefined): { promise: Promise<never>; dispose: () => void } {
  if (signal === undefined) return { promise: new Promise<never>(() => undefined), dispose: () => undefined };
  let dispose = (): void => undefined;
  const promise = new Promise<never>((_, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    dispose = () => signal.removeEventListener("abort", onAbort);
  });
  promise.catch(() => undefined);
  return { promise, dispose };
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
  getNode?: TraversalNodeReader,
): Promise<TraversalResult> {
  check(schema, q);
  q.signal?.throwIfAborted();
  const maxEdges = q.maxEdges ?? Number.POSITIVE_INFINITY;
  let total = 0;
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
    const query: NeighborsQuery = {
      edge: hop.edge, direction: hop.direction, limit: hopLimit(q, hop, depth), lookbackMs: hop.lookbackMs ?? q.lookbackMs,
      since: hop.since, until: hop.until, where: hop.where, signal: q.signal,
    };
    const resolved = resolveEdge(schema, hop.edge, hop.direction);
    const otherType = resolved.direction === "out" ? resolved.def.to : resolved.def.from;
    if (hop.nodeWhere !== undefined && getNode === undefined) throw new GraphError("INVALID_QUERY", `hop ${depth} nodeWhere needs a node reader; call GraphStore.traverse`);
    const edges: GraphEdge[] = [];
    let next = 0;
    let timedOut = false;
    let full = false;
    const worker = async (): Promise<void> => {
      while (next < frontier.length && !full) {
        if (performance.now() >= deadline) {
          timedOut = true;
          return;
        }
        const page = await neighbors(frontier[next++]!, query);
        const kept = hop.nodeWhere === undefined ? page.edges : await keepByNode(page.edges, otherType, hop.nodeWhere, getNode!, q.signal);
        for (const e of kept) {
          if (total >= maxEdges) {
            full = true;
            break;
          }
          edges.push(e);
          total++;
        }
      }
    };
    const work = Promise.all(Array.from({ length: Math.min(concurrency, frontier.length) }, worker));
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<"deadline">((resolve) => {
      timer = setTimeout(() => resolve("deadline"), Math.max(0, deadline - performance.now()));
    });
    const aborted = abortion(q.signal);
    const outcome = await Promise.race([work.then(() => "done" as const), expired, aborted.promise]).finally(() => {
      clearTimeout(timer);
      aborted.dispose();
    });
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
    if (full) {
      partial = true;
      reason = "limit";
      break;
    }
    frontier = nodes;
  }
  return reason === undefined ? { levels, partial, elapsedMs: performance.now() - started } : { levels, partial, reason, elapsedMs: performance.now() - started };
}
