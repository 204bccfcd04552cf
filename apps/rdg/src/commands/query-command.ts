import { Option, type Command } from "commander";
import { CliError } from "../cli-error.js";
import { openEmbeddedGraph } from "../open-graph.js";
import { positiveInteger as int } from "../parse-options.js";

type Graph = ReturnType<typeof openEmbeddedGraph>["graph"];

const json = (value: unknown): void => console.log(JSON.stringify(value, null, 2));

async function withGraph(path: string, run: (graph: Graph) => Promise<unknown>): Promise<void> {
  const { kv, graph } = openEmbeddedGraph(path, { access: "read" });
  try {
    json(await run(graph));
  } finally {
    await kv.close();
  }
}

/** A node, or exit code 1 with a message: a missing node is an answer, not `undefined` on stdout. */
async function getNode(graph: Graph, type: string, id: string): Promise<unknown> {
  const node = await graph.getNode(type, id);
  if (node === undefined) throw new CliError(`no ${type} with id "${id}" in this graph`);
  return node;
}

/** `rdg query ...`: node, neighbors, count and traverse on an embedded graph. */
export function addQueryCommands(program: Command, defaultPath: string): void {
  const query = program.command("query").description("ask the embedded graph (LMDB) a question; prints JSON").option("--path <dir>", "graph directory", defaultPath);
  const path = (): string => query.opts<{ path: string }>().path;
  query
    .command("node <type> <id>")
    .description("a node by id (exit code 1 when there is none)")
    .action((type: string, id: string) => withGraph(path(), (g) => getNode(g, type, id)));
  query
    .command("neighbors <id>")
    .description("neighbours of a node over one edge type")
    .requiredOption("--edge <type>", "edge type or inverse name, e.g. watched or watchedBy")
    .option("--limit <n>", "most edges", int("limit"), 20)
    .addOption(new Option("--order <order>", "newest first, or storage order").choices(["latest", "any"]).default("latest"))
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
