import { isAbsolute, resolve } from "node:path";
import type { CassandraConsistency } from "@rdg/kv-cassandra";
import { STORE_KINDS, type StoreConfig } from "./store-config.js";
import { configError } from "./store-error.js";

/** Options of `parseStoreConfig`. */
export interface ParseStoreConfigOptions {
  /** Directory a relative LMDB path is resolved against (the configuration file's). @default process.cwd() */
  readonly baseDir?: string;
}

const CONSISTENCIES: readonly CassandraConsistency[] = ["any", "one", "two", "three", "quorum", "all", "localQuorum", "eachQuorum", "localOne"];
const HOST_PORT = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/;
const HOST_OPT_PORT = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(?::(\d{1,5}))?$/;
const KEYSPACE = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;

const FIELDS: Readonly<Record<StoreConfig["kind"], readonly string[]>> = {
  lmdb: ["kind", "path", "noSync"],
  redis: ["kind", "url", "keyPrefix"],
  "redis-cluster": ["kind", "nodes", "keyPrefix"],
  cassandra: ["kind", "contactPoints", "keyspace", "localDataCenter", "consistency", "replicationFactor"],
};

/** What a value is, for messages: `"abc"`, `3`, `an array`, `null`. */
export function show(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  if (value === undefined) return "nothing";
  return JSON.stringify(value) ?? String(value);
}

/**
 * Checks an unknown value (parsed JSON, say) as a `StoreConfig` and returns it, frozen, with a
 * relative LMDB path resolved against `baseDir`. Throws a `StoreError` (`INVALID_ARGUMENT`)
 * whose `field` is `where` plus the field at fault, e.g.
 * `[stores] jobs[2].store.keyspace: must be a Cassandra name ..., got "my-graph"`. Unknown
 * fields are refused, so a misspelt option is never silently ignored.
 */
export function parseStoreConfig(value: unknown, where: string, options: ParseStoreConfigOptions = {}): StoreConfig {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw configError(where, `must be an object with "kind" (${STORE_KINDS.join(", ")}), got ${show(value)}`);
  }
  const o = value as Record<string, unknown>;
  const kind = o["kind"];
  if (typeof kind !== "string" || !(STORE_KINDS as readonly string[]).includes(kind)) {
    throw configError(`${where}.kind`, `must be one of ${STORE_KINDS.map((k) => `"${k}"`).join(", ")}, got ${show(kind)}`);
  }
  const k = kind as StoreConfig["kind"];
  for (const key of Object.keys(o)) {
    if (!FIELDS[k].includes(key)) throw configError(`${where}.${key}`, `is not a field of a ${k} store; its fields are ${FIELDS[k].join(", ")}`);
  }
  const at = (field: string): string => `${where}.${field}`;
  switch (k) {
    case "lmdb": {
      const path = text(o["path"], at("path"), "the directory of the graph, e.g. \".data/graph\"");
      return Object.freeze({ kind: k, path: isAbsolute(path) ? path : resolve(options.baseDir ?? process.cwd(), path), ...optionalBoolean(o, "noSync", at("noSync")) });
    }
    case "redis": {
      const url = text(o["url"], at("url"), "a Redis URL, e.g. \"redis://127.0.0.1:16379\"");
      if (!/^rediss?:\/\/[^\s/]+/.test(url)) throw configError(at("url"), `must be a Redis URL, redis://host:port (or rediss:// for TLS), got ${show(url)}`);
      return Object.freeze({ kind: k, url, ...optionalPrefix(o, at("keyPrefix")) });
    }
    case "redis-cluster":
      return Object.freeze({ kind: k, nodes: hosts(o["nodes"], at("nodes"), HOST_PORT, "host:port", "[\"127.0.0.1:17001\"]"), ...optionalPrefix(o, at("keyPrefix")) });
    case "cassandra": {
      const contactPoints = hosts(o["contactPoints"], at("contactPoints"), HOST_OPT_PORT, "host or host:port", "[\"127.0.0.1:19042\"]");
      const keyspace = text(o["keyspace"], at("keyspace"), "the keyspace of the graph's tables, e.g. \"rdg\"");
      if (!KEYSPACE.test(keyspace)) throw configError(at("keyspace"), `must be a Cassandra name (a letter, then letters, digits or _, 48 at most), got ${show(keyspace)}`);
      const out: Record<string, unknown> = { kind: k, contactPoints, keyspace };
      if (o["localDataCenter"] !== undefined) out["localDataCenter"] = text(o["localDataCenter"], at("localDataCenter"), "the local data center's name, e.g. \"datacenter1\"");
      if (o["consistency"] !== undefined) {
        const c = o["consistency"];
        if (typeof c !== "string" || !(CONSISTENCIES as readonly string[]).includes(c)) throw configError(at("consistency"), `must be one of ${CONSISTENCIES.join(", ")}, got ${show(c)}`);
        out["consistency"] = c;
      }
      if (o["replicationFactor"] !== undefined) {
        const r = o["replicationFactor"];
        if (typeof r !== "number" || !Number.isInteger(r) || r < 1) throw configError(at("replicationFactor"), `must be a positive integer, got ${show(r)}`);
        out["replicationFactor"] = r;
      }
      return Object.freeze(out) as unknown as StoreConfig;
    }
  }
}

function text(value: unknown, where: string, what: string): string {
  if (typeof value !== "string" || value.trim() === "") throw configError(where, `${value === undefined ? "is missing" : `must be a non-empty string, got ${show(value)}`}; give ${what}`);
  return value;
}

function optionalBoolean(o: Record<string, unknown>, key: string, where: string): Record<string, boolean> {
  const v = o[key];
  if (v === undefined) return {};
  if (typeof v !== "boolean") throw configError(where, `must be true or false, got ${show(v)}`);
  return { [key]: v };
}

function optionalPrefix(o: Record<string, unknown>, where: string): { keyPrefix?: string } {
  const v = o["keyPrefix"];
  if (v === undefined) return {};
  if (typeof v !== "string" || v === "") throw configError(where, `must be a non-empty string, e.g. "rdg:", got ${show(v)}`);
  return { keyPrefix: v };
}

function hosts(value: unknown, where: string, pattern: RegExp, form: string, example: string): readonly string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw configError(where, `${value === undefined ? "is missing" : `must be a non-empty array, got ${show(value)}`}; give ${form} of each, e.g. ${example}`);
  }
  value.forEach((h: unknown, i) => {
    const m = typeof h === "string" ? pattern.exec(h) : null;
    const port = m?.[1] === undefined ? 1 : Number(m[1]);
    if (m === null || port < 1 || port > 65_535) throw configError(`${where}[${i}]`, `must be ${form}, e.g. ${example.slice(2, -2)}, got ${show(h)}`);
  });
  return Object.freeze([...(value as string[])]);
}
