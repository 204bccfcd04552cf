import { ModelError } from "../errors/schema-error.js";
import type { Properties, PropertyDef } from "./schema-types.js";

function fits(def: PropertyDef, value: unknown): boolean {
  switch (def.type) {
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "float":
      return typeof value === "number" && Number.isFinite(value);
    case "int":
    case "timestamp":
      return typeof value === "number" && Number.isSafeInteger(value);
  }
}

/**
 * Checks properties against their definitions. `partial` accepts missing required properties
 * (an upsert may touch only some of them). Throws a `ModelError` naming the field.
 */
export function validateProperties(owner: string, defs: ReadonlyMap<string, PropertyDef>, props: unknown, partial: boolean): Properties {
  if (props === undefined) props = {};
  if (typeof props !== "object" || props === null || Array.isArray(props)) {
    throw new ModelError("VALIDATION", `${owner}.props`, "must be an object");
  }
  const record = props as Record<string, unknown>;
  for (const [name, value] of Object.entries(record)) {
    const def = defs.get(name);
    if (def === undefined) {
      throw new ModelError("VALIDATION", `${owner}.props.${name}`, `not in the schema; known: ${[...defs.keys()].join(", ") || "(none)"}`);
    }
    if (!fits(def, value)) {
      throw new ModelError("VALIDATION", `${owner}.props.${name}`, `expected ${def.type}, got ${value === null ? "null" : typeof value} ${JSON.stringify(value)}`);
    }
  }
  if (!partial) {
    for (const def of defs.values()) {
      if (!def.optional && !(def.name in record)) throw new ModelError("VALIDATION", `${owner}.props.${def.name}`, "is required");
    }
  }
  return record as Properties;
}
