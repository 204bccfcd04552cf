import { ModelError } from "../errors/model-error.js";
import { checkId } from "../ids/ids.js";
import { validateProperties } from "../schema/validate-properties.js";
import type { EdgeTypeDef, Schema } from "../schema/schema-types.js";
import { checkEventTime } from "./check-event-time.js";
import type { Mutation, UpsertEdge, UpsertNode } from "./mutation-types.js";
import { resolveValidationOptions, type ResolvedValidationOptions, type ValidationOptions } from "./validation-options.js";

function checkTimes(owner: string, m: Mutation, o: ResolvedValidationOptions): void {
  checkEventTime(`${owner}.time`, m.time, o);
  if (m.op !== "upsertNode" && m.op !== "upsertEdge") return;
  if (m.propTimes === undefined) return;
  if (typeof m.propTimes !== "object" || m.propTimes === null) throw new ModelError("VALIDATION", `${owner}.propTimes`, "must be an object of property name -> time");
  for (const [p, t] of Object.entries(m.propTimes)) checkEventTime(`${owner}.propTimes.${p}`, t, o);
}

function checkUpsert(owner: string, m: UpsertNode | UpsertEdge, properties: EdgeTypeDef["properties"], o: ResolvedValidationOptions): void {
  if (m.partial !== undefined && typeof m.partial !== "boolean") {
    throw new ModelError("VALIDATION", `${owner}.partial`, `must be true, false or absent, got ${JSON.stringify(m.partial)}`);
  }
  validateProperties(owner, properties, m.props, m.partial === true, o);
}

function checkEnds(owner: string, def: EdgeTypeDef, m: UpsertEdge): void {
  for (const [field, want] of [["fromType", def.from], ["toType", def.to]] as const) {
    const given = m[field];
    if (given !== undefined && given !== want) {
      throw new ModelError("VALIDATION", `${owner}.${field}`, `is ${JSON.stringify(given)}, but ${def.name} edges go from ${def.from} to ${def.to}; give ${JSON.stringify(want)} or omit ${field}`);
    }
  }
}

/**
 * Checks a mutation against the schema and `options`; throws a `ModelError` whose `field`
 * names what is wrong (`node profile.props.name`, `edge watched.to`, `edge watched.time`, ...).
 *
 * - Upserts must carry every required property of their type unless marked `partial: true`;
 *   unknown or mistyped properties are refused either way.
 * - String values must be valid text of at most `maxStringBytes` UTF-8 bytes.
 * - Event times (`time`, `propTimes`) must lie in `[minTime, now() + maxAheadMs]`; a time
 *   that looks like seconds, microseconds or nanoseconds is named as such.
 * - An upsertEdge's `fromType` / `toType`, when given, must be the edge type's ends.
 */
export function validateMutation(schema: Schema, m: Mutation, options?: ValidationOptions): Mutation {
  if (typeof m !== "object" || m === null) throw new ModelError("VALIDATION", "mutation", "must be an object");
  const o = resolveValidationOptions(options);
  switch (m.op) {
    case "upsertNode":
    case "deleteNode": {
      const def = schema.node(m.type);
      const owner = `node ${def.name}`;
      checkId(`${owner}.id`, m.id);
      checkTimes(owner, m, o);
      if (m.op === "upsertNode") checkUpsert(owner, m, def.properties, o);
      return m;
    }
    case "upsertEdge":
    case "deleteEdge": {
      const def = schema.edge(m.type);
      const owner = `edge ${def.name}`;
      checkId(`${owner}.from`, m.from);
      checkId(`${owner}.to`, m.to);
      checkTimes(owner, m, o);
      if (m.op === "upsertEdge") {
        checkEnds(owner, def, m);
        checkUpsert(owner, m, def.properties, o);
      }
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
