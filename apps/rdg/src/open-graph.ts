import { GraphStore, graphNamespaces } from "@rdg/graph";
import { LmdbKvStore } from "@rdg/kv-lmdb";
import { memberJourneySchema } from "@rdg/model";

/** The embedded default: the member-journey graph on LMDB at `path`. */
export function openEmbeddedGraph(path: string, options: { noSync?: boolean } = {}): { kv: LmdbKvStore; graph: GraphStore } {
  const kv = new LmdbKvStore({ path, namespaces: graphNamespaces(memberJourneySchema), noSync: options.noSync ?? false });
  return { kv, graph: new GraphStore({ kv, schema: memberJourneySchema }) };
}
