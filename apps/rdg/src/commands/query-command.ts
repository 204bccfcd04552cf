import { Option, type Command } from "commander";
import type { GraphNode } from "@rdg/graph";
import { CliError, refusal } from "../cli-error.js";
import { openEmbeddedGraph } from "../open-graph.js";
import { positiveInteger as int } from "../parse-options.js";
import { parseServerUrl, ServerClient } from "../server-client.js";
import { remoteQueryTarget, type QueryTarget } from "./query-remote.js";

type Graph = ReturnType<typeof openEmbeddedGraph>["graph"];

const json = (value: unknown): void => console.log(JSON.stringify(value, null, 2));

/** A node, or exit code 1 with a message: a missing node is an answer, not `undefined` on stdout. */
async function getNode(graph: Graph, type: string, id: string): Promise<GraphNode> {
  const node = await graph.getNode(type, id);
  if (node === undefined) throw new CliError(`no ${type} with id "${id}" in this graph`);
  return node;
}

/** The questions asked of the embedded graph. */
function localTarget(graph: Graph): QueryTarget {
  return {
    node: (type, id) => getNode(graph, type, id),
    neighbors: (id, o) => graph.neighbors(id, o),
    count: (id, o) => graph.countEdges(id, o),
    traverse: (id, o) => graph.traverse({ start: [id], hops: o.hops.map((edge) => ({ edge })), limits: { default: o.limit }, deadlineMs: o.deadline }),
  };
}

interface Where {
  readonly path: string;
  readonly url?: string;
  readonly token?: string;
}

/** Runs one question against `--url` when given, else the graph at `--path`, and prints its JSON. */
async function ask(query: Command, run: (target: QueryTarget) => Promise<unknown>): Promise<void> {
  const o = query.opts<Where>();
  if (o.url !== undefined) {
    if (query.getOptionValueSource("path") === "cli") throw refusal("--url and --path name two graphs; pass one");
    json(await run(remoteQueryTarget(new ServerClient(parseServerUrl(o.url), { token: o.token ?? process.env.RDG_TOKEN }))));
    return;
  }
  if (o.token !== undefined) throw refusal("--token goes with --url (a local graph needs none)");
  const { kv, graph } = openEmbeddedGraph(o.path, { access: "read" });
  try {
    json(await run(localTarget(graph)));
  } finally {
    await kv.close();
  }
}

/** `rdg query ...`: node, neighbors, count and traverse on an embedded graph, or on a running server (`--url`). */
export function addQueryCommands(program: Command, defaultPath: string): void {
  const query = program
    .command("query")
    .description("ask the embedded graph (LMDB), or a running rdg serve (--url), a question; prints JSON")
    .option("--path <dir>", "graph directory", defaultPath)
    .option("--url <url>", "ask the query server at this URL instead, e.g. http://127.0.0.1:8080")
    .option("--token <token>", "bearer token for --url (default: RDG_TOKEN)");
  query
    .command("node <type> <id>")
    .description("a node by id (exit code 1 when there is none)")
    .action((type: string, id: string) => ask(query, (t) => t.node(type, id)));
  query
    .command("neighbors <id>")
    .description("neighbours of a node over one edge type")
    .requiredOption("--edge <type>", "edge type or inverse name, e.g. watched or watchedBy")
    .option("--limit <n>", "most edges", int("limit"), 20)
    .addOption(new Option("--order <order>", "newest first, or storage order").choices(["latest", "any"]).default("latest"))
    .option("--cursor <cursor>", "cursor of the previous page")
    .action((id: string, o: { edge: string; limit: number; order: "latest" | "any"; cursor?: string }) => ask(query, (t) => t.neighbors(id, o)));
  query
    .command("count <id>")
    .description("edges of a node over one edge type")
    .requiredOption("--edge <type>", "edge type or inverse name")
    .action((id: string, o: { edge: string }) => ask(query, (t) => t.count(id, o)));
  query
    .command("traverse <id>")
    .description("breadth-first traversal, 1 to 4 hops")
    .requiredOption("--hops <edges>", "comma-separated edge types, e.g. watched,watchedBy")
    .option("--limit <n>", "edges per node per hop", int("limit"), 300)
    .option("--deadline <ms>", "time budget", int("deadline"), 1000)
    .action((id: string, o: { hops: string; limit: number; deadline: number }) =>
      ask(query, (t) => t.traverse(id, { hops: o.hops.split(",").map((edge) => edge.trim()), limit: o.limit, deadline: o.deadline })));
}
