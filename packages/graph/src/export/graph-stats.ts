import type { KvStore } from "@rdg/kv";
import { adjacencyNamespace, bucketIndexNamespace, edgeNamespace, nodeNamespace, type Schema } from "@rdg/model";
import { edgeStateOf } from "../read/edge-state.js";

/** Records, items and bytes (keys and values) of one namespace. */
export interface NamespaceStats {
  readonly namespace: string;
  readonly records: number;
  readonly items: number;
  readonly bytes: number;
}

/** Counts of a graph, from a full scan. */
export interface GraphStats {
  readonly nodes: Record<string, number>;
  /** Live edges per type. */
  readonly edges: Record<string, number>;
  /** Adjacency entries per edge type and direction that no longer stand for their edge (left by concurrent writers). */
  readonly staleEntries: Record<string, number>;
  readonly namespaces: NamespaceStats[];
}

/** Scans every namespace of the graph: node and live edge counts per type, records, items and bytes. */
export async function graphStats(kv: KvStore, schema: Schema): Promise<GraphStats> {
  const namespaces: NamespaceStats[] = [];
  const scanNs = async (ns: string, onRecord?: (items: Parameters<typeof edgeStateOf>[0]) => void): Promise<NamespaceStats> => {
    let records = 0;
    let items = 0;
    let bytes = 0;
    for await (const r of kv.scan(ns)) {
      records++;
      items += r.items.length;
      for (const item of r.items) bytes += item.key.length + item.value.length;
      onRecord?.(r.items);
    }
    const stats = { namespace: ns, records, items, bytes };
    namespaces.push(stats);
    return stats;
  };
  const nodes: Record<string, number> = {};
  for (const type of schema.nodes.keys()) nodes[type] = (await scanNs(nodeNamespace(type))).records;
  const edges: Record<string, number> = {};
  const staleEntries: Record<string, number> = {};
  for (const type of schema.edges.keys()) {
    let live = 0;
    await scanNs(edgeNamespace(type), (items) => {
      if (edgeStateOf(items, false).alive !== undefined) live++;
    });
    edges[type] = live;
    for (const dir of ["out", "in"] as const) {
      const adjacency = await scanNs(adjacencyNamespace(type, dir));
      staleEntries[`${type}.${dir}`] = adjacency.items - live;
      await scanNs(bucketIndexNamespace(type, dir));
    }
  }
  return { nodes, edges, staleEntries, namespaces };
}
