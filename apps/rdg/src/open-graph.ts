import { GraphStore, graphNamespaces } from "@rdg/graph";
import { LmdbKvStore } from "@rdg/kv-lmdb";
import { memberJourneySchema } from "@rdg/model";
import { prepareFreshGraph, prepareGraphToWrite, requireGraph } from "./graph-path.js";

/**
 * How a command uses its graph path (see graph-path.ts for the rule): `read` needs an RDG graph
 * there, `write` also accepts a new or empty directory, `fresh` empties an RDG graph first.
 */
export type GraphAccess = "read" | "write" | "fresh";

/** The embedded default: the member-journey graph on LMDB at `path`, after the path check. */
export function openEmbeddedGraph(path: string, options: { access: GraphAccess; noSync?: boolean }): { kv: LmdbKvStore; graph: GraphStore } {
  if (options.access === "read") requireGraph(path);
  else if (options.access === "write") prepareGraphToWrite(path);
  else prepareFreshGraph(path);
  const kv = new LmdbKvStore({ path, namespaces: graphNamespaces(memberJourneySchema), noSync: options.noSync ?? false });
  return { kv, graph: new GraphStore({ kv, schema: memberJourneySchema }) };
}
