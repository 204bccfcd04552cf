import { InvalidArgumentError, type Command } from "commander";
import pino from "pino";
import { JobsConfigError, MEMBER_JOURNEY_TOPICS, loadJobsConfig, mapMemberEvent, schemaFingerprint } from "@rdg/ingest";
import { memberJourneySchema, type Schema } from "@rdg/model";
import { LIMIT_FLAGS, loadTokensFile, startServer, tokensFromEnv, type EventProcessor, type ServerLimits, type TokenEntry } from "@rdg/server";
import { describeStore, openGraphStore, parseStoreConfig, storeKey, type StoreConfig } from "@rdg/stores";
import { refusal } from "../cli-error.js";
import { requireGraph } from "../graph-path.js";
import { positiveInteger } from "../parse-options.js";

/** What `rdg serve` takes from the command line. */
export interface ServeOptions extends Partial<ServerLimits> {
  readonly host: string;
  readonly port: number;
  readonly store: string;
  readonly path: string;
  readonly url?: string;
  readonly nodes?: string;
  readonly keyPrefix?: string;
  readonly contactPoints?: string;
  readonly keyspace?: string;
  readonly localDataCenter?: string;
  readonly tokens?: string;
  readonly config?: string;
  readonly cacheEntries?: number;
  readonly cacheBytes?: number;
  readonly cacheStalenessMs?: number;
  readonly logLevel: string;
}

const LIMIT_HELP: Readonly<Record<keyof ServerLimits, string>> = {
  maxBodyBytes: "largest request body, bytes (default 1048576)",
  maxBatchSize: "most nodes per /v1/nodes/batch and events per /v1/events (default 1000)",
  maxPageSize: "most edges per page (default 1000)",
  defaultPageSize: "edges per page when the request names no limit (default 50)",
  maxHops: "most traversal steps, 1 to 4 (default 4)",
  maxFanOut: "most edges read per node at a traversal step (default 1000)",
  defaultFanOut: "edges per node at a step that names no limit (default 300)",
  maxTraversalEdges: "most edges one traversal returns (default 10000)",
  traversalDeadlineMs: "longest traversal deadline, and the deadline when none is asked (default 1000)",
  requestTimeoutMs: "longest time a request may run before it is stopped with 503 (default 10000)",
};

/** Adds every limit's flag (`LIMIT_FLAGS` of @rdg/server) to the command. */
export function addLimitOptions(command: Command): Command {
  for (const [key, flag] of Object.entries(LIMIT_FLAGS) as [keyof ServerLimits, string][]) {
    command.option(`${flag} <n>`, LIMIT_HELP[key], positiveInteger(flag.slice(2)));
  }
  return command;
}

/** A commander parser for a non-negative integer (0 allowed: it turns the cache off). */
export const nonNegativeInteger = (name: string) => (value: string): number => {
  const n = Number(value.replaceAll("_", ""));
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`--${name} must be a non-negative integer, got "${value}"`);
  return n;
};

const list = (text: string | undefined): string[] | undefined => text?.split(",").map((s) => s.trim()).filter((s) => s !== "");

/** The store the flags name, checked by the one store parser (errors name the flag). */
function storeConfig(o: ServeOptions): StoreConfig {
  const prefix = o.keyPrefix === undefined ? {} : { keyPrefix: o.keyPrefix };
  const raw: Record<string, unknown> =
    o.store === "lmdb" ? { kind: "lmdb", path: o.path }
    : o.store === "redis" ? { kind: "redis", url: o.url, ...prefix }
    : o.store === "redis-cluster" ? { kind: "redis-cluster", nodes: list(o.nodes), ...prefix }
    : o.store === "cassandra" ? { kind: "cassandra", contactPoints: list(o.contactPoints), keyspace: o.keyspace, ...(o.localDataCenter === undefined ? {} : { localDataCenter: o.localDataCenter }) }
    : { kind: o.store };
  try {
    return parseStoreConfig(raw, "--store");
  } catch (error) {
    const flags: Record<string, string> = { url: "--url", nodes: "--nodes", keyPrefix: "--key-prefix", contactPoints: "--contact-points", keyspace: "--keyspace", path: "--path", kind: "--store" };
    const message = (error as Error).message.replace(/^\[stores\] --store\.(\w+): /, (_, f: string) => `${flags[f] ?? f}: `).replace(/^\[stores\] --store: /, "--store: ");
    throw refusal(message);
  }
}

/** Topics and processors: the member-journey topics, or the jobs of a configuration file. */
async function topicsOf(o: ServeOptions): Promise<{ topics: Record<string, EventProcessor>; schema: Schema }> {
  if (o.config === undefined) {
    return { topics: Object.fromEntries(MEMBER_JOURNEY_TOPICS.map((t) => [t, { map: mapMemberEvent as (e: unknown) => ReturnType<typeof mapMemberEvent> }])), schema: memberJourneySchema };
  }
  let config;
  try {
    config = await loadJobsConfig(o.config, { stores: { parse: parseStoreConfig, key: storeKey } });
  } catch (error) {
    if (error instanceof JobsConfigError) throw refusal(error.message.replace(/^\[ingest\] /, ""));
    throw error;
  }
  const schemas = new Set(config.jobs.map((j) => schemaFingerprint(j.processor.schema)));
  if (schemas.size > 1) throw refusal(`the jobs of ${o.config} map to different graph schemas; rdg serve serves one graph: give a configuration whose processors share one schema`);
  const topics: Record<string, EventProcessor> = {};
  for (const job of config.jobs) topics[job.topic] = { map: (e: unknown) => job.processor.map(e as object) };
  return { topics, schema: config.jobs[0]?.processor.schema ?? memberJourneySchema };
}

function tokensOf(o: ServeOptions): TokenEntry[] {
  try {
    return o.tokens === undefined ? tokensFromEnv() : loadTokensFile(o.tokens);
  } catch (error) {
    throw refusal((error as Error).message.replace(/^\[server\] tokens: /, `--tokens: `));
  }
}

/**
 * `rdg serve`: the query server on the store the flags name, until Ctrl-C or SIGTERM (then it
 * stops taking requests, answers those in flight, closes the store and exits 0). Without tokens
 * it binds loopback only and refuses any other --host (exit 2).
 */
export async function serveCommand(o: ServeOptions): Promise<void> {
  const store = storeConfig(o);
  const tokens = tokensOf(o);
  if (tokens.length === 0 && !["127.0.0.1", "localhost", "::1"].includes(o.host) && !/^127\./.test(o.host)) {
    throw refusal(`refusing --host ${o.host} without tokens: anyone who reaches it could read the graph; pass --tokens FILE (or set RDG_TOKENS="token:read,...") or bind 127.0.0.1`);
  }
  const { topics, schema } = await topicsOf(o);
  if (store.kind === "lmdb") requireGraph(store.path);
  const limits: Partial<ServerLimits> = Object.fromEntries(Object.keys(LIMIT_FLAGS).map((k) => [k, o[k as keyof ServerLimits]]).filter(([, v]) => v !== undefined));
  const logger = pino({ level: o.logLevel, base: { name: "rdg-serve" } }, pino.destination(2));
  const { kv, graph } = await openGraphStore(store, schema);
  let server;
  try {
    server = await startServer({
      graph, host: o.host, port: o.port, tokens, topics, limits, logger, store: describeStore(store),
      cache: { maxEntries: o.cacheEntries, maxBytes: o.cacheBytes, stalenessMs: o.cacheStalenessMs },
    });
  } catch (error) {
    await kv.close();
    throw (error as { code?: string }).code === "INVALID_ARGUMENT" ? refusal((error as Error).message) : error;
  }
  console.log(`rdg serve: listening on ${server.url} (${describeStore(store)}); docs at ${server.url}/docs, OpenAPI at ${server.url}/openapi.json`);
  console.log(tokens.length === 0 ? "rdg serve: no tokens: every path is open, to this machine only" : `rdg serve: ${tokens.length} token${tokens.length === 1 ? "" : "s"}; reads need the read scope, /v1/events the write scope`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  await kv.close();
  console.log("rdg serve: stopped");
}
