import { pathToFileURL } from "node:url";
import { defineSchema, memberJourneySchema, type PropertyDef, type Schema, type SchemaDefinition } from "@rdg/model";
import { mapMemberEvent } from "../domain/member-journey-mapper.js";
import type { MemberEvent } from "../domain/member-events.js";
import type { EventMapper } from "../runtime/ingest-types.js";
import type { JobProcessor } from "./jobs-config.js";

/** Processors a configuration names without a module: the member-journey example's mapper and schema. */
export const BUILT_IN_PROCESSORS: Readonly<Record<string, JobProcessor>> = Object.freeze({
  "member-journey": Object.freeze({ name: "member-journey", map: mapMemberEvent as EventMapper<MemberEvent> as EventMapper<object>, schema: memberJourneySchema }),
});

/** True when a processor entry is a path to a module rather than a built-in name. */
export const isModulePath = (spec: string): boolean => /^\.{0,2}\//.test(spec) || /\.[cm]?js$/.test(spec);

/**
 * Imports the ES module at `path` (absolute) and checks that it exports `map(event)` and
 * `schema` (a schema, or the definition `defineSchema` takes), named or as its default export.
 * Throws an `Error` whose message says what the module lacks.
 */
export async function loadProcessorModule(path: string): Promise<JobProcessor> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`cannot load ${path} (${(error as Error).message})`);
  }
  const exports = typeof mod["map"] === "function" ? mod : typeof mod["default"] === "object" && mod["default"] !== null ? (mod["default"] as Record<string, unknown>) : mod;
  const map = exports["map"];
  if (typeof map !== "function") throw new Error(`${path} exports no function "map"; export map(event) returning the event's mutations`);
  const schema = exports["schema"];
  if (typeof schema !== "object" || schema === null) throw new Error(`${path} exports no "schema"; export the graph schema its mutations fit (defineSchema from @rdg/model, or its definition)`);
  return Object.freeze({ name: path, map: map as EventMapper<object>, schema: asSchema(schema, path) });
}

function asSchema(value: object, path: string): Schema {
  const s = value as Partial<Schema>;
  if (s.nodes instanceof Map && s.edges instanceof Map && typeof s.node === "function") return value as Schema;
  try {
    return defineSchema(value as SchemaDefinition);
  } catch (error) {
    throw new Error(`the schema ${path} exports is not valid (${(error as Error).message})`);
  }
}

/**
 * What decides whether two schemas store the same way: node and edge types with their
 * properties, ends and buckets. Jobs writing one store must agree on it.
 */
export function schemaFingerprint(schema: Schema): string {
  const props = (m: ReadonlyMap<string, PropertyDef>): unknown => [...m.values()].map((p) => [p.name, p.type, p.optional]).sort();
  const nodes = [...schema.nodes.values()].map((n) => [n.name, props(n.properties)]).sort();
  const edges = [...schema.edges.values()].map((e) => [e.name, e.from, e.to, e.inverse ?? "", e.bucketMs, e.lookbackMs ?? 0, props(e.properties)]).sort();
  return JSON.stringify({ nodes, edges });
}
