import { existsSync } from "node:fs";
import type { Command } from "commander";
import { openEmbeddedGraph } from "../open-graph.js";
import { positiveInteger as int } from "../parse-options.js";

const json = (value: unknown): void => console.log(JSON.stringify(value, null, 2));

function withGraph(path: string, run: (graph: ReturnType<typeof openEmbeddedGraph>["graph"]) => Promise<unknown>): Promise<void> {
  if (!existsSync(path)) throw new Error(`no graph at ${path}; run 'rdg demo' first or pass --path`);
  const { kv, graph } = openEmbeddedGraph(path);
  return run(graph).then(json).finally(() => kv.close());
}

/** `rdg query ...`: node, neighbors, count and traverse on an embedded graph. */
export function addQueryCommands(program: Command, defaultPath: string): void {
  const query = program.command("query").description("ask the embedded graph (LMDB) a question; prints JSON").option("--path <dir>", "LMDB directory", defaultPath);
  const path = (): string => query.opts<{ path: string }>().path;
  query.command("node <type> <id>").description("a node by id").action((type: string, id: string) => withGraph(path(), (g) => g.getNode(type, id)));
  query
    .command("neighbors <id>")
    .description("neighbours of a node over one edge type")
    .requiredOption("--edge <type>", "edge type or inverse name, e.g. watched or watchedBy")
    .option("--limit <n>", "most edges", int("limit"), 20)
    .option("--order <order>", "latest or any", "latest")
    .option("--cursor <cursor>", "cursor of the previous page")
    .action((id: string, o: { edge: string; limit: number; order: "latest" | "any"; cursor?: string }) => withGraph(path(), (g) => g.neighbors(id, o)));
  query
    .command("count <id>")
    .description("edges of a node over one edge type")
    .requiredOption("--edge <type>", "edge type or inverse name")
    .action((id: string, o: { edge: string }) => withGraph(path(), (g) => g.countEdges(id, o)));
  query
    .command("traverse <id>")
    .description("breadth-first traversal, 1 to 4 hops")
    .requiredOption("--hops <edges>", "comma-separated edge types, e.g. watched,watchedBy")
    .option("--limit <n>", "edges per node per hop", int("limit"), 300)
    .option("--deadline <ms>", "time budget", int("deadline"), 1000)
    .action((id: string, o: { hops: string; limit: number; deadline: number }) =>
      withGraph(path(), (g) => g.traverse({ start: [id], hops: o.hops.split(",").map((edge) => ({ edge: edge.trim() })), limits: { default: o.limit }, deadlineMs: o.deadline })));
}
