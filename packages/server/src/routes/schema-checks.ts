import { resolveEdge, type ResolvedEdge } from "@rdg/graph";
import { checkId, type Direction, type Schema } from "@rdg/model";
import { ServerError } from "../errors/server-error.js";

/** Refuses a node type the schema does not have, listing those it has. */
export function checkNodeType(schema: Schema, type: string, field: string): void {
  if (!schema.nodes.has(type)) {
    throw new ServerError("UNKNOWN_TYPE", `no node type ${JSON.stringify(type)}; the node types are ${[...schema.nodes.keys()].join(", ")}`, { field });
  }
}

/** A node reference checked: its type exists, its id is a valid id (`INVALID_ID` otherwise). */
export function checkNodeRef(schema: Schema, type: string, id: string, field: string): void {
  checkNodeType(schema, type, `${field}.type`);
  checkId(`${field}.id`, id);
}

/** An edge type read from a node of `nodeType`: the edge, its direction, and the type at the other end. */
export interface EdgeRead {
  readonly edge: ResolvedEdge;
  readonly otherType: string;
}

/**
 * Resolves an edge type (or inverse name) read in `direction` from a node of `nodeType`;
 * refuses an unknown edge type (`UNKNOWN_TYPE`) and an edge that does not start at that node
 * type in that direction (`INVALID_REQUEST`, saying which direction would).
 */
export function resolveEdgeRead(schema: Schema, nodeType: string, edgeType: string, direction: Direction | undefined, field: string): EdgeRead {
  const known = [...schema.edges.values()].flatMap((e) => (e.inverse === undefined ? [e.name] : [e.name, e.inverse]));
  if (!known.includes(edgeType)) {
    throw new ServerError("UNKNOWN_TYPE", `no edge type ${JSON.stringify(edgeType)}; the edge types are ${known.join(", ")}`, { field });
  }
  const edge = resolveEdge(schema, edgeType, direction);
  const [start, other] = edge.direction === "out" ? [edge.def.from, edge.def.to] : [edge.def.to, edge.def.from];
  if (start !== nodeType) {
    const hint = other === nodeType ? `; read it with direction=${direction === "in" ? "out" : "in"}` : `; a ${nodeType} has no ${edgeType} edges`;
    throw new ServerError("INVALID_REQUEST", `${edgeType} read ${edge.direction === "out" ? "out" : "in"} starts at a ${start}, not a ${nodeType}${hint}`, { field });
  }
  return { edge, otherType: other };
}
