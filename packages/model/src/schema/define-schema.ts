import { ModelError } from "../errors/model-error.js";
import type {
  EdgeTypeDef,
  NodeTypeDef,
  PropertiesSpec,
  PropertyDef,
  PropertyType,
  Schema,
  SchemaDefinition,
} from "./schema-types.js";

const TYPES: ReadonlySet<PropertyType> = new Set(["string", "int", "float", "boolean", "timestamp"]);
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const DAY = 86_400_000;

function checkName(kind: string, name: string): void {
  if (!NAME.test(name)) throw new ModelError("INVALID_SCHEMA", `${kind} ${name}`, "names are 1-64 letters, digits or _, starting with a letter");
}

function properties(owner: string, spec: PropertiesSpec | undefined): ReadonlyMap<string, PropertyDef> {
  const out = new Map<string, PropertyDef>();
  for (const [name, p] of Object.entries(spec ?? {})) {
    checkName(`${owner}.properties`, name);
    const type = typeof p === "string" ? p : p?.type;
    if (!TYPES.has(type as PropertyType)) {
      throw new ModelError("INVALID_SCHEMA", `${owner}.properties.${name}`, `unknown type ${JSON.stringify(type)}; use one of ${[...TYPES].join(", ")}`);
    }
    out.set(name, Object.freeze({ name, type: type as PropertyType, optional: typeof p === "object" && p.optional === true }));
  }
  return out;
}

/**
 * Checks and freezes a schema. Edge ends must name node types; inverse names must be unique
 * among edge types and inverses; bucket widths must be positive.
 */
export function defineSchema(definition: SchemaDefinition): Schema {
  const nodes = new Map<string, NodeTypeDef>();
  for (const [name, spec] of Object.entries(definition.nodes ?? {})) {
    checkName("node", name);
    nodes.set(name, Object.freeze({ name, properties: properties(`node ${name}`, spec.properties) }));
  }
  const edges = new Map<string, EdgeTypeDef>();
  const taken = new Set<string>();
  for (const [name, spec] of Object.entries(definition.edges ?? {})) {
    checkName("edge", name);
    for (const end of ["from", "to"] as const) {
      if (!nodes.has(spec[end])) throw new ModelError("INVALID_SCHEMA", `edge ${name}.${end}`, `unknown node type ${JSON.stringify(spec[end])}`);
    }
    if (spec.inverse !== undefined) checkName(`edge ${name}.inverse`, spec.inverse);
    for (const label of [name, spec.inverse]) {
      if (label === undefined) continue;
      if (taken.has(label)) throw new ModelError("INVALID_SCHEMA", `edge ${name}`, `name ${label} is used twice`);
      taken.add(label);
    }
    const bucketMs = spec.bucketMs ?? DAY;
    if (!Number.isInteger(bucketMs) || bucketMs < 1000) throw new ModelError("INVALID_SCHEMA", `edge ${name}.bucketMs`, "must be an integer of at least 1000 ms");
    if (spec.lookbackMs !== undefined && !(spec.lookbackMs > 0)) throw new ModelError("INVALID_SCHEMA", `edge ${name}.lookbackMs`, "must be positive");
    edges.set(name, Object.freeze({
      name,
      from: spec.from,
      to: spec.to,
      inverse: spec.inverse,
      properties: properties(`edge ${name}`, spec.properties),
      bucketMs,
      lookbackMs: spec.lookbackMs,
    }));
  }
  const schema: Schema = {
    nodes,
    edges,
    node(type: string): NodeTypeDef {
      const def = nodes.get(type);
      if (def === undefined) throw new ModelError("VALIDATION", "type", `unknown node type ${JSON.stringify(type)}; known: ${[...nodes.keys()].join(", ")}`);
      return def;
    },
    edge(type: string): EdgeTypeDef {
      const def = edges.get(type);
      if (def === undefined) throw new ModelError("VALIDATION", "type", `unknown edge type ${JSON.stringify(type)}; known: ${[...edges.keys()].join(", ")}`);
      return def;
    },
  };
  return Object.freeze(schema);
}
