import { readStoredSchema } from "@rdg/graph";
import { openEmbeddedGraph } from "../open-graph.js";

/** `rdg stats`: node and edge counts per type, records and bytes per namespace, and the schema. */
export async function statsCommand(o: { path: string; json: boolean }): Promise<void> {
  const { kv, graph } = openEmbeddedGraph(o.path, { access: "read" });
  try {
    const stats = await graph.stats();
    const schema = await readStoredSchema(kv);
    if (o.json) {
      console.log(JSON.stringify({ ...stats, schema }, null, 2));
      return;
    }
    const n = (x: number): string => x.toLocaleString("en-US");
    console.log(`graph at ${o.path} (storage layout ${schema?.layout ?? "unknown"})`);
    console.log("\nnodes");
    for (const [type, count] of Object.entries(stats.nodes)) console.log(`  ${type.padEnd(16)} ${n(count).padStart(12)}`);
    console.log("\nedges (live)");
    for (const [type, count] of Object.entries(stats.edges)) {
      const stale = (stats.staleEntries[`${type}.out`] ?? 0) + (stats.staleEntries[`${type}.in`] ?? 0);
      console.log(`  ${type.padEnd(16)} ${n(count).padStart(12)}${stale > 0 ? `  (${n(stale)} stale adjacency entries)` : ""}`);
    }
    console.log("\nnamespaces");
    for (const s of stats.namespaces) {
      if (s.records === 0) continue;
      console.log(`  ${s.namespace.padEnd(30)} ${n(s.records).padStart(12)} records ${n(s.items).padStart(12)} items ${n(s.bytes).padStart(14)} bytes`);
    }
    const bytes = stats.namespaces.reduce((a, s) => a + s.bytes, 0);
    console.log(`\n  ${"total".padEnd(30)} ${n(stats.namespaces.reduce((a, s) => a + s.records, 0)).padStart(12)} records ${" ".repeat(19)} ${n(bytes).padStart(14)} bytes (keys and values)`);
  } finally {
    await kv.close();
  }
}
