import { ModelError } from "../errors/model-error.js";
import { checkText } from "../ids/text.js";
import { VALIDATION_DEFAULTS } from "../mutations/validation-options.js";
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

const requiredCounts = new WeakMap<ReadonlyMap<string, PropertyDef>, number>();

function requiredCount(defs: ReadonlyMap<string, PropertyDef>): number {
  let n = requiredCounts.get(defs);
  if (n === undefined) {
    n = 0;
    for (const def of defs.values()) if (!def.optional) n++;
    requiredCounts.set(defs, n);
  }
  return n;
}

/** A short, printable view of a value for a message: a 5 MB string must not become a 5 MB message. */
function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= 60 ? text : `${text.slice(0, 40)}... (${text.length} characters)`;
}

/**
 * Checks properties against their definitions. `partial` accepts missing required properties
 * (an upsert that touches only some of them). String values must be valid text (no lone
 * UTF-16 surrogates) of at most `maxStringBytes` UTF-8 bytes. Throws a `ModelError` naming
 * the field.
 */
export function validateProperties(
  owner: string,
  defs: ReadonlyMap<string, PropertyDef>,
  props: unknown,
  partial: boolean,
  limits: { readonly maxStringBytes: number } = VALIDATION_DEFAULTS,
): Properties {
  if (props === undefined) props = {};
  if (typeof props !== "object" || props === null || Array.isArray(props)) {
    throw new ModelError("VALIDATION", `${owner}.props`, "must be an object");
  }
  const record = props as Record<string, unknown>;
  // Counting the required properties seen spares a second pass on the hot path.
  let requiredSeen = 0;
  for (const name of Object.keys(record)) {
    const def = defs.get(name);
    const value = record[name];
    if (def === undefined) {
      throw new ModelError("VALIDATION", `${owner}.props.${name}`, `not in the schema; known: ${[...defs.keys()].join(", ") || "(none)"}`);
    }
    if (!fits(def, value)) {
      throw new ModelError("VALIDATION", `${owner}.props.${name}`, `expected ${def.type}, got ${value === null ? "null" : typeof value} ${preview(value)}`);
    }
    if (def.type === "string") checkText("VALIDATION", `${owner}.props.${name}`, value as string, limits.maxStringBytes, "maxStringBytes");
    if (!def.optional) requiredSeen++;
  }
  if (!partial && requiredSeen < requiredCount(defs)) {
    for (const def of defs.values()) {
      if (!def.optional && !Object.hasOwn(record, def.name)) {
        throw new ModelError("VALIDATION", `${owner}.props.${def.name}`, "is required; give it, or mark the upsert partial: true to update only the properties it names");
      }
    }
  }
  return record as Properties;
}
