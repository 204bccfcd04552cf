import { ModelError } from "../errors/schema-error.js";
import { checkId } from "../ids/ids.js";
import { validateProperties } from "../schema/validate-properties.js";
import type { Schema } from "../schema/schema-types.js";
import type { Mutation } from "./mutation-types.js";

function checkTime(owner: string, time: unknown): void {
  if (typeof time !== "number" || !Number.isSafeInteger(time) || time < 0) {
    throw new ModelError("VALIDATION", `${owner}.time`, `must be a non-negative integer of milliseconds, got ${JSON.stringify(time)}`);
  }
}

/**
 * Checks a mutation against the schema; throws a `ModelError` whose `field` names what is wrong
 * (`node profile.props.name`, `edge watched.to`, ...). Upserts are partial: required
 * properties may be missing, unknown or mistyped ones may not.
 */
export function validateMutation(schema: Schema, m: Mutation): Mutation {
  if (typeof m !== "object" || m === null) throw new ModelError("VALIDATION", "mutation", "must be an object");
  switch (m.op) {
    case "upsertNode":
    case "deleteNode": {
      const def = schema.node(m.type);
      const owner = `node ${def.name}`;
      checkId(`${owner}.id`, m.id);
      checkTime(owner, m.time);
      if (m.op === "upsertNode") validateProperties(owner, def.properties, m.props, true);
      return m;
    }
    case "upsertEdge":
    case "deleteEdge": {
      const def = schema.edge(m.type);
      const owner = `edge ${def.name}`;
      checkId(`${owner}.from`, m.from);
      checkId(`${owner}.to`, m.to);
      checkTime(owner, m.time);
      if (m.op === "upsertEdge") validateProperties(owner, def.properties, m.props, true);
      return m;
    }
    default:
      throw new ModelError("VALIDATION", "mutation.op", `unknown op ${JSON.stringify((m as { op: unknown }).op)}; use upsertNode, upsertEdge, deleteNode or deleteEdge`);
  }
}

/** Identity of what a mutation writes, for coalescing: same key, same node or edge, same kind. */
export function mutationKey(m: Mutation): string {
  return m.op === "upsertNode" || m.op === "deleteNode"
    ? `${m.op}\u0000${m.type}\u0000${m.id}`
    : `${m.op}\u0000${m.type}\u0000${m.from}\u0000${m.to}`;
}
