import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { CliError, refusal } from "./cli-error.js";

/**
 * The rule for every path the `rdg` command opens as a graph: never delete, overwrite or lock
 * what RDG did not create. A graph directory RDG created holds this marker beside LMDB's files.
 */
export const GRAPH_MARKER = "rdg-graph.json";

/** The files RDG creates in a graph directory: the only ones it ever removes. */
export const GRAPH_FILES: readonly string[] = Object.freeze(["data.mdb", "lock.mdb", GRAPH_MARKER]);

const FORMAT = "rdg-graph";
const VERSION = 1;

/** The content of `rdg-graph.json`. */
export interface GraphMarker {
  readonly format: typeof FORMAT;
  readonly version: number;
  readonly createdAt: string;
  /** Set in a copy made by `rdg backup`: the graph it was copied from. */
  readonly backupOf?: string;
}

/** What a path holds, as far as RDG is concerned. */
export type GraphPathState =
  | { readonly kind: "absent" }
  | { readonly kind: "empty" }
  | { readonly kind: "graph"; readonly marker: GraphMarker }
  | { readonly kind: "foreign"; readonly reason: string };

const NEW_OR_RDG = "pass --path a new or empty directory (rdg creates it), or a graph directory rdg created";
const RDG_ONLY = "pass --path a graph directory rdg created (with 'rdg demo' or 'rdg ingest')";

/** Looks at a path without changing anything. */
export function inspectGraphPath(path: string): GraphPathState {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return absent(path);
  if (!stat.isDirectory()) return { kind: "foreign", reason: `${path} is ${stat.isFile() ? "a file" : "not a directory"}, not a graph directory` };
  const entries = readdirSync(path);
  if (entries.length === 0) return { kind: "empty" };
  if (!entries.includes(GRAPH_MARKER)) {
    const lmdbOnly = entries.every((e) => GRAPH_FILES.includes(e));
    // Graphs from before the marker are storage layout 1, which this rdg cannot read anyway.
    const hint = lmdbOnly ? "; if it is a graph written by an older rdg (storage layout 1), this rdg cannot read it: ingest its events into a new --path, and remove this one yourself" : "";
    return { kind: "foreign", reason: `${path} is not empty and holds no ${GRAPH_MARKER}, so rdg did not create it; rdg never deletes, overwrites or locks what it did not create${hint}` };
  }
  return readMarker(path);
}

function absent(path: string): GraphPathState {
  // mkdir would fail inside a file; say so before anything is created.
  for (let at = dirname(resolve(path)); ; at = dirname(at)) {
    const stat = statSync(at, { throwIfNoEntry: false });
    if (stat !== undefined) return stat.isDirectory() ? { kind: "absent" } : { kind: "foreign", reason: `${path} is inside ${at}, which is a file` };
    if (dirname(at) === at) return { kind: "absent" };
  }
}

function readMarker(path: string): GraphPathState {
  const file = join(path, GRAPH_MARKER);
  let marker: Partial<GraphMarker>;
  try {
    marker = JSON.parse(readFileSync(file, "utf8")) as Partial<GraphMarker>;
  } catch (error) {
    return { kind: "foreign", reason: `${file} is not an rdg graph marker (${error instanceof Error ? error.message : String(error)})` };
  }
  if (marker.format !== FORMAT || typeof marker.version !== "number") return { kind: "foreign", reason: `${file} is not an rdg graph marker (want "format": "${FORMAT}")` };
  if (marker.version > VERSION) throw refusal(`${path} was written by a newer rdg (graph directory version ${marker.version}, this rdg knows ${VERSION}); use that rdg`);
  return { kind: "graph", marker: marker as GraphMarker };
}

/** Refuses a path that holds something RDG did not create: exit code 2, nothing touched. */
function refuseForeign(state: GraphPathState, hint = NEW_OR_RDG): void {
  if (state.kind === "foreign") throw refusal(`${state.reason}: ${hint}`);
}

/** Writes the marker into a directory RDG just created or found empty. */
export function writeGraphMarker(path: string, extra: { backupOf?: string } = {}): void {
  const marker: GraphMarker = { format: FORMAT, version: VERSION, createdAt: new Date().toISOString(), ...extra };
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, GRAPH_MARKER), `${JSON.stringify(marker, null, 2)}\n`, { flag: "wx" });
}

/** For commands that write (ingest, demo --keep): a new graph, or the RDG graph already there. */
export function prepareGraphToWrite(path: string): void {
  const state = inspectGraphPath(path);
  refuseForeign(state);
  // The marker goes in before LMDB creates its files, so a crash leaves a directory rdg may clean.
  if (state.kind !== "graph") writeGraphMarker(path);
}

/** For `rdg demo` without --keep: an RDG graph is emptied (only its files), then started anew. */
export function prepareFreshGraph(path: string): string[] {
  const state = inspectGraphPath(path);
  refuseForeign(state);
  const removed = state.kind === "graph" ? removeGraphFiles(path) : [];
  writeGraphMarker(path);
  return removed;
}

/** For commands that read (query, backup): the RDG graph at `path`, which must exist. */
export function requireGraph(path: string): GraphMarker {
  const state = inspectGraphPath(path);
  refuseForeign(state, RDG_ONLY);
  if (state.kind !== "graph") throw new CliError(`no graph at ${path}; run 'rdg demo' first (or 'rdg ingest'), or pass --path`);
  return state.marker;
}

/** The RDG files present in a graph directory. */
export function graphFilesIn(path: string): string[] {
  return GRAPH_FILES.map((f) => join(path, f)).filter((f) => statSync(f, { throwIfNoEntry: false }) !== undefined);
}

/** Removes RDG's files from a graph directory (the marker last), and nothing else. */
export function removeGraphFiles(path: string): string[] {
  const files = graphFilesIn(path);
  for (const f of files) rmSync(f, { force: true });
  return files;
}

/** For `rdg reset`: what is there, refusing what RDG did not create. */
export function inspectForReset(path: string): GraphPathState {
  const state = inspectGraphPath(path);
  refuseForeign(state, "rdg reset removes only a graph rdg created: pass --path a graph directory rdg created");
  return state;
}
