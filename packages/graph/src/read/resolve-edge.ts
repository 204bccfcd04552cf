import type { Direction, EdgeTypeDef, Schema } from "@rdg/model";
import { GraphError } from "../errors/graph-error.js";

/** An edge type and the direction to read it in. */
export interface ResolvedEdge {
  readonly def: EdgeTypeDef;
  readonly direction: Direction;
}

/** Resolves an edge type or inverse name (`watchedBy` is `watched` read `in`). */
export function resolveEdge(schema: Schema, name: string, direction: Direction | undefined): ResolvedEdge {
  if (direction !== undefined && direction !== "out" && direction !== "in") {
    throw new GraphError("INVALID_QUERY", `direction ${JSON.stringify(direction)} must be "out" or "in"`);
  }
  const def = schema.edges.get(name);
  if (def !== undefined) return { def, direction: direction ?? "out" };
  for (const candidate of schema.edges.values()) {
    if (candidate.inverse === name) return { def: candidate, direction: direction === "in" ? "out" : "in" };
  }
  const names = [...schema.edges.values()].flatMap((e) => (e.inverse === undefined ? [e.name] : [e.name, e.inverse]));
  throw new GraphError("INVALID_QUERY", `unknown edge ${JSON.stringify(name)}; known: ${names.join(", ")}`);
}
