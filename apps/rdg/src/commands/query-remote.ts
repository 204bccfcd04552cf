import { resolveEdge, type EdgeCount, type GraphEdge, type GraphNode, type NeighborsPage, type TraversalResult } from "@rdg/graph";
import { memberJourneySchema, type Schema } from "@rdg/model";
import { CliError } from "../cli-error.js";
import { nodePath, ServerAnswerError, type ServerClient } from "../server-client.js";

/** The questions `rdg query` asks, whether of a local graph or of a running server. */
export interface QueryTarget {
  node(type: string, id: string): Promise<GraphNode>;
  neighbors(id: string, o: { edge: string; limit: number; order: "latest" | "any"; cursor?: string }): Promise<NeighborsPage>;
  count(id: string, o: { edge: string }): Promise<EdgeCount>;
  traverse(id: string, o: { hops: string[]; limit: number; deadline: number }): Promise<TraversalResult>;
}

interface EdgesAnswer {
  readonly edges: GraphEdge[];
  readonly next: string | null;
}
interface TraverseAnswer {
  readonly partial: boolean;
  readonly reason?: TraversalResult["reason"];
  readonly elapsedMs: number;
  readonly levels: { depth: number; nodes: string[]; edges: GraphEdge[] }[];
}

/**
 * The node type an edge read starts from. The server's paths name the node's type; `rdg query`
 * names only the edge (`--edge watchedBy`), so the type comes from the schema the local variant
 * reads with, the member-journey one.
 */
function startType(schema: Schema, edge: string): string {
  const { def, direction } = resolveEdge(schema, edge, undefined);
  return direction === "out" ? def.from : def.to;
}

/**
 * `rdg query --url`: the same four questions through the server's paths, answered in the shape
 * the local variant prints (a page is `{ edges, cursor? }`, a count `{ count, verified }`, a
 * traversal `{ levels: [{ depth, edges, nodes }], partial, reason?, elapsedMs }`).
 */
export function remoteQueryTarget(client: ServerClient, schema: Schema = memberJourneySchema): QueryTarget {
  const edgesPath = (id: string, edge: string): string => `${nodePath(startType(schema, edge), id)}/edges/${encodeURIComponent(edge)}`;
  return {
    async node(type, id) {
      try {
        return await client.get<GraphNode>(nodePath(type, id));
      } catch (error) {
        if (error instanceof ServerAnswerError && error.code === "NOT_FOUND") throw new CliError(`no ${type} with id "${id}" at ${client.url} (${error.status} ${error.code})`);
        throw error;
      }
    },
    async neighbors(id, o) {
      const q = new URLSearchParams({ limit: String(o.limit), order: o.order });
      if (o.cursor !== undefined) q.set("cursor", o.cursor);
      const page = await client.get<EdgesAnswer>(`${edgesPath(id, o.edge)}?${q}`);
      return page.next === null ? { edges: page.edges } : { edges: page.edges, cursor: page.next };
    },
    async count(id, o) {
      const c = await client.get<EdgeCount>(`${edgesPath(id, o.edge)}/count`);
      return { count: c.count, verified: c.verified };
    },
    async traverse(id, o) {
      const first = o.hops[0];
      if (first === undefined) throw new CliError("--hops names no edge type");
      const body = { start: { type: startType(schema, first), id }, steps: o.hops.map((edgeType) => ({ edgeType, limit: o.limit })), deadlineMs: o.deadline };
      const t = await client.post<TraverseAnswer>("/v1/traverse", body);
      const levels = t.levels.map((l) => ({ depth: l.depth, edges: l.edges, nodes: l.nodes }));
      return t.reason === undefined ? { levels, partial: t.partial, elapsedMs: t.elapsedMs } : { levels, partial: t.partial, reason: t.reason, elapsedMs: t.elapsedMs };
    },
  };
}
